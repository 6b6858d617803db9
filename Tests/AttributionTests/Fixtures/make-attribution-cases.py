import os
import json
H=("Alice Martin","alice@example.com")
cases=[]
def case(name, message, expect, tools=(), confidence=None, mode=None, author=H, committer=None):
    c={"name":name,"author":{"name":author[0],"email":author[1]},"message":message,
       "expect":{"class":expect,"tools":sorted(tools),"confidence":confidence,"mode":mode}}
    if committer: c["committer"]={"name":committer[0],"email":committer[1]}
    cases.append(c)
AI=lambda n,m,tools,conf="attested",mode="assisted",**kw: case(n,m,"ai",tools,conf,mode,**kw)
HU=lambda n,m,**kw: case(n,m,"human",**kw)
BOT=lambda n,m,**kw: case(n,m,"bot",**kw)

# Claude Code
AI("claude trailer plain","Add tokenizer\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",["claude-code"])
AI("claude trailer lower-case key","Add tokenizer\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",["claude-code"])
AI("claude trailer upper-case key","Fix\n\nCO-AUTHORED-BY: Claude <noreply@anthropic.com>\n",["claude-code"])
AI("claude trailer model name","Fix\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n",["claude-code"])
AI("claude trailer sonnet","Fix\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>\n",["claude-code"])
AI("claude trailer CRLF","Fix bug\r\n\r\nCo-Authored-By: Claude <noreply@anthropic.com>\r\n",["claude-code"])
AI("claude trailer trailing spaces","Fix bug\n\nCo-Authored-By: Claude <noreply@anthropic.com>   \n",["claude-code"])
AI("claude marker old url","Add x\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",["claude-code"])
AI("claude marker new url only","Add x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n",["claude-code"])
AI("claude session trailer","Add x\n\nClaude-Session: https://claude.ai/code/session_01SBzqph11q7ZSHA5QEGgtu5\n",["claude-code"])
AI("claude bare session url","Add x\n\nhttps://claude.ai/code/session_01SBzqph11q7ZSHA5QEGgtu5\n",["claude-code"])
AI("claude web author","Implement feature","claude-code".split(),mode="agent",author=("Claude","noreply@anthropic.com"),committer=("Claude","noreply@anthropic.com"))
AI("claude user-configured model author","Refactor renderer",["claude-code"],mode="agent",author=("Claude Opus 4.8","noreply@anthropic.com"),committer=H)
AI("claude action bot real id","Fix issue 42",["claude-code"],mode="agent",author=("claude[bot]","209825114+claude[bot]@users.noreply.github.com"))
AI("claude action bot default id","Fix issue 42\n\nCo-authored-by: Jane Doe <123+jdoe@users.noreply.github.com>\n",["claude-code"],mode="agent",author=("claude[bot]","41898282+claude[bot]@users.noreply.github.com"))
AI("claude agent hq","Initial plan",["claude-code"],mode="agent",author=("anthropic-code-agent[bot]","242468646+Claude@users.noreply.github.com"))
AI("claude trailer mid-body in squash","Add feature (#12)\n\n* step one\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n\n* step two\n\nSigned-off-by: Alice Martin <alice@example.com>\n",["claude-code"])
# Copilot
AI("copilot agent author display name","Add pagination\n\nCo-authored-by: Bob Chen <bob@example.com>\n",["copilot"],mode="agent",author=("Copilot","198982749+Copilot@users.noreply.github.com"))
AI("copilot agent author bot name","Add pagination",["copilot"],mode="agent",author=("copilot-swe-agent[bot]","198982749+Copilot@users.noreply.github.com"))
AI("copilot agent squash co-author","Add pagination (#7)\n\n---------\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: Bob Chen <bob@example.com>\n",["copilot"])
AI("copilot cli two paragraphs","Add retry\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>\n\nCopilot-Session: 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b\n",["copilot"])
AI("copilot app variant","Add retry\n\nCo-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>\n",["copilot"])
AI("vscode old copilot email","Add x\n\nCo-authored-by: Copilot <copilot@github.com>\n",["copilot"])
AI("copilot review suggestion","Update install.sh\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n",["copilot"])
AI("copilot autofix","Potential fix for code scanning alert no. 12: Incomplete string escaping\n\nCo-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>\n",["copilot"])
AI("copilot agent logs url","Fix test\n\nAgent-Logs-Url: https://github.com/o/r/sessions/8c7e-11\n",["copilot"])
# Codex
AI("codex cli trailer","Add CSV export\n\nCo-authored-by: Codex <noreply@openai.com>\n",["codex"])
AI("codex task url in squash","Add feature (#3)\n\n## Summary\n- add x\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_68555b95d8848328bbd9ce70c4d39f3f\n",["codex"])
AI("codex agent hq author","Initial plan",["codex"],mode="agent",author=("Codex","242516109+Codex@users.noreply.github.com"))
AI("codex agent squash trailer","Fix (#9)\n\nCo-authored-by: openai-code-agent[bot] <242516109+Codex@users.noreply.github.com>\n",["codex"])
# Cursor
AI("cursor agent author","Add emoji reactions",["cursor"],mode="agent",author=("Cursor Agent","cursoragent@cursor.com"))
AI("cursor squash trailer","Add search (#51)\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\n",["cursor"])
AI("cursor ide trailer","Fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n",["cursor"])
AI("cursor made-with trailer","Fix\n\nMade-with: Cursor\n",["cursor"])
AI("cursor bugbot author","Fix bug",["cursor"],mode="agent",author=("cursor[bot]","206951365+cursor[bot]@users.noreply.github.com"))
# Aider
AI("aider committer and prefix","aider: Add retry",["aider"],committer=("Carol Diaz (aider)","carol@example.com"))
AI("aider author suffix","Handle empty config",["aider"],mode="agent",author=("Carol Diaz (aider)","carol@example.com"))
AI("aider trailer new","Fix\n\nCo-authored-by: aider (gpt-5.4) <aider@aider.chat>\n",["aider"])
AI("aider trailer 2025-04 email","Fix\n\nCo-authored-by: aider (claude-3-7-sonnet) <noreply@aider.dev>\n",["aider"])
HU("aider committer only","Tune timeouts",committer=("Alice Martin (aider)","alice@example.com"))
# Devin, Jules, Gemini, others
AI("devin author","Fix import\n\nCo-Authored-By: Alice Martin <alice@example.com>\n",["devin"],mode="agent",author=("devin-ai-integration[bot]","158243242+devin-ai-integration[bot]@users.noreply.github.com"))
AI("devin display variant","Fix import",["devin"],mode="agent",author=("Devin AI","158243242+devin-ai-integration[bot]@users.noreply.github.com"))
AI("devin session link","Fix (#4)\n\nLink to Devin run: https://app.devin.ai/sessions/0123abcd\nRequested by: @alice\n",["devin"])
AI("devin cli","Fix\n\nGenerated with [Devin](https://cli.devin.ai/docs)\n\nCo-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>\n",["devin"])
AI("jules author human committer","Add tests",["jules"],mode="agent",author=("google-labs-jules[bot]","161369871+google-labs-jules[bot]@users.noreply.github.com"),committer=("GitHub","noreply@github.com"))
AI("jules squash trailer","Add tests (#5)\n\nCo-authored-by: google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>\n",["jules"])
AI("gemini code assist suggestion","Apply suggestion\n\nCo-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>\n",["gemini"])
AI("gemini cli action author","Update docs",["gemini"],mode="agent",author=("gemini-cli[bot]","218312386+gemini-cli[bot]@users.noreply.github.com"))
AI("openhands trailer","Fix lint\n\nCo-authored-by: openhands <openhands@all-hands.dev>\n",["openhands"])
AI("openhands old identity","Fix",["openhands"],mode="agent",author=("OpenDevin","opendevin@opendevin.ai"))
AI("amazon q author","Add handler",["amazon-q"],mode="agent",author=("amazon-q-developer[bot]","208079219+amazon-q-developer[bot]@users.noreply.github.com"))
AI("amp trailers","Fix\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1234-5678\nCo-authored-by: Amp <amp@ampcode.com>\n",["amp"])
AI("factory droid","Fix\n\nCo-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>\n",["factory"])
AI("roomote author","Fix",["roo-code"],mode="agent",author=("roomote[bot]","219738659+roomote[bot]@users.noreply.github.com"))
AI("roo code trailer","Fix\n\nCo-authored-by: Roo Code <roomote@roocode.com>\n",["roo-code"])
AI("continue marker","Fix\n\nGenerated with [Continue](https://continue.dev)\n\nCo-Authored-By: Continue <noreply@continue.dev>\n",["continue"])
AI("warp oz trailer","Fix\n\nCo-Authored-By: Oz <oz-agent@warp.dev>\n",["warp"])
AI("opencode","Fix\n\n🤖 Generated with [opencode](https://opencode.ai)\n\nCo-Authored-By: opencode <noreply@opencode.ai>\n",["opencode"])
AI("crush assisted-by head form","Fix\n\n💘 Generated with Crush\n\nAssisted-by: Crush:claude-sonnet-4\n",["crush"])
AI("crush assisted-by via email","Fix\n\nAssisted-by: Claude Sonnet 4 via Crush <crush@charm.land>\n",["crush"])
AI("crush co-author","Fix\n\nCo-Authored-By: Charm Crush <crush@charm.land>\n",["crush"])
AI("replit agent","Fix\n\nReplit-Commit-Author: Agent\nReplit-Commit-Session-Id: 1d2e\n",["replit"])
AI("firebender","Fix\n\n🤖 Generated with [Firebender](https://firebender.com)\n\nCo-Authored-By: Firebender <help@firebender.com>\n",["firebender"])
AI("posthog code","Fix\n\nGenerated-By: PostHog Code\nTask-Id: 1234\n",["posthog-code"])
# Disclosure trailers
AI("kernel assisted-by","mm: fix leak\n\nAssisted-by: Claude:claude-3-opus\nSigned-off-by: Dev <dev@kernel.org>\n",["claude-code"])
AI("git.git assisted-by model","t: fix test\n\nAssisted-by: Claude Opus 4.6\nSigned-off-by: Johannes <j@example.com>\n",["claude-code"])
AI("fedora assisted-by chatgpt","Fix spec\n\nAssisted-by: ChatGPTv5\n",["chatgpt"])
AI("fedora generic llm","Fix spec\n\nAssisted-by: generic LLM chatbot\n",["ai-unspecified"])
AI("asf generated-by","Fix\n\nGenerated-by: GitHub Copilot\n",["copilot"])
AI("assisted-by gpt model","Fix\n\nAssisted-by: gpt-4o\n",["chatgpt"])
AI("assisted-by gemini","Fix\n\nAssisted-by: Gemini 2.5 Pro\n",["gemini"])
HU("assisted-by person","Fix\n\nAssisted-by: Junio C Hamano <gitster@pobox.com>\n")
HU("assisted-by person named claude","Fix\n\nAssisted-by: Claude Dupont <claude@acme.fr>\n")
# Several tools
AI("two tools","Fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\n",["claude-code","cursor"])
AI("two trailers on one line","Fix (#8)\n\nCo-authored-by: Bob <bob@example.com> Co-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>\n",["copilot"])
AI("folded trailer value","Fix\n\nCo-authored-by: Claude\n <noreply@anthropic.com>\n",["claude-code"])
AI("entire checkpoint","Fix\n\nEntire-Checkpoint: 01HZX3K4M5N6P7Q8R9S0T1V2W3\n",["entire"],conf="inferred")
# Regressions found on real history (docs/accuracy.md)
AI("trailer followed by an indented html badge","Harden shell scripts (#1026)\n\n- Use mktemp\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n<!-- devin-review-badge-begin -->\n\n---\n\n<a href=\"https://app.devin.ai/review/o/r/pull/1026\" target=\"_blank\">\n  <picture>\n    <source media=\"(prefers-color-scheme: dark)\" srcset=\"https://static.devin.ai/x.svg\">\n  </picture>\n</a>\n",["claude-code"])
AI("git merge --squash with an indented agent trailer","Squashed commit of the following:\n\ncommit 0123456789abcdef0123456789abcdef01234567\nAuthor: Matt <m@example.com>\nDate:   Mon Jan 6 10:00:00 2025 +0000\n\n    Fix escaping (#75)\n\n    Co-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>\n",["copilot"])
AI("copilot autofix via code quality app","Potential fix for code quality finding\n\nCo-authored-by: Copilot Autofix powered by AI <223894421+github-code-quality[bot]@users.noreply.github.com>\n",["copilot"])
AI("old opendevin bot co-author","Fix\n\nCo-authored-by: OpenDevinBot <bot@opendevin.com>\n",["openhands"])
HU("indented trailer outside a squash stays a quotation","Docs\n\nAdd this to your commits:\n\n    Co-authored-by: Codex <noreply@openai.com>\n")
# Weak markers -> inferred
AI("copilot initial plan subject only","Initial plan",["copilot"],conf="inferred")
AI("cursor checkpoint subject","Checkpoint before follow-up message",["cursor"],conf="inferred")
# Bots
BOT("dependabot","Bump lodash from 4.17.20 to 4.17.21",author=("dependabot[bot]","49699333+dependabot[bot]@users.noreply.github.com"))
BOT("dependabot old email","Bump x",author=("dependabot[bot]","support@dependabot.com"))
BOT("renovate","chore(deps): update",author=("renovate[bot]","29139614+renovate[bot]@users.noreply.github.com"))
BOT("github-actions","Update docs",author=("github-actions[bot]","41898282+github-actions[bot]@users.noreply.github.com"))
BOT("github-actions no id","Update docs",author=("github-actions[bot]","github-actions[bot]@users.noreply.github.com"))
BOT("github-actions action email","Update docs",author=("GitHub Action","action@github.com"))
BOT("pre-commit-ci","[pre-commit.ci] auto fixes",author=("pre-commit-ci[bot]","66853113+pre-commit-ci[bot]@users.noreply.github.com"))
BOT("semantic-release","chore(release): 1.2.3",author=("semantic-release-bot","semantic-release-bot@martynus.net"))
BOT("robot suffix gemini-cli-robot","chore(release): v0.3.0\n\nCo-authored-by: gemini-cli-robot <gemini-cli-robot@google.com>\n",author=("gemini-cli-robot","gemini-cli-robot@google.com"))
BOT("unknown github app","Sync labels",author=("some-app[bot]","12345+some-app[bot]@users.noreply.github.com"))
BOT("web-flow author","Create LICENSE",author=("GitHub","noreply@github.com"))
AI("agent fixing dependabot PR","Bump x and fix build\n\nCo-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>\n",["copilot"],author=("dependabot[bot]","49699333+dependabot[bot]@users.noreply.github.com"))
HU("bot co-author does not make bot","Merge deps\n\nCo-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>\n")
# Human traps
HU("plain human","Refactor lexer")
HU("person named claude","Fix typo",author=("Claude Dupont","claude@acme.fr"))
HU("person named claude co-author","Pair work\n\nCo-authored-by: Claude <claude@acme.fr>\n")
HU("person named claude monet","Fix\n\nCo-authored-by: Claude Monet <claude@example.com>\n")
HU("person named devin","Fix",author=("Devin Smith","devin@example.com"))
HU("person named jules","Fix",author=("Jules Verne","jules@example.org"))
HU("anthropic employee","Fix flaky test",author=("Jane Roe","jane@anthropic.com"))
HU("openai employee","Fix flaky test",author=("John Roe","john@openai.com"))
HU("human co-author","Pair\n\nCo-authored-by: Bob Chen <bob@example.com>\n")
HU("talks about trailer inline","Document attribution\n\nWe ask contributors to remove 'Co-Authored-By: Claude <noreply@anthropic.com>' lines.\n")
HU("talks about disabling claude code","chore: disable Claude Code attribution\n\nSet includeCoAuthoredBy to false.\n")
HU("quoted trailer indented","Docs\n\nExample:\n\n    Co-Authored-By: Claude <noreply@anthropic.com>\n")
HU("mentions generated with claude code mid-line","Docs: remove the 'Generated with [Claude Code]' footer from PR template\n")
HU("github web committer","Edit README",committer=("GitHub","noreply@github.com"))
HU("branch-like name in message","Merge branch 'cursor-invert-fg-bg'")
HU("initial plan in body only","Add feature\n\nInitial plan was different.\n")
HU("url of claude docs","Link docs\n\nSee https://claude.ai/docs for details\n")
HU("assisted-by empty","Fix\n\nAssisted-by:\n")
HU("human with noreply","Fix",author=("Bob","1234+bob@users.noreply.github.com"))
HU("copilot as word in subject","Remove Copilot config")
HU("signed-off only","Fix\n\nSigned-off-by: Alice Martin <alice@example.com>\n")
HU("claude-session key but wrong value","Fix\n\nClaude-Session: none\n")

# --- Variants, generated from the catalogue's identity forms -------------------
squash_tail = "\n\n* first change\n* second change\n\n---------\n\n"
for name, email, tool in [
    ("Claude", "noreply@anthropic.com", "claude-code"), ("Claude Haiku 4.5", "noreply@anthropic.com", "claude-code"),
    ("Claude Code", "noreply@anthropic.com", "claude-code"), ("Codex", "noreply@openai.com", "codex"),
    ("Cursor Agent", "cursoragent@cursor.com", "cursor"), ("aider (unknown-model)", "aider@aider.chat", "aider"),
    ("openhands", "openhands@all-hands.dev", "openhands"), ("Amp", "amp@ampcode.com", "amp"),
    ("Roo Code", "roomote@roocode.com", "roo-code"), ("Warp", "agent@warp.dev", "warp"),
    ("Firebender", "help@firebender.com", "firebender"), ("Continue", "noreply@continue.dev", "continue"),
]:
    AI(f"squash trailer {name} <{email}>", f"Feature (#42){squash_tail}Co-authored-by: {name} <{email}>\nCo-authored-by: Bob Chen <bob@example.com>\n", [tool])
    AI(f"upper-case email {email}", f"Fix\n\nCo-Authored-By: {name} <{email.upper()}>\n", [tool])
for gid, login, tool in [
    (198982749, "Copilot", "copilot"), (175728472, "Copilot", "copilot"), (223556219, "Copilot", "copilot"),
    (242468646, "Claude", "claude-code"), (242516109, "Codex", "codex"), (209825114, "claude[bot]", "claude-code"),
    (158243242, "devin-ai-integration[bot]", "devin"), (161369871, "google-labs-jules[bot]", "jules"),
    (176961590, "gemini-code-assist[bot]", "gemini"), (218312386, "gemini-cli[bot]", "gemini"),
    (206951365, "cursor[bot]", "cursor"), (219738659, "roomote[bot]", "roo-code"), (138933559, "factory-droid[bot]", "factory"),
    (208079219, "amazon-q-developer[bot]", "amazon-q"), (199175422, "chatgpt-codex-connector[bot]", "codex"),
]:
    AI(f"agent author id {gid}", "Implement the requested change", [tool], mode="agent", author=(login, f"{gid}+{login}@users.noreply.github.com"))
    AI(f"agent co-author id {gid}", f"Apply suggestion\n\nCo-authored-by: {login} <{gid}+{login}@users.noreply.github.com>\n", [tool])
    HU(f"agent id {gid} only as committer", "Rebase old work", committer=(login, f"{gid}+{login}@users.noreply.github.com"))
AI("renamed account keeps its id", "Fix", ["copilot"], mode="agent", author=("some-new-name", "198982749+some-new-name@users.noreply.github.com"))
for gid, login in [(49699333, "dependabot[bot]"), (29139614, "renovate[bot]"), (41898282, "github-actions[bot]"),
                   (66853113, "pre-commit-ci[bot]"), (114827586, "autofix-ci[bot]")]:
    BOT(f"automation author id {gid}", "chore: automated update", author=(login, f"{gid}+{login}@users.noreply.github.com"))
    HU(f"automation only as committer {gid}", "Edit in the web UI", committer=(login, f"{gid}+{login}@users.noreply.github.com"))
for name in ["k8s-ci-robot", "release-bot", "mergify[bot]", "imgbot[bot]", "allcontributors[bot]", "snyk-bot"]:
    BOT(f"automation name {name}", "Automated change", author=(name, f"{name.replace('[bot]','')}@example.com"))
for person in [("Claude Shannon", "claude.shannon@example.edu"), ("Devin Booker", "devin@nba.example"),
               ("Jules Winnfield", "jules@example.com"), ("Aider Smith", "aider.smith@example.com"),
               ("Cursor Jones", "cjones@example.com"), ("Copilot Pilot", "pilot@airline.example"),
               ("Gemini Twin", "gemini@example.org"), ("Sam Altman Fan", "fan@openai.com.example")]:
    HU(f"person {person[0]}", "Fix a bug", author=person)
    HU(f"co-author person {person[0]}", f"Pair\n\nCo-authored-by: {person[0]} <{person[1]}>\n")
for text in ["Assisted-by: Jane Doe <jane@example.com>", "Assisted-by: the whole team", "Generated-by: make docs",
             "Generated-by: protoc 3.21", "Assisted-by: Stack Overflow", "Reviewed-by: Claude Dupont <claude@acme.fr>"]:
    HU(f"disclosure without a tool: {text}", f"Fix\n\n{text}\n")
for text, tool in [("Assisted-by: Claude:claude-3-7-sonnet [checkpatch]", "claude-code"), ("Assisted-by: GitHub Copilot:gpt-4.1", "copilot"),
                   ("Assisted-by: Cursor:claude-4-sonnet", "cursor"), ("Assisted-by: Gemini:gemini-2.5-pro", "gemini"),
                   ("Generated-by: Claude Code", "claude-code"), ("Generated-by: OpenAI Codex", "codex"),
                   ("Co-authored-by-AI: GitHub Copilot (gpt-4o)", "copilot"), ("Assisted-by: Qwen Code:qwen3-coder", "qwen"),
                   ("Assisted-by: Aider:deepseek-v3", "aider"), ("assisted-by: claude opus 4", "claude-code")]:
    AI(f"disclosure {text}", f"Fix\n\n{text}\nSigned-off-by: Dev <dev@example.org>\n", [tool])
for line, tool in [("🤖 Generated with [Claude Code](https://claude.ai/code)", "claude-code"),
                   ("Generated with [Claude Code](https://claude.com/claude-code)", "claude-code"),
                   ("_Generated by [Claude Code](https://claude.ai/code/session_01ABC)_", "claude-code"),
                   ("💖 Generated with Crush", "crush"), ("🤖 Generated with [opencode](https://opencode.ai)", "opencode")]:
    AI(f"marker alone: {line[:30]}", f"Change\n\n{line}\n", [tool])
    HU(f"marker quoted mid-line: {line[:30]}", f"Docs: strip the '{line}' footer\n")

# The catalogue generalised (issue 18): tools it did not list, imitations of Claude Code's footer,
# disclosures that name no tool, squash subjects, agents' names, automation named as such.
APP=lambda gid, login: (login, f"{gid}+{login}@users.noreply.github.com")
for trailer, tool in [("Co-Authored-By: Grok <noreply@x.ai>", "grok"), ("Co-Authored-By: Grok 4.6 <noreply@x.ai>", "grok"),
                      ("Co-authored-by: Grok Build <grok-build@x.ai>", "grok"), ("Co-Authored-By: GLM 5.3 <noreply@z.ai>", "glm"),
                      ("Co-authored-by: glm-5.2 <service@zhipuai.cn>", "glm"), ("Co-Authored-By: GLM-5.2 <noreply@z.ai.com>", "glm"),
                      ("Co-authored-by: Kimi Code <noreply@moonshot.ai>", "kimi"), ("Co-Authored-By: Kimi K2.6 <noreply@kimi.com>", "kimi"),
                      ("Co-Authored-By: MiniMax-M3.1-Flash-Preview <noreply@minimax.io>", "minimax"),
                      ("Co-Authored-By: MiniMax M3 <noreply@minimax.chat>", "minimax"),
                      ("Co-Authored-By: Mistral Vibe <vibe@mistral.ai>", "mistral"),
                      ("Co-authored-by: DeepSeek <noreply@deepseek.com>", "deepseek"),
                      ("Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>", "qwen"),
                      ("Co-Authored-By: MiniMax-M3 <noreply@example.com>", "minimax"),
                      ("Co-authored-by: Kimi K3 (1M) <noreply@moonshot.ai>", "kimi"),
                      ("Co-authored-by: Gemini 3 Pro <noreply@google.com>", "gemini")]:
    AI(f"named model co-author: {trailer}", f"Add parser\n\n{trailer}\n", [tool])
AI("mistral vibe footer", "Add parser\n\nGenerated by Mistral Vibe.\nCo-Authored-By: Mistral Vibe <vibe@mistral.ai>\n", ["mistral"])
AI("footer naming another model", "Add parser\n\n🤖 Generated with [Kimi](https://kimi.ai)\n\nCo-Authored-By: Kimi <noreply@kimi.ai>\n", ["kimi"])
AI("footer naming a model alone", "Add parser\n\n🤖 Generated with [Grok](https://x.ai)\n", ["grok"])
AI("footer of a tool the catalogue does not list", "Add parser\n\n🤖 Generated with [Qoder](https://qoder.com)\n\nCo-Authored-By: Qoder <noreply@qoder.com>\n", ["ai-unspecified"])
HU("a documentation generator's footer", "Docs\n\nGenerated with [Sphinx](https://www.sphinx-doc.org)\n")
HU("an unknown no-reply co-author without a footer", "Translate\n\nCo-authored-by: Translation Service <noreply@weblate.example>\n")
HU("an unknown footer with a person as co-author", "Add parser\n\nGenerated with [Qoder](https://qoder.com)\n\nCo-authored-by: Qoder <qoder@example.com>\n")
AI("a model's name over an address no vendor owns", "Add parser\n\nCo-Authored-By: Qwen 3.8 27B <qwen3.8-27b@local>\n", ["qwen"], conf="inferred")
HU("a model's name over the author's own address", "Add parser\n\nCo-authored-by: Claude Code <alice@example.com>\n")
for text, tool in [("Assisted-by: AI", "ai-unspecified"), ("Generated-by: an LLM", "ai-unspecified"),
                   ("Assisted-by: generative AI tools", "ai-unspecified"), ("Assisted-by: GLM 4.6", "glm"),
                   ("Assisted-by: Kimi K2 via Claude Code", "claude-code"), ("Assisted-by: Grok <noreply@x.ai>", "grok"),
                   ("Assisted-by: Claude:claude-opus-4-5", "claude-code")]:
    AI(f"disclosure {text}", f"Fix\n\n{text}\n", [tool])
for text in ["Assisted-by: Jane Doe <jane@example.com>", "Assisted-by: Kai (no AI)", "Generated-by: Sphinx 7.2",
             "Assisted-by: the AI team <ai-team@example.com>"]:
    HU(f"not a disclosure: {text}", f"Fix\n\n{text}\n")
AI("a tool signing off without an address", "Fix\n\nSigned-off-by: Gemini\n", ["gemini"], conf="inferred")
AI("a model as co-author without an address", "Fix\n\nCo-authored-by: Grok (xAI partnership)\n", ["grok"], conf="inferred")
AI("an AI identity signing off", "Fix\n\nSigned-off-by: Claude <noreply@anthropic.com>\n", ["claude-code"])
HU("a person signing off", "Fix\n\nSigned-off-by: Claude Dupont <claude@acme.fr>\n")
AI("squash subject with the trailer after prose", "Add feature (#123) Co-authored-by: Claude <noreply@anthropic.com>", ["claude-code"])
AI("squash subject with the trailer after a colon", "Fix: feature (#123) Co-authored-by: Claude <noreply@anthropic.com>", ["claude-code"])
AI("squash subject with bullets before the trailer", "Add feature (#123) * wip * tests Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", ["copilot"])
HU("prose naming the trailer without a colon", "Docs: explain the co-authored-by trailer Claude adds")
AI("an agent's name over the user's own address", "Add parser", ["cursor"], conf="inferred", mode="agent", author=("Cursor Agent", "alice@company.dev"))
AI("claude code named over a company address", "Add parser", ["claude-code"], conf="inferred", mode="agent", author=("Claude Code", "dev@corp.example"))
AI("a model's name over a vendor address as author", "Add parser", ["kimi"], mode="agent", author=("Kimi Code", "agent@kimi.com"))
AI("grok as author", "Add parser", ["grok"], mode="agent", author=("Grok", "noreply@x.ai"))
HU("a person called Claude with a personal address", "Fix a bug", author=("Claude", "claude@gmail.example"))
HU("a person called Claude at a vendor", "Fix a bug", author=("Claude Monet", "claude@anthropic.com"))
HU("a co-author called Kimi", "Pair\n\nCo-Authored-By: Kimi <k@example.invalid>\n")
HU("a co-author called Devin on GitHub", "Pair\n\nCo-authored-by: Devin <12345+devin@users.noreply.github.com>\n")
HU("an address holding a tool's name", "Pair\n\nCo-authored-by: Jane <jane.claude@example.com>\n")
HU("prose naming tools", "We tried Claude Code and Grok for this refactor; neither helped")
HU("a person called Cody", "Fix", author=("Cody Brown", "cody@example.com"))
HU("a person called Abbot Talbot", "Fix", author=("Abbot Talbot", "abbot@example.com"))
for name, email in [("Release Bot", "ci@company.example"), ("Gemini CLI Robot", "gemini-cli-robot@google.com"),
                    ("semantic-release", "semantic@corp.example"), ("Autofix", "autofix@corp.example")]:
    BOT(f"automation named {name}", "chore: release 1.2.3", author=(name, email))
BOT("an AI tool's app publishing a release", "chore(release): bump version to 0.7.0-nightly.20250918.2722473a (#8667)", author=APP(218312386, "gemini-cli[bot]"))
AI("the same app's agent work", "Fix: Inconsistent Case-Sensitivity in GrepTool (#26235)", ["gemini"], mode="agent", author=APP(218312386, "gemini-cli[bot]"))
AI("an app that runs an agent: ask-*", "Fix flaky test", ["ai-unspecified"], mode="agent", author=APP(123456, "ask-bonk[bot]"))
AI("an app that runs an agent: *-agent", "Fix flaky test", ["ai-unspecified"], mode="agent", author=APP(123457, "acme-agent[bot]"))
BOT("an ordinary app stays automation", "Update lockfile", author=APP(123458, "lockfile-maintainer[bot]"))

json.dump({"cases":cases}, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "attribution-cases.json"), "w"), indent=1, ensure_ascii=False)
print(len(cases))

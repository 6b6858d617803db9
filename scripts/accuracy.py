#!/usr/bin/env python3
"""Cross-checks census's verdicts on a real repository against an independent,
deliberately simple detector of attested AI traces, written from the reference
catalogue with plain regular expressions (no code shared with census).

Usage: scripts/accuracy.py --census .build/release/census --db STORE REPO [REPO ...]
The repositories must be scanned into STORE first (census scan --db STORE REPO).
Prints one Markdown table row per repository, then the disagreements to check by hand.
"""
import argparse
import collections
import json
import re
import subprocess
import sys

AI_EMAILS = {
    "noreply@anthropic.com": "claude-code", "noreply@openai.com": "codex", "codex@openai.com": "codex",
    "cursoragent@cursor.com": "cursor", "agent@cursor.com": "cursor", "aider@aider.chat": "aider",
    "noreply@aider.chat": "aider", "noreply@aider.dev": "aider", "openhands@all-hands.dev": "openhands",
    "opendevin@all-hands.dev": "openhands", "opendevin@opendevin.ai": "openhands", "amp@ampcode.com": "amp",
    "roomote@roocode.com": "roo-code", "copilot@github.com": "copilot", "help@firebender.com": "firebender",
    "crush@charm.land": "crush", "noreply@continue.dev": "continue", "noreply@opencode.ai": "opencode",
}
AI_GITHUB_IDS = {
    "198982749": "copilot", "175728472": "copilot", "223556219": "copilot", "167198135": "copilot",
    "62310815": "copilot", "242468646": "claude-code", "209825114": "claude-code", "242516109": "codex",
    "199175422": "codex", "158243242": "devin", "161369871": "jules", "176961590": "gemini",
    "218312386": "gemini", "206951365": "cursor", "219738659": "roo-code", "138933559": "factory",
    "208079219": "amazon-q",
}
BOT_HINTS = re.compile(r"(dependabot|renovate|github-actions|pre-commit-ci|semantic-release|\[bot\]|-bot\b|-robot\b|web-flow)", re.I)
NOREPLY = re.compile(r"^(\d+)\+([^@]+)@users\.noreply\.github\.com$", re.I)
MARKERS = [
    (re.compile(r"^\W*Generated with \[?Claude Code", re.M), "claude-code"),
    (re.compile(r"claude\.ai/code/session_"), "claude-code"),
    (re.compile(r"chatgpt\.com/codex/tasks/"), "codex"),
    (re.compile(r"app\.devin\.ai/sessions/"), "devin"),
    (re.compile(r"^Copilot-Session:", re.M | re.I), "copilot"),
]
COAUTHOR = re.compile(r"^co-authored-by:\s*(.*?)<([^>]+)>", re.M | re.I)


def identity_tool(email, name=""):
    email = email.strip().lower()
    if email in AI_EMAILS:
        return AI_EMAILS[email]
    match = NOREPLY.match(email)
    if match:
        if match.group(1) == "41898282":
            return "claude-code" if match.group(2) == "claude[bot]" else None
        return AI_GITHUB_IDS.get(match.group(1))
    return None


def naive(commit):
    """Tools that a simple reading of the catalogue sees in the commit."""
    tools = set()
    author_tool = identity_tool(commit["ae"], commit["an"])
    if author_tool:
        tools.add(author_tool)
    if commit["an"].endswith("(aider)"):
        tools.add("aider")
    body = commit["body"]
    if body.startswith("aider: "):
        tools.add("aider")
    for name, email in COAUTHOR.findall(body):
        tool = identity_tool(email, name)
        if tool:
            tools.add(tool)
    for pattern, tool in MARKERS:
        if pattern.search(body):
            tools.add(tool)
    return tools


def annotated(repo):
    """Commits whose refs/notes/ai authorship log attests lines to an AI key, with git-ai's tool names."""
    listing = subprocess.run(["git", "-C", repo, "notes", "--ref=ai", "list"], capture_output=True, text=True)
    if listing.returncode != 0:
        return {}
    pairs = [line.split() for line in listing.stdout.splitlines() if line.strip()]
    batch = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=("\n".join(p[0] for p in pairs) + "\n").encode(),
                           capture_output=True, check=True).stdout
    notes, position = {}, 0
    for blob, commit in pairs:
        header_end = batch.index(b"\n", position)
        size = int(batch[position:header_end].split()[2])
        text = batch[header_end + 1:header_end + 1 + size].decode("utf-8", "replace")
        position = header_end + 1 + size + 1
        attestation, _, metadata = text.partition("\n---\n")
        keys = {line.split()[0].split("::")[0] for line in attestation.splitlines()
                if line.startswith("  ") and not line.strip().startswith("h_")}
        tools = set()
        for key in keys:
            found = re.search(re.escape(f'"{key}"') + r'.{0,2000}?"tool":\s*"([^"]+)"', metadata, re.S)
            if found:
                tools.add(NOTES_TOOLS.get(found.group(1).lower(), "ai-unspecified"))
        if tools:
            notes[commit] = tools
    return notes


NOTES_TOOLS = {"claude": "claude-code", "cursor": "cursor", "codex": "codex", "devin": "devin", "opencode": "opencode",
               "amp": "amp", "copilot": "copilot", "gemini": "gemini", "windsurf": "windsurf", "droid": "factory"}


def git_log(repo):
    out = subprocess.run(["git", "-C", repo, "log", "--no-merges", "--format=%H%x00%an%x00%ae%x00%at%x00%B%x1e", "HEAD"],
                         capture_output=True, check=True).stdout.decode("utf-8", "replace")
    for record in out.split("\x1e"):
        record = record.lstrip("\n")
        if not record:
            continue
        sha, an, ae, at, body = record.split("\x00", 4)
        yield {"sha": sha, "an": an, "ae": ae, "at": int(at), "body": body.replace("\r\n", "\n")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--census", default=".build/release/census")
    parser.add_argument("--db", required=True)
    parser.add_argument("repos", nargs="+")
    args = parser.parse_args()
    totals = collections.Counter()
    print("| repository | commits | ai | human | bot | attested traces (independent) | found by census | right tool | census-only ai | pre-2021 ai | bot commits without AI trace | as bot | as ai |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    disagreements = []
    for repo in args.repos:
        out = subprocess.run([args.census, "commits", "--db", args.db, "--repo", repo, "--format", "ndjson"],
                             capture_output=True, check=True, text=True).stdout
        census = {r["sha"]: r for r in map(json.loads, out.splitlines()) if not r["is_merge"]}
        counts = collections.Counter(r["class"] for r in census.values())
        flagged = found = right_tool = pre2021_ai = bots = bots_as_bot = bots_as_ai = 0
        census_only = collections.Counter()
        notes = annotated(repo)
        for commit in git_log(repo):
            verdict = census.get(commit["sha"])
            if verdict is None:
                continue
            tools = naive(commit) | notes.get(commit["sha"], set())
            if tools:
                flagged += 1
                if verdict["class"] == "ai":
                    found += 1
                    if tools & set(verdict["tools"]):
                        right_tool += 1
                    else:
                        disagreements.append((repo, commit["sha"], "tool", sorted(tools), verdict["tools"]))
                else:
                    disagreements.append((repo, commit["sha"], "missed", sorted(tools), verdict["class"]))
            elif verdict["class"] == "ai":
                rule = next((e.split("[", 1)[1].split("]")[0] for e in verdict["evidence"] if "not counted" not in e), "?")
                census_only[rule] += 1
            if commit["at"] < 1609459200 and verdict["class"] == "ai":
                pre2021_ai += 1
                disagreements.append((repo, commit["sha"], "pre-2021 ai", [], verdict["evidence"]))
            is_agent = identity_tool(commit["ae"], commit["an"]) is not None
            # Automation with no AI trace must be bot; with one (an agent fixing a
            # dependabot PR, notes on a CI commit) it is AI by design.
            if BOT_HINTS.search(commit["an"] + " " + commit["ae"]) and not is_agent and not tools:
                bots += 1
                bots_as_bot += verdict["class"] == "bot"
                if verdict["class"] == "ai":
                    bots_as_ai += 1
                    disagreements.append((repo, commit["sha"], "bot as ai", [commit["an"]], verdict["evidence"]))
                elif verdict["class"] != "bot":
                    disagreements.append((repo, commit["sha"], "bot as " + verdict["class"], [commit["an"], commit["ae"]], []))
        name = repo.rstrip("/").split("/")[-2] if repo.endswith("/repo") else repo
        only = ", ".join(f"{rule} {n}" for rule, n in census_only.most_common(4)) or "0"
        print(f"| {name} | {len(census)} | {counts['ai']} | {counts['human']} | {counts['bot']} | {flagged} | {found} | {right_tool} | {sum(census_only.values())} ({only}) | {pre2021_ai} | {bots} | {bots_as_bot} | {bots_as_ai} |")
        for key, value in (("flagged", flagged), ("found", found), ("right", right_tool), ("pre", pre2021_ai),
                           ("bots", bots), ("bots_bot", bots_as_bot), ("bots_ai", bots_as_ai)):
            totals[key] += value
    if totals["flagged"]:
        print(f"\nrecall on attested traces: {totals['found']}/{totals['flagged']} = {totals['found'] / totals['flagged']:.2%}; "
              f"right tool: {totals['right']}/{totals['found']} = {totals['right'] / max(1, totals['found']):.2%}")
    if totals["bots"]:
        print(f"bot accounts classified bot: {totals['bots_bot']}/{totals['bots']} = {totals['bots_bot'] / totals['bots']:.2%}; as ai: {totals['bots_ai']}")
    print(f"AI verdicts before 2021: {totals['pre']}")
    print("\nDisagreements (first 60):")
    for row in disagreements[:60]:
        print("  ", row[0].split("/")[-2] if row[0].endswith("/repo") else row[0], row[1][:12], *row[2:])
    print(f"  ({len(disagreements)} in all)", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Generates a deterministic git repository of N commits with git fast-import:
# realistic message lengths and file churn, a few authors, people's commits
# with AI trailers (Claude Code, Copilot, Cursor), agent and bot authors, and
# a merge every 50 commits. The same N gives the same history, byte for byte,
# so anyone can reproduce the figures in README.md without the network.
#
# Usage: scripts/make-big-repo.sh DIR N
set -euo pipefail
dir=${1:?usage: make-big-repo.sh DIR N}
count=${2:?usage: make-big-repo.sh DIR N}
if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
  echo "make-big-repo.sh: $dir exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dir"
git init -q -b main "$dir"
python3 - "$count" <<'PY' | git -C "$dir" fast-import --quiet --done
import random, sys
count = int(sys.argv[1])
rng = random.Random(42)
people = [("Ada Lovelace", "ada@example.com"), ("Grace Hopper", "grace@example.com"), ("Linus T", "linus@example.org"),
          ("Margaret H", "margaret@example.com"), ("Dennis R", "dennis@example.net"), ("Barbara L", "barbara@example.com"),
          ("Ken T", "ken@example.org"), ("Radia P", "radia@example.com")]
agents = [("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
          ("Cursor Agent", "cursoragent@cursor.com"),
          ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com")]
bots = [("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")]
words = ("fix add update refactor remove handle parse cache index render test docs build config retry "
         "timeout error path buffer stream client server query schema report merge commit tree").split()
out = sys.stdout
def data(text):
    raw = text.encode()
    out.write(f"data {len(raw)}\n"); out.write(text); out.write("\n")
time = 1_577_836_800  # 2020-01-01
for n in range(1, count + 1):
    time += rng.randint(60, 7200)
    roll = rng.random()
    name, email = rng.choice(people)
    body = ""
    if roll < 0.03:
        name, email = rng.choice(bots)
    elif roll < 0.06:
        name, email = rng.choice(agents)
    subject = " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))).capitalize()
    if rng.random() < 0.6:
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 14))) for _ in range(rng.randint(1, 8))]
        body = "\n\n" + "\n".join(lines)
    trailer = rng.random()
    if trailer < 0.05:
        body += "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
    elif trailer < 0.07:
        body += "\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"
    elif trailer < 0.08:
        body += "\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>"
    if rng.random() < 0.3:
        body += f"\n\nSigned-off-by: {name} <{email}>"
    out.write(f"commit refs/heads/main\nmark :{n}\n")
    out.write(f"author {name} <{email}> {time} +0000\ncommitter {name} <{email}> {time} +0000\n")
    data(subject + body + "\n")
    if n > 1:
        out.write(f"from :{n - 1}\n")
        if n % 50 == 0 and n > 60:
            out.write(f"merge :{n - rng.randint(2, 40)}\n")
    for _ in range(rng.randint(1, 3)):
        path = f"src/module{rng.randint(0, 60)}/file{rng.randint(0, 25)}.txt"
        content = "\n".join(f"line {n} {i} " + rng.choice(words) for i in range(rng.randint(5, 60))) + "\n"
        out.write(f"M 644 inline {path}\n"); data(content)
out.write("done\n")
PY
git -C "$dir" reset -q --hard main
echo "$dir: $(git -C "$dir" rev-list --count HEAD) commits"

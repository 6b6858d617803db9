#!/usr/bin/env bash
# Builds a git repository with a known, documented mix of AI, human and bot
# commits, shaped like real history (identities, trailers and markers as the
# tools write them). The expected verdict of every commit is in samples/README.md
# and is checked by the test suite.
#
# Usage: samples/make-sample-repo.sh DIR     (DIR must not exist or be empty)
set -euo pipefail

dir=${1:?usage: make-sample-repo.sh DIR}
if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
  echo "make-sample-repo.sh: $dir exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dir"
cd "$dir"
export GIT_CONFIG_NOSYSTEM=1 HOME="$PWD/.home-unused" GIT_CONFIG_GLOBAL=/dev/null
git init -q -b main .
git config commit.gpgsign false

n=0
# commit "Author Name" author@email "YYYY-MM-DDTHH:MM:SS+ZZZZ" "message" [committer name] [committer email]
commit() {
  local name=$1 email=$2 date=$3 message=$4
  local cname=${5:-$1} cemail=${6:-$2}
  n=$((n + 1))
  printf 'change %d by %s\n' "$n" "$name" >> "file$((n % 5)).txt"
  git add -A
  GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date \
  GIT_COMMITTER_NAME=$cname GIT_COMMITTER_EMAIL=$cemail GIT_COMMITTER_DATE=$date \
    git commit -q --no-verify -m "$message"
}

alice=("Alice Martin" alice@example.com)
bob=("Bob Chen" bob@example.com)
carol=("Carol Diaz" carol@example.com)

# --- 2025-01: people only -----------------------------------------------------
commit "${alice[@]}" 2025-01-06T09:00:00+01:00 "Initial commit"
commit "${bob[@]}"   2025-01-08T10:30:00-05:00 "Add parser skeleton"
commit "${carol[@]}" 2025-01-15T14:00:00+00:00 "Write README

Assisted-by: Bob Chen <bob@example.com>"                                   # trap: a person helped
commit "Claude Dupont" claude@acme.fr 2025-01-20T11:00:00+01:00 "Fix typo in docs"   # trap: a person named Claude
commit "dependabot[bot]" 49699333+dependabot[bot]@users.noreply.github.com 2025-01-22T03:00:00+00:00 "Bump lodash from 4.17.20 to 4.17.21"

# --- 2025-02: first AI traces ----------------------------------------------------
# Claude Code's instructions file: the repository's adoption date (census repos), not a verdict.
printf '# Conventions\nRun the tests before committing.\n' > CLAUDE.md
commit "${alice[@]}" 2025-02-03T09:15:00+01:00 "Add tokenizer

🤖 Generated with [Claude Code](https://claude.ai/code)

Co-Authored-By: Claude <noreply@anthropic.com>"
commit "${bob[@]}"   2025-02-05T16:00:00-05:00 "Refactor lexer state machine"
commit "Jane Roe" jane@anthropic.com 2025-02-10T12:00:00-08:00 "Fix flaky test"   # trap: works at Anthropic, committed by hand
commit "renovate[bot]" 29139614+renovate[bot]@users.noreply.github.com 2025-02-12T04:00:00+00:00 "chore(deps): update actions/checkout action to v4"
commit "${carol[@]}" 2025-02-20T10:00:00+00:00 "aider: Add retry to HTTP client" "Carol Diaz (aider)" carol@example.com

# --- 2025-03: agents --------------------------------------------------------------
commit "copilot-swe-agent[bot]" 198982749+Copilot@users.noreply.github.com 2025-03-03T08:00:00+00:00 "Initial plan

Co-authored-by: Bob Chen <bob@example.com>"
commit "copilot-swe-agent[bot]" 198982749+Copilot@users.noreply.github.com 2025-03-03T08:20:00+00:00 "Add pagination to list endpoint

Co-authored-by: Bob Chen <bob@example.com>"
commit "Cursor Agent" cursoragent@cursor.com 2025-03-10T13:00:00+00:00 "Add emoji reactions to task messages"
commit "${alice[@]}" 2025-03-12T09:00:00+01:00 "Speed up cache lookups"
commit "github-actions[bot]" 41898282+github-actions[bot]@users.noreply.github.com 2025-03-15T00:00:00+00:00 "Update generated API docs"
commit "Carol Diaz (aider)" carol@example.com 2025-03-18T10:00:00+00:00 "Handle empty config file"

# --- 2025-04: more tools ----------------------------------------------------------
commit "${bob[@]}"   2025-04-02T11:00:00-04:00 "Add CSV export

Co-authored-by: Codex <noreply@openai.com>"
commit "devin-ai-integration[bot]" 158243242+devin-ai-integration[bot]@users.noreply.github.com 2025-04-08T07:00:00+00:00 "Fix task output import

Co-Authored-By: Alice Martin <alice@example.com>"
commit "google-labs-jules[bot]" 161369871+google-labs-jules[bot]@users.noreply.github.com 2025-04-14T06:00:00+00:00 "Add unit tests for the scheduler" "Carol Diaz" carol@example.com
commit "${carol[@]}" 2025-04-16T15:00:00+00:00 "Apply review suggestion

Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>"
commit "${alice[@]}" 2025-04-22T09:00:00+02:00 "Fix race in worker pool

Assisted-by: Claude:claude-opus-4-1"
commit "openhands" openhands@all-hands.dev 2025-04-25T09:00:00+00:00 "Fix lint errors

Co-authored-by: openhands <openhands@all-hands.dev>"

# --- 2025-05: a branch from Claude Code on the web, merged ------------------------
git checkout -q -b claude/add-rate-limiter-011CUKnhpbage9BLno96Adg1
commit "${bob[@]}"   2025-05-05T10:00:00-04:00 "Add token bucket rate limiter"
commit "${bob[@]}"   2025-05-05T10:30:00-04:00 "Wire rate limiter into the client"
git checkout -q main
commit "${alice[@]}" 2025-05-06T09:00:00+02:00 "Update changelog"
GIT_AUTHOR_NAME="Bob Chen" GIT_AUTHOR_EMAIL=bob@example.com GIT_AUTHOR_DATE=2025-05-07T12:00:00+00:00 \
GIT_COMMITTER_NAME=GitHub GIT_COMMITTER_EMAIL=noreply@github.com GIT_COMMITTER_DATE=2025-05-07T12:00:00+00:00 \
  git merge -q --no-ff --no-edit -m "Merge pull request #42 from example/claude/add-rate-limiter-011CUKnhpbage9BLno96Adg1" claude/add-rate-limiter-011CUKnhpbage9BLno96Adg1
# a person's branch about the text cursor: not Cursor the tool
git checkout -q -b cursor-invert-fg-bg
commit "${carol[@]}" 2025-05-12T10:00:00+00:00 "Invert cursor colours"
git checkout -q main
GIT_AUTHOR_NAME="Carol Diaz" GIT_AUTHOR_EMAIL=carol@example.com GIT_AUTHOR_DATE=2025-05-13T12:00:00+00:00 \
GIT_COMMITTER_NAME="Carol Diaz" GIT_COMMITTER_EMAIL=carol@example.com GIT_COMMITTER_DATE=2025-05-13T12:00:00+00:00 \
  git merge -q --no-ff --no-edit -m "Merge branch 'cursor-invert-fg-bg'" cursor-invert-fg-bg
git branch -q -D claude/add-rate-limiter-011CUKnhpbage9BLno96Adg1 cursor-invert-fg-bg

# --- 2025-06: Copilot CLI's two paragraphs and a squash merge ---------------------
commit "${bob[@]}"   2025-06-02T10:00:00-04:00 "Add retry budget

Co-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>

Copilot-Session: 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
commit "${alice[@]}" 2025-06-09T09:00:00+02:00 "Add search endpoint (#51)

* Add search endpoint
* Fix tests

---------

Co-authored-by: Cursor Agent <cursoragent@cursor.com>"
commit "${carol[@]}" 2025-06-16T15:00:00+00:00 "Document attribution settings

We ask contributors to remove 'Co-Authored-By: Claude <noreply@anthropic.com>' lines."   # trap: talks about a trailer
commit "${alice[@]}" 2025-06-20T09:00:00+02:00 "Tune timeouts" "Alice Martin (aider)" alice@example.com   # committer-only AI

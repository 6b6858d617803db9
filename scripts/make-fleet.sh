#!/usr/bin/env bash
# A generated fleet for the scale figures of issue 17, written straight into a
# PostgreSQL store (no git, no scan): REPOS repositories × COMMITS commits,
# made by PEOPLE people in TEAMS teams, dated from each repository's start to
# 2026-11-30, with AI tools adopted from mid-2022 on at a rising rate.
#
#   scripts/make-fleet.sh URL [REPOS] [COMMITS] [PEOPLE] [TEAMS]
#
# Defaults: 10000 repositories × 5000 commits (50 million), 4000 people, 40
# teams. URL is a census store URL (postgresql://user@host:port/db?...); the
# database is emptied first. It also writes URL's teams as a configuration
# (fleet-teams.yml in the current folder) for `census report --config`.
#
# The shape, per repository r (owned by team r mod TEAMS):
# - people: 70% of commits by the repository's eight core people (members of
#   its team), 20% by the rest of the team, 10% by anyone;
#   a person's address is first.lastNNNN@<team>.example.com;
# - time: the repository starts between 2019-01 and 2025-06, commits are spread
#   evenly to 2026-11-30 with up to 12 hours of jitter, committed within a day;
# - classes: 8% merges (two parents, human), 5% bots (dependabot, renovate),
#   AI commits from 2022-06 at a share rising linearly to 35% by 2026-11,
#   each person adopting at their own moment; tools weighted as peers.md has them;
# - lines: 1–400 added, 0–200 deleted; an attested AI commit's AI lines are its added lines.
# Every value is derived from hashes of (repository, commit): the same
# arguments make the same fleet.
set -euo pipefail
url=${1:?usage: make-fleet.sh URL [REPOS] [COMMITS] [PEOPLE] [TEAMS]}
repos=${2:-10000}
commits=${3:-5000}
people=${4:-4000}
teams=${5:-40}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/find-census.sh"

# The database, when it is not there yet; then the schema, as census makes it.
database=$(printf '%s' "$url" | sed -E 's#^postgres(ql)?://[^/]*/([^?]*).*#\2#')
admin=$(printf '%s' "$url" | sed -E 's#^(postgres(ql)?://[^/]*/)[^?]*#\1postgres#')
psql -X -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" "$admin" | grep -q 1 \
  || psql -X -q -c "CREATE DATABASE \"$database\"" "$admin"
"$census" repos --db "$url" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 "$url" <<SQL
TRUNCATE commit_record, scan_lease, repository RESTART IDENTITY CASCADE;
SQL

# Teams as a configuration file: each team's address domain.
{
  echo "teams:"
  for ((t = 0; t < teams; t++)); do echo "  team-$(printf %02d $t): [\"*@team-$(printf %02d $t).example.com\"]"; done
} > fleet-teams.yml

start=$(date +%s)
psql -X -q -v ON_ERROR_STOP=1 "$url" <<SQL
INSERT INTO repository (path, name, identity, origin, scanned_head, catalogue_version, scanned_at, collector, scanned_from)
SELECT '/srv/git/team-' || lpad((r % $teams)::text, 2, '0') || '/service-' || r,
       'service-' || r, 'git.example.com/org/service-' || r, 'git.example.com/org/service-' || r,
       md5(r::text) || substr(md5('h' || r), 1, 8), 'fleet', extract(epoch from now()),
       'collector-' || (r % 4), 'collector-' || (r % 4) || ':/srv/git/service-' || r
FROM generate_series(1, $repos) AS r;
SQL

# One statement per slice of repositories, each its own transaction, so a
# 50-million-commit fleet shows its progress and an interruption keeps what is done.
slice=$(( repos < 100 ? repos : 100 ))
for ((low = 1; low <= repos; low += slice)); do
  high=$(( low + slice - 1 < repos ? low + slice - 1 : repos ))
  psql -X -q -v ON_ERROR_STOP=1 "$url" <<SQL
CREATE OR REPLACE FUNCTION pg_temp.h(a bigint, b bigint, salt int) RETURNS bigint LANGUAGE sql IMMUTABLE AS
\$\$ SELECT ('x' || substr(md5(a::text || ':' || b::text || ':' || salt::text), 1, 15))::bit(60)::bigint \$\$;
WITH base AS MATERIALIZED (
  SELECT r, n,
         -- the repository's start: 2019-01-01 plus up to 6.5 years
         1546300800 + pg_temp.h(r, 0, 1) % 205000000 AS opened,
         pg_temp.h(r, n, 2) AS hp, pg_temp.h(r, n, 3) AS hc, pg_temp.h(r, n, 4) AS hl
  FROM generate_series($low, $high) AS r, generate_series(1, $commits) AS n
), timed AS MATERIALIZED (
  SELECT *, opened + (1796083200 - opened) * n / $commits - hl % 43200 AS at,
         -- 70% by the repository's eight core people (of its team), 20% by its team, 10% by anyone
         CASE WHEN hp % 100 < 70 THEN (r % $teams) + $teams * (pg_temp.h(r, (hp / 100) % 8, 6) % ($people / $teams))
              WHEN hp % 100 < 90 THEN (r % $teams) + $teams * ((hp / 100) % ($people / $teams))
              ELSE (hp / 100) % $people END AS person
  FROM base
), classed AS MATERIALIZED (
  SELECT *,
         CASE WHEN hc % 100 < 8 THEN 'merge'
              WHEN hc % 100 < 13 THEN 'bot'
              -- adoption: from 2022-06 (1654041600), rising to 35% at 2026-11; each person from their own day on
              WHEN at > 1654041600 + pg_temp.h(person, 0, 5) % 80000000
                   AND (hc / 100) % 1000 < 350 * (at - 1654041600) / (1796083200 - 1654041600) THEN 'ai'
              ELSE 'human' END AS kind,
         (ARRAY['claude-code','claude-code','claude-code','copilot','copilot','cursor','cursor','codex','aider','devin','jules','gemini'])
           [1 + (hc / 100000) % 12] AS tool,
         (hc / 10000000) % 3 AS attestation
  FROM timed
)
INSERT INTO commit_record (repository_id, sha, class, confidence, mode, tools, evidence, author_name, author_email,
                           authored_at, author_offset, committer_name, committer_email, committed_at, committer_offset,
                           subject, parent_count, lines_added, lines_deleted, lines_engine, ai_lines, person_name,
                           person_email, reachable)
SELECT r, md5(r || ':' || n) || substr(md5(n || ':' || r), 1, 8),
       CASE kind WHEN 'merge' THEN 'human' ELSE kind END,
       CASE kind WHEN 'ai' THEN CASE WHEN attestation < 2 THEN 'attested' ELSE 'inferred' END END,
       CASE kind WHEN 'ai' THEN CASE WHEN tool IN ('devin', 'jules', 'claude-code') THEN 'agent' ELSE 'assisted' END END,
       CASE kind WHEN 'ai' THEN tool ELSE '' END,
       CASE kind
         WHEN 'ai' THEN '[{"confidence":"' || CASE WHEN attestation < 2 THEN 'attested' ELSE 'inferred' END
              || '","counts":true,"indicates":"ai","kind":"' || CASE WHEN attestation < 2 THEN 'co-author-trailer' ELSE 'marker' END
              || '","matched":"' || tool || '","rule":"' || tool || '.fleet","tool":"' || tool || '"}]'
         WHEN 'bot' THEN '[{"confidence":"attested","counts":true,"indicates":"bot","kind":"author","matched":"dependabot[bot]","rule":"bot.author"}]'
         ELSE '[]' END,
       CASE kind WHEN 'bot' THEN 'dependabot[bot]' ELSE 'Person ' || person END,
       CASE kind WHEN 'bot' THEN '49699333+dependabot[bot]@users.noreply.github.com'
            ELSE 'first.last' || lpad(person::text, 4, '0') || '@team-' || lpad((person % $teams)::text, 2, '0') || '.example.com' END,
       at, 3600 * ((person % 5) - 2), 'Person ' || person, 'person' || person || '@example.com', at + hl % 86400, 0,
       'Change ' || n || ' of service ' || r, CASE kind WHEN 'merge' THEN 2 ELSE 1 END,
       CASE kind WHEN 'merge' THEN NULL ELSE 1 + hl % 400 END, CASE kind WHEN 'merge' THEN NULL ELSE (hl / 400) % 200 END,
       CASE kind WHEN 'merge' THEN NULL ELSE 'libgit2' END,
       CASE WHEN kind = 'ai' AND attestation = 0 THEN 1 + hl % 400 END,
       CASE kind WHEN 'bot' THEN NULL ELSE 'Person ' || person END,
       CASE kind WHEN 'bot' THEN NULL
            ELSE 'first.last' || lpad(person::text, 4, '0') || '@team-' || lpad((person % $teams)::text, 2, '0') || '.example.com' END,
       1
FROM classed;
SQL
  now=$(date +%s)
  echo "make-fleet: repositories $low–$high of $repos stored ($(( (now - start) ))s)" >&2
done
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "VACUUM ANALYZE commit_record" -c "ANALYZE repository"
echo "make-fleet: $repos repositories × $commits commits in $(( $(date +%s) - start ))s; teams in fleet-teams.yml" >&2

#!/usr/bin/env bash
# censusd's API against its OpenAPI description (issue 16):
#   openapi-spec-validator on Sources/CensusServer/OpenAPI/openapi.json;
#   schemathesis against a real censusd on loopback over the sample repository,
#   reading the description the daemon itself serves at /api/v1/openapi.json.
# A server error, a status code or content type the description does not list,
# or a body that breaks its schema fails the run.
# Usage: scripts/api-check.sh CENSUSD SAMPLE_REPOSITORY VENV   (make api-check sets them)
set -euo pipefail
censusd=$1 sample=$2 venv=$3
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$daemon" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$venv/bin/openapi-spec-validator" "$here/Sources/CensusServer/OpenAPI/openapi.json"

token=api-check-token-of-enough-length
printf '%s' "$token" > "$work/token" && chmod 600 "$work/token"
cat > "$work/census.yml" <<YAML
database: $work/census.sqlite
repositories: [$sample]
scan: {interval: 1h}
http: {rate_limit: 0, token_file: $work/token}
teams: {everyone: ["*"], nobody: ["nobody@example.invalid"]}
YAML
"$censusd" --config "$work/census.yml" --http-listen 127.0.0.1:0 2> "$work/log" &
daemon=$!
for _ in $(seq 600); do
  port=$(sed -n 's/.*address=127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$work/log" | head -1)
  [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
[ -n "${port:-}" ] || { echo "api-check: censusd did not start"; cat "$work/log"; exit 1; }

venv=$(cd "$venv" && pwd)
cd "$work"  # schemathesis keeps its example database in the current folder
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --header "Authorization: Bearer $token" \
  --max-examples "${API_CHECK_EXAMPLES:-100}" --generation-deterministic
kill -0 "$daemon" || { echo "api-check: censusd died"; cat "$work/log"; exit 1; }
echo "api-check: the description is valid and censusd answers as it says"

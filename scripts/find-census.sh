# Sourced by the fleet scripts: sets `census` to $CENSUS, else to the first
# build there is — release, the packaged build (make dist), debug (make build).
census=${CENSUS:-}
for candidate in .build/release/census .build-install/release/census .build/debug/census; do
  [ -n "$census" ] || [ ! -x "$here/$candidate" ] || census=$here/$candidate
done
[ -n "$census" ] || { echo "${0##*/}: no census built (make build, or CENSUS=path)" >&2; exit 2; }

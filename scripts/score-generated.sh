#!/usr/bin/env bash
# Scores the form reader on a freshly generated corpus (tools/formgen):
#   scripts/score-generated.sh [SEED] [COUNT]
# SEED defaults to a new one from the clock, COUNT to 1000. Builds the
# debug binaries, generates into a temporary folder, scores it with the
# official score-corpus (when ../shared is there, or $SCORE_CORPUS) and with
# `formgen score` (totals and the per-dimension table), and prints the seed
# so that a bad run can be repeated. Then, unless ONE_OFF=0, the same
# truths rendered the plainest way but for one dimension each.
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=${1:-$(date +%s)}
COUNT=${2:-1000}
T=${CARGO_TARGET_DIR:-target}/debug

cargo build --quiet --bin sponsor-intake
cargo build --quiet -p formgen

DIR=$(mktemp -d /tmp/formgen.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
"$T/formgen" --seed "$SEED" --count "$COUNT" --out "$DIR"

SCORER=${SCORE_CORPUS:-}
if [ -z "$SCORER" ]; then
  for c in ../shared/tools/score-corpus ../../shared/tools/score-corpus; do
    if [ -x "$c" ]; then SCORER=$c; break; fi
  done
fi
if [ -n "$SCORER" ]; then
  echo "== score-corpus ($SCORER)"
  "$SCORER" --quiet --bin "$T/sponsor-intake" "$DIR"
else
  echo "== score-corpus not found (set SCORE_CORPUS): skipped"
fi

echo "== formgen score"
"$T/formgen" score "$DIR" --bin "$T/sponsor-intake" --quiet

# The same truths, each rendered the plainest way but for one dimension:
# a value's effect alone (ONE_OFF=0 skips it).
if [ "${ONE_OFF:-1}" != 0 ]; then
  echo "== formgen score, one dimension varied at a time"
  rm -rf "$DIR" && mkdir -p "$DIR"
  "$T/formgen" --seed "$SEED" --count "$COUNT" --out "$DIR" --one-off >/dev/null
  "$T/formgen" score "$DIR" --bin "$T/sponsor-intake" --quiet
fi
echo "seed $SEED, count $COUNT"

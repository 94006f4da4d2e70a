#!/usr/bin/env bash
# The whole hostile set of issue 16 given to the daemon at once: every case
# of tests/fixtures/hostile/make_cases.py (the heavy ones too, which the
# IMAP integration test leaves out) put in a local Maildir, then one
# `sponsor-intake once` on the release build drains it. Checks, and prints:
# the daemon exits 0; every message is in .Processed or .Quarantine (none
# left in new/ or cur/, none in both); the database holds one `messages` row
# per case, each with a case or a reason; the daemon's own peak RSS (its
# reader children are bounded apart, by RLIMIT_AS).
#
#   usage: bench/hostile-daemon.sh [CASES_DIR]   # written when empty
# Exits 1 when a message is lost, doubled or left without an outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd -P)
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$(cd "$(dirname "$TARGET/release/sponsor-intake")" && pwd -P)/sponsor-intake
CASES=${1:-/tmp/sponsor-intake-hostile}

[ -x "$BIN" ] || { echo "no $BIN: cargo build --release first" >&2; exit 2; }
if [ ! -d "$CASES" ] || [ -z "$(ls -A "$CASES" 2>/dev/null)" ]; then
  echo "writing the cases to $CASES" >&2
  python3 tests/fixtures/hostile/make_cases.py "$CASES"
fi

work=$(mktemp -d /tmp/hostile-daemon.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/maildir/{new,cur,tmp} "$work"/state "$work"/outbox
# The embedded default's configuration, pointed at this folder.
sed -e "s|\.\./local/state|$work/state|g" \
    -e "s|\.\./local/maildir|$work/maildir|" \
    -e "s|\.\./local/outbox|$work/outbox|" \
    -e "s|\.\./templates|$REPO/templates|" \
    config/local.toml >"$work/config.toml"
sed -i "s|^bank_holidays_file = \"|bank_holidays_file = \"$REPO/config/|" "$work/config.toml"

n=0
for f in "$CASES"/*.eml; do
  name=$(basename "$f" .eml)
  cp "$f" "$work/maildir/tmp/$name"
  mv "$work/maildir/tmp/$name" "$work/maildir/new/$name"
  n=$((n + 1))
done
echo "hostile-daemon: $n messages in the Maildir"

start=$(date +%s.%N)
set +e
/usr/bin/time -f '%e %M' -o "$work/time" \
  "$BIN" --config "$work/config.toml" once >"$work/daemon.log" 2>&1
code=$?
set -e
read -r secs peak_kb <"$work/time"
echo "hostile-daemon: exit $code after ${secs}s; peak RSS of the process tree's largest $((peak_kb / 1024)) MB"

left=$(find "$work/maildir/new" "$work/maildir/cur" -type f | wc -l)
processed=$(find "$work/maildir/.Processed" -type f -path '*/cur/*' 2>/dev/null | wc -l)
quarantined=$(find "$work/maildir/.Quarantine" -type f -path '*/cur/*' 2>/dev/null | wc -l)
echo "hostile-daemon: processed $processed, quarantined $quarantined, left in the INBOX $left"

rows=$(python3 - "$work/state/sponsor-intake.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""SELECT m.status, COALESCE(c.reference, m.note, '') FROM messages m
                     LEFT JOIN cases c ON c.id = m.case_id""").fetchall()
by = {}
for status, why in rows:
    by[status] = by.get(status, 0) + 1
    if not why:
        print("no case and no reason:", status, file=sys.stderr)
        sys.exit(1)
print(len(rows), " ".join(f"{k}={v}" for k, v in sorted(by.items())))
PY
) || { echo "hostile-daemon: a message has neither a case nor a reason" >&2; exit 1; }
echo "hostile-daemon: messages rows $rows"

if [ "$code" -ne 0 ] || [ "$left" -ne 0 ] || [ $((processed + quarantined)) -ne "$n" ] \
   || [ "${rows%% *}" -ne "$n" ]; then
  echo "hostile-daemon: FAILED (log: last lines)" >&2
  tail -n 20 "$work/daemon.log" >&2
  exit 1
fi
echo "hostile-daemon: OK, none lost"

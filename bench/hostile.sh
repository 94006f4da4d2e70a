#!/usr/bin/env bash
# The hostile set of issue 16, read one case at a time on the release build:
# wall time, peak RSS, exit code and outcome per case, against the targets
# (exit 0, peak RSS <= 300 MB, <= 10 s).
#
#   bench/hostile.sh [CASES_DIR]        # cases made by tests/fixtures/hostile/make_cases.py
#   MODE=parse bench/hostile.sh         # `parse --json` instead of `read-message`
#   ONLY=pdf-100k-pages,csv-20mb-unclosed-quote bench/hostile.sh
#
# MODE=read-message (the default) measures what the daemon runs: its reader
# child (`read-message`, the same parse with the daemon's limits), framed as
# the daemon frames it, with the 16 MiB stack the daemon gives it but no
# RLIMIT_AS, so that the peak shown is what the reading really takes.
# MODE=parse measures `sponsor-intake parse --json FILE` (in-process).
# Exits 1 when any case misses a target.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET/release/sponsor-intake}
CASES=${1:-/tmp/sponsor-intake-hostile}
MODE=${MODE:-read-message}
MAX_MB=${MAX_MB:-300}
MAX_S=${MAX_S:-10}
# The daemon's default limits (config `[limits]` defaults), as it hands them
# to its reader.
LIMITS=${LIMITS:-'{"max_message_bytes":41943040,"max_attachment_bytes":31457280,"max_unzipped_bytes":67108864,"max_zip_entries":2000,"max_pdf_pages":50,"max_pdf_stream_bytes":8388608,"max_pdf_objects":20000,"max_sheet_cells":200000,"max_mime_depth":20,"max_text_bytes":8388608,"max_body_bytes":1048576,"max_millis_per_attachment":5000}'}

[ -x "$BIN" ] || { echo "no $BIN: cargo build --release -j1 (CARGO_TARGET_DIR=$TARGET) first" >&2; exit 2; }
if [ ! -d "$CASES" ] || [ -z "$(ls -A "$CASES" 2>/dev/null)" ]; then
  echo "writing the cases to $CASES" >&2
  python3 tests/fixtures/hostile/make_cases.py "$CASES"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One case: prints "seconds peak_kb exit" and leaves the answer in $work/out.
measure() {
  local file=$1
  if [ "$MODE" = parse ]; then
    /usr/bin/time -f '%e %M %x' -o "$work/time" \
      "$BIN" parse --json "$file" >"$work/out" 2>"$work/err" || true
  else
    (
      ulimit -s 16384
      /usr/bin/time -f '%e %M %x' -o "$work/time" \
        "$BIN" read-message --limits "$LIMITS" \
        < <(stat -c '%s' "$file"; cat "$file") >"$work/out" 2>"$work/err" || true
    )
  fi
  tail -n 1 "$work/time"
}

# The outcome in a few words: the kind and the findings' codes (for an
# unreadable attachment, its reason code), or the reader's last words.
outcome() {
  python3 - "$work/out" "$work/err" "$MODE" <<'EOF'
import json, sys
out, err, mode = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), sys.argv[3]
try:
    text = out.decode()
    doc = json.loads(text.split("\n", 1)[1] if mode != "parse" else text.splitlines()[0])
except Exception:
    last = err.decode(errors="replace").strip().splitlines()[-1:] or ["(no answer)"]
    print("FAILED: " + last[0][:80]); sys.exit()
kind = doc.get("kind")
codes = []
for f in doc.get("findings", []):
    code = f.get("code")
    if code == "unreadable_attachment":
        msg = f.get("message", "")
        for word in ("too large", "password", "nested", "damaged", "cannot be read", "picture", "no text", "scanned"):
            if word in msg:
                code += "(" + word + ")"; break
    if code not in codes:
        codes.append(code)
fields = sum(1 for k, v in (doc.get("form") or {}).items() if v not in (None, [], ""))
print(f"{kind} fields={fields} " + (",".join(codes[:4]) or "-"))
EOF
}

printf '%-34s %7s %8s %4s  %-6s %s\n' case seconds peak_MB exit target outcome
misses=0
for file in "$CASES"/*.eml; do
  name=$(basename "$file" .eml)
  if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
  read -r secs kb code < <(measure "$file")
  mb=$((kb / 1024))
  verdict=ok
  if [ "$code" != 0 ] || [ "$mb" -gt "$MAX_MB" ] || \
     python3 -c "import sys; sys.exit(0 if float('$secs') > $MAX_S else 1)"; then
    verdict=MISS
    misses=$((misses + 1))
  fi
  printf '%-34s %7s %8s %4s  %-6s %s\n' "$name" "$secs" "$mb" "$code" "$verdict" "$(outcome)"
done
echo "mode $MODE, $BIN; $misses case(s) missed a target (exit 0, <= $MAX_MB MB, <= $MAX_S s)"
[ "$misses" = 0 ]

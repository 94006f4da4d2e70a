#!/usr/bin/env bash
# The project's test command (what CI runs, via .ci/run):
#   install test deps, rustfmt, clippy, start private mail servers, cargo test
#   against them (+ PostgreSQL), release build, score the parser on the
#   shared corpus when ../shared is there. Mail servers are always stopped.
# Run as root from anywhere: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The parser must keep full marks on ../shared/corpus (field accuracy at
# least 99%, everything else 100%); SCORE_REQUIRED=0 makes it informational.
SCORE_REQUIRED=${SCORE_REQUIRED:-1}
SHARED=../shared
BIN=${CARGO_TARGET_DIR:-target}/release/sponsor-intake

t0=$SECONDS
step() { echo; echo "== [$((SECONDS - t0))s] $*"; }

# A bare root shell may lack rustup's PATH entry.
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then PATH=$HOME/.cargo/bin:$PATH; fi

step "install test dependencies"
bash scripts/install-test-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --all-targets -- -D warnings

step "start mail servers"
MAIL_TEST_DIR=$(mktemp -d /tmp/mt.XXXXXX) # short: unix socket paths < 108 bytes
show_mail_logs=0 # the servers' logs are shown if the tests fail
cleanup() {
  local rc=$?
  set +e
  if [ "$rc" -ne 0 ] && [ "$show_mail_logs" = 1 ]; then
    for f in "$MAIL_TEST_DIR/dovecot/dovecot.log" "$MAIL_TEST_DIR/postfix/postfix.log" "$MAIL_TEST_DIR/oauth2/service.log"; do
      if [ -s "$f" ]; then echo "--- last lines of $f"; tail -n 30 "$f"; fi
    done
  fi
  bash scripts/stop-mail-servers.sh "$MAIL_TEST_DIR" --rm || true
  echo "== [$((SECONDS - t0))s] done, exit $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# MAIL_OAUTH2=1: Dovecot (and Postfix through it) also accept XOAUTH2 and
# OAUTHBEARER, checked against the local token service (tests/integration/oauth.rs).
MAIL_OAUTH2=1 bash scripts/start-mail-servers.sh "$MAIL_TEST_DIR" auto
set -a
# shellcheck disable=SC1091
. "$MAIL_TEST_DIR/mail.env"
set +a
export DATABASE_URL_POSTGRES=postgres://postgres@127.0.0.1:5432/test
# PostgreSQL should already run on this kind of machine; start it if stopped.
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432 &&
  command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL not running on 127.0.0.1:5432: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi

step "cargo test"
show_mail_logs=1
cargo test --all-targets
show_mail_logs=0

step "crash test (small: 40 applications, 5 SIGKILLs; the large run is by hand)"
# The debug binary `cargo test` just built; its own mail servers in a temp dir.
SPONSOR_INTAKE_BIN=${CARGO_TARGET_DIR:-target}/debug/sponsor-intake bash scripts/crash-test.sh

step "cargo build --release"
cargo build --release

step "score the parser on $SHARED/corpus"
if [ -x "$SHARED/tools/score-corpus" ] && [ -d "$SHARED/corpus" ]; then
  out=$MAIL_TEST_DIR/score.out json=$MAIL_TEST_DIR/score.json # removed with the dir
  rc=0
  "$SHARED/tools/score-corpus" --bin "$BIN" --json-out "$json" "$SHARED/corpus" >"$out" 2>&1 || rc=$?
  tail -n 8 "$out"
  if [ "$rc" -ne 0 ] || [ ! -s "$json" ]; then
    echo "score-corpus failed (exit $rc)"
    if [ "$SCORE_REQUIRED" = 1 ]; then exit 1; fi
  elif [ "$SCORE_REQUIRED" = 1 ]; then
    python3 - "$json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
keys = ["kind_accuracy", "complete_accuracy", "field_accuracy", "findings_exact",
        "findings_precision", "findings_recall", "role_accuracy"]
floor = {"field_accuracy": 99}
short = [f"{k}={t[k]}" for k in keys if t[k] < floor.get(k, 100)]
if t["parsed"] < t["samples"]:
    short.insert(0, f"parsed {t['parsed']}/{t['samples']}")
if short:
    sys.exit("score: not full marks: " + ", ".join(short))
print("score: full marks")
EOF
  else
    echo "score: informational only (SCORE_REQUIRED=0, see TODO in scripts/test.sh)"
  fi
else
  echo "score: skipped: $SHARED not present"
fi

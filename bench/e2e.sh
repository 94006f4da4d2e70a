#!/usr/bin/env bash
# The end-to-end benchmark (issue 10), against the real test servers (a
# private Dovecot and Postfix on loopback, as the tests use):
#
#  1. the limits of the machine for the same work:
#     - mbsync (isync) fetches the whole backlog from the sponsor's INBOX
#       over IMAP (STARTTLS, as the daemon) into a local Maildir;
#     - Postfix's smtp-source sends as many emails, of the mean size of the
#       daemon's emails, into Postfix, timed until Postfix has delivered
#       them all (the daemon's time also runs until its emails are delivered);
#  2. the backlog: N application emails (realistic forms in every format,
#     some with a large attachment) in the sponsor's INBOX; the daemon (`run`,
#     SQLite, IDLE) takes them all in and its receipts are all delivered;
#     prints emails/s, the daemon's peak memory (VmHWM) and the ratio of its
#     time to mbsync + smtp-source;
#  3. trickle: with the daemon idling, applications delivered one at a time;
#     the time from delivery to the receipt landing in the care home's
#     mailbox, median and 99th percentile.
#
#   usage: bench/e2e.sh [N] [TRICKLE]      (as root; defaults 5000 200)
#   environment: BIG_EVERY (default 250: every 250th email has a large
#     attachment; 0 for none), BIG_MB (default 25), SPONSOR_INTAKE_BIN (default
#     target/release/sponsor-intake, built when missing), E2E_KEEP=1 keeps
#     the temporary folder, E2E_SENDERS (outbox.senders, default 3).
# The figures go to stdout and, as JSON, to bench/e2e-last.json.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd -P)

N=${1:-5000}
TRICKLE=${2:-200}
BIG_EVERY=${BIG_EVERY:-250}
BIG_MB=${BIG_MB:-25}
BIN=${SPONSOR_INTAKE_BIN:-target/release/sponsor-intake}

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then PATH=$HOME/.cargo/bin:$PATH; fi
if [ ! -x "$BIN" ]; then
  echo "e2e: building $BIN"
  cargo build --release --bin sponsor-intake
fi
BIN=$(cd "$(dirname "$BIN")" && pwd -P)/$(basename "$BIN")
command -v mbsync >/dev/null && command -v smtp-source >/dev/null ||
  bash scripts/install-test-deps.sh

t0=$SECONDS
say() { echo "e2e [$((SECONDS - t0))s]: $*"; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

DIR=$(mktemp -d /tmp/e2e.XXXXXX) # short: unix socket paths < 108 bytes
DAEMON=
cleanup() {
  local rc=$?
  set +e
  if [ -n "$DAEMON" ] && kill -0 "$DAEMON" 2>/dev/null; then
    kill -KILL "$DAEMON" 2>/dev/null
    wait "$DAEMON" 2>/dev/null
  fi
  bash scripts/stop-mail-servers.sh "$DIR" >/dev/null 2>&1
  if [ "$rc" -ne 0 ] && [ -s "$DIR/daemon.log" ]; then
    echo "--- last lines of the daemon's log ($DIR/daemon.log)"
    tail -n 20 "$DIR/daemon.log"
  fi
  if [ "${E2E_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then echo "e2e: kept $DIR"; else rm -rf "$DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Care homes write from home<i>@carehomes.test, one address per application;
# Postfix delivers all mail for outside domains to outside@example.test.
users="sponsor admins admin2 primaryla sink"
say "N=$N trickle=$TRICKLE big: every ${BIG_EVERY}th, ${BIG_MB} MB; bin=$BIN; dir=$DIR"
MAIL_USERS=$users bash scripts/start-mail-servers.sh "$DIR" auto >"$DIR/servers.out" 2>&1 || {
  cat "$DIR/servers.out"
  exit 1
}
set -a
# shellcheck disable=SC1091
. "$DIR/mail.env"
set +a
MAILDIRS=$DIR/mail/example.test
SPONSOR_MD=$MAILDIRS/sponsor/Maildir
POSTCONF_DIR=$DIR/postfix/etc

sources=("$REPO/tests/fixtures/emails")
[ -d "$REPO/../shared/corpus" ] && sources+=("$REPO/../shared/corpus")
python3 bench/e2e_backlog.py "$BIN" "$SPONSOR_MD" "$N" "$BIG_EVERY" "$BIG_MB" "$DIR/sent.txt" "${sources[@]}"
backlog_bytes=$(du -sb "$SPONSOR_MD/new" | cut -f1)

# --- 1a. mbsync: fetch the same INBOX (pull only, nothing changed on the server).
mkdir -p "$DIR/mbsync"
cat >"$DIR/mbsyncrc" <<EOF
IMAPAccount sponsor
Host localhost
Port $IMAP_PORT
User sponsor@example.test
Pass sponsor-secret
SSLType STARTTLS
CertificateFile $MAIL_CA_CERT
AuthMechs LOGIN

IMAPStore remote
Account sponsor

MaildirStore local
Path $DIR/mbsync/
Inbox $DIR/mbsync/INBOX

Channel backlog
Far :remote:INBOX
Near :local:INBOX
Sync Pull
Create Near
SyncState *
EOF
say "mbsync: fetching the backlog"
a=$(now)
mbsync -q -c "$DIR/mbsyncrc" backlog
b=$(now)
t_mbsync=$(elapsed "$a" "$b")
fetched=$(find "$DIR/mbsync/INBOX" -type f -path '*/cur/*' -o -type f -path '*/new/*' | wc -l)
say "mbsync: $fetched emails in ${t_mbsync}s"
[ "$fetched" -eq "$N" ] || { echo "mbsync fetched $fetched of $N"; exit 1; }
rm -rf "$DIR/mbsync"

# --- 2. the daemon on the backlog.
export SI_E2E_PASSWORD=sponsor-secret
CONFIG=$DIR/config.toml
DB=$DIR/db/sponsor-intake.db
cat >"$CONFIG" <<EOF
# written by bench/e2e.sh
[sponsor]
name = "Example Integrated Care Board"
short_name = "exicb"
address = "sponsor@example.test"
display_name = "NHSmail Sponsorship"
decision_working_days = 10
helpdesk_telephone = "0113 496 0000"
timezone = "Europe/London"

[administrators]
addresses = ["admins@example.test"]
primary = "primaryla@example.test"

[database]
url = "sqlite://$DB"
max_connections = ${E2E_DB_CONNECTIONS:-5}

[state]
directory = "$DIR/state"

[mailbox]
kind = "imap"
backlog = "take-in-and-reply"
processed_folder = "Processed"
quarantine_folder = "Quarantine"
poll_seconds = 60

[mailbox.imap]
host = "$MAIL_HOST"
port = $IMAP_PORT
tls = "starttls"
username = "sponsor@example.test"
password_env = "SI_E2E_PASSWORD"
folder = "INBOX"
ca_file = "$MAIL_CA_CERT"
idle = true

[outbox]
transport = "smtp"
retry_seconds = 1
copy_to_mailbox = ${E2E_COPY:-true}
senders = ${E2E_SENDERS:-3}

[outbox.smtp]
host = "$MAIL_HOST"
port = $SUBMISSION_PORT
tls = "starttls"
username = "sponsor@example.test"
password_env = "SI_E2E_PASSWORD"
ca_file = "$MAIL_CA_CERT"

[templates]
directory = "$REPO/templates"

[calendar]
bank_holidays_file = "$REPO/config/bank-holidays-england-and-wales.txt"

[logging]
level = "info"
format = "text"
EOF
"$BIN" --config "$CONFIG" check-config >/dev/null

# Counts what the daemon has left to do: INBOX, outbox pending, Postfix's queue.
left() {
  python3 - "$DB" "$SPONSOR_MD" "$DIR/postfix" <<'EOF'
import os, sqlite3, sys
db, md, pf = sys.argv[1:4]
inbox = sum(len(os.listdir(os.path.join(md, s))) for s in ("new", "cur"))
try:
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    pending = c.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    sent = c.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
except sqlite3.Error:
    pending, sent = -1, 0
queued = 0
for q in ("incoming", "active", "deferred", "maildrop"):
    for _, _, files in os.walk(os.path.join(pf, "spool", q)):
        queued += len(files)
print(inbox, pending, queued, sent)
EOF
}

say "daemon: taking in the backlog"
a=$(now)
"$BIN" --config "$CONFIG" run >>"$DIR/daemon.log" 2>&1 </dev/null &
DAEMON=$!
peak_kb=0
sample_peak() {
  local v
  v=$(awk '/^VmHWM:/ {print $2}' "/proc/$DAEMON/status" 2>/dev/null || echo 0)
  [ "${v:-0}" -gt "$peak_kb" ] && peak_kb=$v
  return 0
}
deadline=$((SECONDS + 600 + N / 5))
last_report=$SECONDS
while :; do
  sample_peak
  read -r inbox pending queued sent < <(left)
  if [ "$inbox" -eq 0 ] && [ "$pending" -eq 0 ] && [ "$queued" -eq 0 ] && [ "$sent" -gt 0 ]; then break; fi
  if ! kill -0 "$DAEMON" 2>/dev/null; then echo "the daemon died"; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then echo "not drained in time: inbox=$inbox pending=$pending queued=$queued"; exit 1; fi
  if [ $((SECONDS - last_report)) -ge 30 ]; then
    say "  inbox $inbox, outbox pending $pending, sent $sent, postfix queue $queued"
    last_report=$SECONDS
  fi
  sleep 0.2
done
b=$(now)
t_daemon=$(elapsed "$a" "$b")
sample_peak
# The daemon's CPU time (user + system) for the backlog, in seconds.
cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$DAEMON/stat")
read -r _ _ _ emails_sent < <(left)
say "daemon: backlog done in ${t_daemon}s (CPU ${cpu_s}s), $emails_sent emails sent, peak RSS $((peak_kb / 1024)) MB"

# Receipts: every application answered, once, in its care home's mailbox.
python3 - "$DIR/sent.txt" "$MAILDIRS" "$DIR/receipts.json" <<'EOF'
import email, email.policy, json, os, re, sys
from collections import Counter
sent = dict(l.split() for l in open(sys.argv[1]) if l.strip())
got = Counter()
for md in [os.path.join(sys.argv[2], "outside", "Maildir")]:
    for sub in ("new", "cur"):
        for f in os.listdir(os.path.join(md, sub)):
            with open(os.path.join(md, sub, f), "rb") as fh:
                msg = email.message_from_binary_file(fh, policy=email.policy.compat32)
            for m in re.findall(r"<([^>]+)>", msg.get("In-Reply-To", "")):
                if m in sent:
                    got[m] += 1
answered = sum(1 for m in sent if got[m] >= 1)
print(f"e2e: applications answered in the care homes' mailboxes: {answered} of {len(sent)}")
json.dump({"answered": answered, "applications": len(sent)}, open(sys.argv[3], "w"))
sys.exit(0 if answered == len(sent) else 1)
EOF
read -r inbox _ _ _ < <(left)
processed=$(find "$MAILDIRS/sponsor/Maildir/.Processed" -type f \( -path '*/cur/*' -o -path '*/new/*' \) 2>/dev/null | wc -l)
quarantined=$(find "$MAILDIRS/sponsor/Maildir/.Quarantine" -type f \( -path '*/cur/*' -o -path '*/new/*' \) 2>/dev/null | wc -l)
cases=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM cases').fetchone()[0])" "$DB")
say "daemon: $cases cases, Processed folder $processed, Quarantine $quarantined"

# --- 3. trickle under IDLE, same daemon.
say "trickle: $TRICKLE applications, one at a time"
python3 bench/e2e_trickle.py "$TRICKLE" "$MAILDIRS/outside/Maildir" "$DIR/trickle.json"
sample_peak
kill -TERM "$DAEMON"
wait "$DAEMON" || true
DAEMON=

# --- 1b. smtp-source: as many emails, of the same mean size, into Postfix,
# until Postfix has delivered them all (to one mailbox, `sink`).
mean_size=$(python3 -c "
import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
print(int(c.execute(\"SELECT AVG(LENGTH(raw)) FROM outbox WHERE status = 'sent'\").fetchone()[0]))" "$DB")
say "smtp-source: $emails_sent emails of $mean_size bytes"
a=$(now)
smtp-source -c -s 4 -m "$emails_sent" -l "$mean_size" -f sponsor@example.test -t sink@example.test \
  "$MAIL_HOST:$SMTP_PORT" >/dev/null
while :; do
  read -r _ _ queued _ < <(left)
  [ "$queued" -eq 0 ] && break
  sleep 0.2
done
b=$(now)
t_smtp=$(elapsed "$a" "$b")
delivered=$(find "$MAILDIRS/sink/Maildir" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)
say "smtp-source: $delivered delivered in ${t_smtp}s"

python3 - "$N" "$t_daemon" "$t_mbsync" "$t_smtp" "$peak_kb" "$emails_sent" "$backlog_bytes" \
  "$DIR/trickle.json" "$cases" "$processed" "$quarantined" "$BIG_EVERY" "$BIG_MB" "$REPO/bench/e2e-last.json" \
  "$cpu_s" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import json, sys
(n, t_d, t_m, t_s, peak, sent, size, trickle, cases, processed, quarantined,
 big_every, big_mb, out, cpu, cores, load) = sys.argv[1:18]
n, t_d, t_m, t_s, peak, sent, size = int(n), float(t_d), float(t_m), float(t_s), int(peak), int(sent), int(size)
tr = json.load(open(trickle))
limit = t_m + t_s
r = {
    "applications": n, "backlog_mb": round(size / 1e6, 1),
    "large_attachments": (n // int(big_every)) if int(big_every) else 0, "large_attachment_mb": int(big_mb),
    "cases": int(cases), "processed": int(processed), "quarantined": int(quarantined),
    "emails_sent": sent,
    "daemon_seconds": t_d, "daemon_emails_per_sec": round(n / t_d, 1),
    "mbsync_seconds": t_m, "smtp_source_seconds": t_s,
    "limit_seconds": round(limit, 2), "ratio_to_limit": round(t_d / limit, 2),
    "peak_rss_mb": round(peak / 1024, 1),
    "daemon_cpu_seconds": float(cpu), "cores": int(cores), "load_average_at_end": load,
    "trickle": tr,
}
json.dump(r, open(out, "w"), indent=2)
print()
print(f"backlog:   {n} applications ({r['backlog_mb']} MB, {r['large_attachments']} with a {big_mb} MB attachment)")
print(f"daemon:    {t_d:.1f} s, {r['daemon_emails_per_sec']} applications/s, {sent} emails sent, peak memory {r['peak_rss_mb']} MB, CPU {float(cpu):.1f} s")
print(f"limits:    mbsync fetch {t_m:.1f} s + smtp-source send {t_s:.1f} s = {limit:.1f} s")
print(f"ratio:     daemon / (fetch + send) = {r['ratio_to_limit']}   (target <= 2)")
if tr.get("received"):
    print(f"trickle:   {tr['received']}/{tr['count']} receipts; delivery to receipt median {tr['p50']*1000:.0f} ms, "
          f"p99 {tr['p99']*1000:.0f} ms, max {tr['max']*1000:.0f} ms   (targets < 1000, < 2000)")
else:
    print(f"trickle:   no receipts measured ({tr})")
print(f"machine:   {cores} cores, load average {load} at the end")
print(f"figures in {out}")
EOF
say "done"

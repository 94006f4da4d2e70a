#!/usr/bin/env bash
# The crash test (issue 9): N applications in the real test mailbox, the
# daemon killed with SIGKILL at random moments KILLS times and restarted each
# time, then drained and stopped with SIGTERM. Checks, and prints: every
# application has exactly one `messages` row and one case, every care home
# got exactly one receipt per application (read from its real Maildir), every
# message is in the processed folder and the INBOX is empty, `reconcile` and
# `cases verify` pass.
#
#   usage: scripts/crash-test.sh [N] [KILLS]     (as root; defaults 40 5)
#   the large run, by hand: scripts/crash-test.sh 500 20
#
# Environment: SPONSOR_INTAKE_BIN (default target/debug/sponsor-intake, built
# when missing), CRASH_TEST_KEEP=1 keeps the temporary folder, DRAIN_TIMEOUT
# (seconds, default 120 + N/2), CRASH_TEST_SEED (for the random moments),
# CRASH_TEST_ALLOW_RESENT=1 tolerates a receipt delivered twice under one
# Message-ID (the daemon killed after the SMTP server took the email and
# before its "250" arrived: the known open issue, see issue 9's notes).
# Exit 0: nothing lost, nothing doubled; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd -P)

N=${1:-40}
KILLS=${2:-5}
BIN=${SPONSOR_INTAKE_BIN:-target/debug/sponsor-intake}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-$((120 + N / 2))}
SEED=${CRASH_TEST_SEED:-$RANDOM}
RANDOM=$SEED

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then PATH=$HOME/.cargo/bin:$PATH; fi
if [ ! -x "$BIN" ]; then
  echo "crash-test: building $BIN"
  cargo build --bin sponsor-intake
fi
BIN=$(cd "$(dirname "$BIN")" && pwd -P)/$(basename "$BIN")

t0=$SECONDS
say() { echo "crash-test [$((SECONDS - t0))s]: $*"; }

DIR=$(mktemp -d /tmp/ct.XXXXXX) # short: unix socket paths < 108 bytes
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
  if [ "${CRASH_TEST_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "crash-test: kept $DIR"
  else
    rm -rf "$DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "N=$N kills=$KILLS seed=$SEED bin=$BIN dir=$DIR"
bash scripts/start-mail-servers.sh "$DIR" auto >"$DIR/servers.out" 2>&1 || {
  cat "$DIR/servers.out"
  exit 1
}
set -a
# shellcheck disable=SC1091
. "$DIR/mail.env"
set +a
export SI_CT_PASSWORD=sponsor-secret
CONFIG=$DIR/config.toml
DB=$DIR/db/sponsor-intake.db
cat >"$CONFIG" <<EOF
# written by scripts/crash-test.sh
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
max_connections = 2

[state]
directory = "$DIR/state"

[mailbox]
kind = "imap"
backlog = "take-in-and-reply"
processed_folder = "Processed"
quarantine_folder = "Quarantine"
poll_seconds = 2

[mailbox.imap]
host = "$MAIL_HOST"
port = $IMAP_PORT
tls = "starttls"
username = "sponsor@example.test"
password_env = "SI_CT_PASSWORD"
folder = "INBOX"
ca_file = "$MAIL_CA_CERT"
idle = true

[outbox]
transport = "smtp"
max_attempts = 10
retry_seconds = 1
# Copies of our emails come back within a second or two here.
copy_wait_seconds = 15
# Five care homes share hundreds of receipts here: no per-recipient limit.
max_per_recipient_per_hour = 0

[outbox.smtp]
host = "$MAIL_HOST"
port = $SUBMISSION_PORT
tls = "starttls"
username = "sponsor@example.test"
password_env = "SI_CT_PASSWORD"
ca_file = "$MAIL_CA_CERT"
timeout_seconds = 5

[templates]
directory = "$REPO/templates"

[calendar]
bank_holidays_file = "$REPO/config/bank-holidays-england-and-wales.txt"

[logging]
level = "info"
format = "text"

[instance]
# One name across restarts: a restarted daemon takes its intake lease back
# at once instead of waiting for the killed one's lease to expire.
id = "crash-test"
EOF

# The applications: carehome1..5 in turn, each with its own Message-ID, care
# home name and CQC number (so each opens its own case), the form typed in the
# body and the DSPT report attached; APPENDed to the sponsor's INBOX.
python3 - "$N" "$DIR/sent.txt" <<'EOF'
import imaplib, os, sys, time, email.utils
n, out = int(sys.argv[1]), sys.argv[2]
run = os.path.basename(os.path.dirname(out))
def form(home, cqc, applicant):
    return f"""Hello,

Please find our application below.

Applicant name: Jane Carer
Job role: Registered Manager
Contact email: {applicant}
Name of care home: {home}
Address: 12 Rose Lane, Leeds
Postcode: LS1 4AB
Telephone: 0113 496 0123
CQC registration number: {cqc}
IG Toolkit / DSPT completed? Yes
Do you already have NHSmail accounts? No
Regular secure data exchange needed? Yes - hospital discharge letters
How many individual accounts? 2
  1. Jane Carer (07700 900111)
  2. Tom Helper (07700 900112)
Business justification: Two managers cover seven days a week.
Shared mailbox needed? Yes
Shared mailbox name: rosewoodlodge
Shared mailbox owner: Jane Carer
Shared mailbox owner mobile: 07700 900111
What benefits do you expect? Faster, safer discharge letters.

Regards
Jane
"""
imap = imaplib.IMAP4(os.environ["MAIL_HOST"], int(os.environ["IMAP_PORT"]))
imap.login("sponsor@example.test", "sponsor-secret")
ids = []
for i in range(1, n + 1):
    home_user = f"carehome{(i - 1) % 5 + 1}@example.test"
    home = f"Crash Test Lodge {i}"
    cqc = f"1-{700000000 + i}"
    mid = f"crash.{i}.{run}@carehome.example.test"
    body = form(home, cqc, home_user).replace("\n", "\r\n")
    raw = (
        f"From: Jane Carer <{home_user}>\r\n"
        f"To: NHSmail Sponsorship <sponsor@example.test>\r\n"
        f"Subject: NHSmail application - {home}\r\n"
        f"Date: {email.utils.formatdate()}\r\n"
        f"Message-ID: <{mid}>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="=-=form=-="\r\n'
        "\r\n--=-=form=-=\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
        "--=-=form=-=\r\n"
        'Content-Type: text/plain; charset=utf-8; name="DSPT assessment report.txt"\r\n'
        'Content-Disposition: attachment; filename="DSPT assessment report.txt"\r\n\r\n'
        "Data Security and Protection Toolkit\r\n"
        f"Assessment report for {home} ({cqc})\r\n"
        "Status: Standards Met\r\n"
        "Published: 2026-06-30\r\n"
        "\r\n--=-=form=-=--\r\n"
    )
    typ, _ = imap.append("INBOX", None, None, raw.encode())
    if typ != "OK":
        sys.exit(f"APPEND {i} failed: {typ}")
    ids.append(f"{mid} {home_user}")
imap.logout()
open(out, "w").write("\n".join(ids) + "\n")
EOF
say "$N applications in the sponsor's INBOX"

start_daemon() {
  "$BIN" --config "$CONFIG" run >>"$DIR/daemon.log" 2>&1 </dev/null &
  DAEMON=$!
}

for k in $(seq 1 "$KILLS"); do
  start_daemon
  ms=$((200 + RANDOM % 2801)) # 0.2 to 3 s
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  kill -KILL "$DAEMON" 2>/dev/null || true
  wait "$DAEMON" 2>/dev/null || true
  echo "=== SIGKILL $k after ${ms} ms" >>"$DIR/daemon.log"
  DAEMON=
done
say "$KILLS SIGKILLs done; letting the daemon drain"
start_daemon

# Drained: the INBOX is empty and the outbox has nothing pending.
drained=0
deadline=$((SECONDS + DRAIN_TIMEOUT))
while [ "$SECONDS" -lt "$deadline" ]; do
  if python3 - "$DB" <<'EOF'; then drained=1; break; fi
import imaplib, os, sqlite3, sys
imap = imaplib.IMAP4(os.environ["MAIL_HOST"], int(os.environ["IMAP_PORT"]))
imap.login("sponsor@example.test", "sponsor-secret")
typ, data = imap.status("INBOX", "(MESSAGES)")
imap.logout()
inbox = int(data[0].decode().split("MESSAGES")[1].strip(" )"))
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
pending = db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
sys.exit(0 if inbox == 0 and pending == 0 else 1)
EOF
  sleep 1
done
[ "$drained" = 1 ] || say "not drained after ${DRAIN_TIMEOUT}s"
kill -TERM "$DAEMON" 2>/dev/null || true
stopped=0
for _ in $(seq 1 300); do
  if ! kill -0 "$DAEMON" 2>/dev/null; then stopped=1; break; fi
  sleep 0.1
done
if [ "$stopped" = 1 ]; then
  wait "$DAEMON" 2>/dev/null || true
else
  say "the daemon did not stop within 30 s of SIGTERM; killing it"
  kill -KILL "$DAEMON" 2>/dev/null || true
  wait "$DAEMON" 2>/dev/null || true
fi
DAEMON=
say "daemon stopped"

rc_reconcile=0
"$BIN" --config "$CONFIG" reconcile >"$DIR/reconcile.out" 2>&1 || rc_reconcile=$?
rc_verify=0
"$BIN" --config "$CONFIG" cases verify >"$DIR/verify.out" 2>&1 || rc_verify=$?

python3 - "$DIR" "$N" "$KILLS" "$rc_reconcile" "$rc_verify" "$DB" <<'EOF'
import email, email.policy, imaplib, os, re, sqlite3, sys, time
from collections import Counter
d, n, kills, rc_rec, rc_ver, dbpath = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
sent = [l.split() for l in open(f"{d}/sent.txt") if l.strip()]
ids = {mid: home for mid, home in sent}

def brackets(v):
    return re.findall(r"<([^>]+)>", v or "")

# The database.
db = sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True, timeout=10)
rows = Counter(r[0] for r in db.execute("SELECT message_id FROM messages"))
cases = db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
case_per_msg = Counter()
for mid, cnt in db.execute(
    "SELECT m.message_id, COUNT(DISTINCT m.case_id) FROM messages m WHERE m.case_id IS NOT NULL GROUP BY m.message_id"):
    case_per_msg[mid] = cnt
outbox = dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())

# The sponsor's folders.
imap = imaplib.IMAP4(os.environ["MAIL_HOST"], int(os.environ["IMAP_PORT"]))
imap.login("sponsor@example.test", "sponsor-secret")
def folder(name):
    typ, data = imap.select(name, readonly=True)
    if typ != "OK":
        return Counter()
    typ, data = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])") if int(data[0]) else ("OK", [])
    c = Counter()
    for part in data:
        if isinstance(part, tuple):
            for m in brackets(part[1].decode(errors="replace")):
                c[m] += 1
    return c
inbox, processed, quarantine = folder("INBOX"), folder("Processed"), folder("Quarantine")
inbox_total = sum(inbox.values())
imap.logout()

# The care homes' real mailboxes: receipts, by In-Reply-To. Delivery is
# asynchronous: wait (up to 60 s) until every application has one.
def receipts():
    c = Counter()
    distinct.clear()
    for h in sorted(set(ids.values())):
        md = f"{d}/mail/example.test/{h.split('@')[0]}/Maildir"
        for sub in ("new", "cur"):
            p = os.path.join(md, sub)
            if not os.path.isdir(p):
                continue
            for f in os.listdir(p):
                with open(os.path.join(p, f), "rb") as fh:
                    msg = email.message_from_binary_file(fh, policy=email.policy.compat32)
                for m in brackets(msg.get("In-Reply-To", "")):
                    if m in ids:
                        c[m] += 1
                        distinct.setdefault(m, set()).add(msg.get("Message-ID", ""))
    return c
distinct = {}
deadline = time.time() + 60
got = receipts()
while time.time() < deadline and sum(1 for m in ids if got[m] >= 1) < len(ids):
    time.sleep(1)
    got = receipts()
time.sleep(2)  # a late duplicate would show now
got = receipts()

lost, doubled, resent = [], [], []
allow_resent = os.environ.get("CRASH_TEST_ALLOW_RESENT") == "1"
for mid in ids:
    why_lost = []
    why_double = []
    if rows[mid] == 0: why_lost.append("no messages row")
    if rows[mid] > 1: why_double.append(f"{rows[mid]} messages rows")
    if case_per_msg[mid] == 0: why_lost.append("no case")
    if case_per_msg[mid] > 1: why_double.append(f"{case_per_msg[mid]} cases")
    if got[mid] == 0: why_lost.append("no receipt")
    if got[mid] > 1:
        if len(distinct.get(mid, ())) == 1:
            # One outbox row delivered twice: the server took the email but the
            # daemon was killed before its "250" reached it (RFC 1047).
            resent.append(mid)
            if not allow_resent: why_double.append(f"the receipt delivered {got[mid]} times")
        else:
            why_double.append(f"{len(distinct[mid])} different receipts")
    if processed[mid] == 0: why_lost.append("not in Processed")
    if processed[mid] > 1: why_double.append(f"{processed[mid]} copies in Processed")
    if quarantine[mid]: why_double.append("also in Quarantine")
    if why_lost: lost.append((mid, why_lost))
    if why_double: doubled.append((mid, why_double))

one_row = sum(1 for m in ids if rows[m] == 1)
one_receipt = sum(1 for m in ids if got[m] == 1)
n_processed = sum(processed[m] for m in ids)
print(f"messages put in:                   {n}")
print(f"cases in the database:             {cases}")
print(f"messages with exactly one row:     {one_row}")
print(f"applications with one receipt:     {one_receipt} (receipts found: {sum(got[m] for m in ids)})")
print(f"processed folder:                  {sum(processed.values())} (of ours: {n_processed}); quarantine: {sum(quarantine.values())}; INBOX: {inbox_total}")
print(f"outbox:                            {', '.join(f'{v} {k}' for k, v in sorted(outbox.items()))}")
print(f"reconcile exit {rc_rec}; cases verify exit {rc_ver}")
print(f"receipts delivered twice under one Message-ID (killed between the server's acceptance and its 250): {len(resent)}"
      + (" (tolerated: CRASH_TEST_ALLOW_RESENT=1)" if allow_resent and resent else ""))
for mid, why in lost[:20]:
    print(f"  LOST    <{mid}>: {', '.join(why)}")
for mid, why in doubled[:20]:
    print(f"  DOUBLED <{mid}>: {', '.join(why)}")
ok = (not lost and not doubled and cases == n and inbox_total == 0
      and n_processed == n and rc_rec == 0 and rc_ver == 0)
print(f"crash-test: N={n} kills={kills} cases={cases} receipts={sum(got[m] for m in ids)} lost={len(lost)} doubled={len(doubled)} resent={len(resent)} {'OK' if ok else 'FAILED'}")
if rc_rec != 0:
    print("--- reconcile:"); print(open(f"{d}/reconcile.out").read())
if rc_ver != 0:
    print("--- cases verify:"); print(open(f"{d}/verify.out").read())
sys.exit(0 if ok else 1)
EOF
say "done"

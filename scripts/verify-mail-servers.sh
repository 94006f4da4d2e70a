#!/usr/bin/env bash
# Smoke check of the servers started by start-mail-servers.sh in DIR:
# submission (STARTTLS + AUTH, CA-verified) carehome1 -> sponsor, read back
# over IMAPS (CA-verified); an external recipient lands in outside@; an
# unknown local user is refused. Prints OK/FAIL lines; exit 1 on any FAIL.
#
#   usage: verify-mail-servers.sh DIR
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -f "$1/mail.env" ] || { echo "FAIL: no $1/mail.env (servers not started?)"; exit 1; }
# shellcheck disable=SC1091
. "$1/mail.env"
export MAIL_HOST MAIL_DOMAIN IMAPS_PORT MAIL_CA_CERT

failed=0
ok() { echo "OK   $*"; }
fail() { echo "FAIL $*"; failed=1; }

tag="verify-$$-$RANDOM"
send() { # FROM TO SUBJECT [extra swaks args]: submission, STARTTLS verified, AUTH PLAIN
  local from=$1 to=$2 subject=$3
  shift 3
  swaks --silent 2 --server "$MAIL_HOST:$SUBMISSION_PORT" \
    --tls --tls-ca-path "$MAIL_CA_CERT" --tls-verify \
    --auth PLAIN --auth-user "$from@$MAIL_DOMAIN" --auth-password "$from-secret" \
    --from "$from@$MAIL_DOMAIN" --to "$to" --header "Subject: $subject" \
    --body "Smoke test $tag" "$@" </dev/null
}

# USER SUBJECT: waits (up to 10 s) for SUBJECT in USER's INBOX over IMAPS.
imap_has() {
  python3 - "$1" "$2" <<'EOF'
import imaplib, os, ssl, sys, time
user, subject = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=os.environ["MAIL_CA_CERT"])  # hostname checked too
with imaplib.IMAP4_SSL(os.environ["MAIL_HOST"], int(os.environ["IMAPS_PORT"]), ssl_context=ctx) as m:
    m.login(f"{user}@{os.environ['MAIL_DOMAIN']}", f"{user}-secret")
    deadline = time.monotonic() + 10
    while True:
        m.select("INBOX", readonly=True)
        typ, data = m.uid("SEARCH", "SUBJECT", f'"{subject}"')
        if data[0].split():
            sys.exit(0)
        if time.monotonic() > deadline:
            sys.exit(f"{subject!r} not in {user}'s INBOX after 10 s")
        time.sleep(0.1)
EOF
}

s1="$tag internal"
if send carehome1 "sponsor@$MAIL_DOMAIN" "$s1"; then
  ok "submission STARTTLS+AUTH carehome1 -> sponsor accepted"
  if imap_has sponsor "$s1"; then ok "IMAPS: message in sponsor's INBOX"; else fail "IMAPS: message not in sponsor's INBOX"; fi
else
  fail "submission carehome1 -> sponsor"
fi

s2="$tag external"
if send carehome1 someone@gmail.com "$s2"; then
  ok "submission to someone@gmail.com accepted"
  if imap_has outside "$s2"; then ok "IMAPS: external mail caught in outside@'s INBOX"; else fail "external mail not in outside@'s INBOX"; fi
else
  fail "submission carehome1 -> someone@gmail.com"
fi

# swaks exits 24 when the server rejects the recipient.
rc=0
send carehome1 "nobody-here@$MAIL_DOMAIN" "$tag unknown" >/dev/null 2>&1 || rc=$?
if [ "$rc" = 24 ]; then ok "unknown local user rejected at RCPT"; else fail "unknown local user not rejected (swaks exit $rc)"; fi

if [ "$failed" = 0 ]; then echo "verify-mail-servers: ALL OK"; else echo "verify-mail-servers: FAILED"; fi
exit "$failed"

#!/usr/bin/env bash
# Start a private Dovecot (IMAP, IMAPS, LMTP) and Postfix (smtp, submission,
# smtps) on 127.0.0.1 for tests, everything kept in DIR.
#
#   usage: start-mail-servers.sh DIR [BASE|auto]      (as root; BASE default 10000)
#
# Ports: IMAP BASE+143, IMAPS BASE+993, SMTP BASE+25, SUBMISSION BASE+587,
# SMTPS BASE+465, and with MAIL_OAUTH2=1 BASE+80 for the local OAuth2 token
# service (scripts/oauth2-token-service.py: token endpoint, device code,
# introspection for Dovecot's oauth2 passdb; its log is DIR/oauth2/service.log). `auto` picks a free base (the previous one of DIR if free).
# Users: MAIL_USERS="a b c" (local parts; default below) at example.test, each
# with password <localpart>-secret. Mail of user U lands in
# DIR/mail/example.test/U/Maildir. Any recipient outside example.test is
# rewritten to outside@example.test, so nothing leaves the machine.
# Writes DIR/mail.env (shell-sourceable) and prints it. Restarting on an
# existing DIR keeps mail, certificates and UIDVALIDITY.
# Recipe and pitfalls: ../shared/notes/mail-servers.md.
set -euo pipefail

DOMAIN=example.test
HOST=127.0.0.1
DEFAULT_USERS="sponsor admins admin2 primaryla carehome1 carehome2 carehome3 carehome4 carehome5 outside"
WAIT_SECONDS=20
LOCK=/tmp/.sponsor-intake-mail-servers.lock

die() { echo "start-mail-servers: $*" >&2; exit 1; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: $0 DIR [BASE|auto]"; fi
[ "$(id -u)" -eq 0 ] || die "run as root (the servers drop privileges themselves)"
for c in dovecot doveconf postfix openssl swaks; do
  command -v "$c" >/dev/null || die "$c missing: run scripts/install-test-deps.sh"
done

BASE=${2:-10000}
OAUTH2=${MAIL_OAUTH2:-0}
if [ "$BASE" != auto ]; then
  if ! [[ $BASE =~ ^[0-9]+$ ]] || [ "$BASE" -lt 1024 ] || [ "$BASE" -gt 64000 ]; then
    die "bad BASE '$BASE' (1024..64000 or auto)"
  fi
fi
mkdir -p "$1"
DIR=$(cd "$1" && pwd -P)
D=$DIR/dovecot P=$DIR/postfix T=$DIR/tls M=$DIR/mail
# Unix socket paths must stay under 108 bytes; dovecot's longest is about
# run/login/imap-urlauth-worker.
[ ${#D} -le 60 ] || die "DIR path too long for unix sockets: use something like mktemp -d /tmp/mt.XXXXXX"

alive() { # PID: running and not a zombie (PID 1 here reaps orphans late)
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}
pid_of() { tr -d ' \n' 2>/dev/null <"$1" || true; }
is_ours() { # PID NAME: guards against a stale pid file whose pid was reused
  alive "$1" && [[ "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" == *"$2"* ]]
}
if is_ours "$(pid_of "$D/run/master.pid")" dovecot || is_ours "$(pid_of "$P/spool/pid/master.pid")" master; then
  die "servers already running in $DIR: stop them first (scripts/stop-mail-servers.sh $DIR)"
fi

# Users: accept local parts or full addresses; outside@ must exist (catch-all).
USERS=()
for u in ${MAIL_USERS:-$DEFAULT_USERS} outside; do
  u=${u%@"$DOMAIN"}
  [[ $u =~ ^[a-z0-9][a-z0-9._+-]*$ ]] || die "bad user local part: '$u'"
  [[ " ${USERS[*]} " == *" $u "* ]] || USERS+=("$u")
done

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
OFFSETS=(143 993 25 587 465 80)
base_busy() { # BASE: prints the first port in use
  local off
  for off in "${OFFSETS[@]}"; do
    if port_open $(($1 + off)); then echo $(($1 + off)); return 0; fi
  done
  return 1
}

# Traversable by dovecot/postfix/nobody (mktemp makes 0700 dirs).
chmod 0711 "$DIR"
mkdir -p "$D/state" "$P/etc" "$P/spool" "$T"
chmod 0711 "$D" "$T"
chmod 0755 "$P" "$P/etc" "$P/spool"
install -d -o postfix -g postfix -m 0700 "$P/data" # must be postfix's (master.lock)

# --- TLS: private CA + CA:FALSE leaf (rustls/webpki rejects a self-signed CA
# cert used as the server cert). Kept across restarts.
if [ ! -s "$T/chain.pem" ] || [ ! -s "$T/key.pem" ] || [ ! -s "$T/ca.pem" ]; then
  cat >"$T/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = sponsor-intake test mail
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, DNS:mail.$DOMAIN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  # (&&-chained: errexit does not apply inside a subshell tested with ||)
  (
    cd "$T" && umask 077 &&
      openssl req -x509 -config openssl.cnf -extensions ca_ext -newkey rsa:2048 -nodes \
        -keyout ca.key -out ca.pem -days 3650 -subj "/CN=sponsor-intake test CA" &&
      openssl req -new -config openssl.cnf -newkey rsa:2048 -nodes \
        -keyout key.pem -out leaf.csr -subj "/CN=localhost" &&
      openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
        -sha256 -extfile openssl.cnf -extensions leaf_ext -out leaf.pem &&
      cat leaf.pem ca.pem >chain.pem && chmod 0644 ca.pem leaf.pem chain.pem
  ) >"$T/openssl.log" 2>&1 || { cat "$T/openssl.log" >&2; rm -f "$T/chain.pem"; die "certificate generation failed"; }
fi

# --- Mailboxes: homes made up front so tests can look at them at once.
install -d -o 65534 -g 65534 -m 0755 "$M" "$M/$DOMAIN"
for u in "${USERS[@]}"; do
  h=$M/$DOMAIN/$u
  install -d -o 65534 -g 65534 -m 0700 "$h" "$h/Maildir" "$h/Maildir/cur" "$h/Maildir/new" "$h/Maildir/tmp"
done

# --- Ports. Certificates and mailboxes above need no lock.
# Serialize starts (auto base picking) until our ports listen. The lock fd
# must not leak into the daemons (9>&- below), or it would be held forever.
exec 9>"$LOCK"
flock -w 120 9 || die "timed out waiting for $LOCK"

if [ "$BASE" = auto ]; then
  prev=$(sed -n 's/^MAIL_BASE=//p' "$DIR/mail.env" 2>/dev/null || true)
  BASE=
  # Below 32768: stay clear of the kernel's ephemeral port range.
  for b in $prev $(seq 10000 1000 31000); do
    if ! base_busy "$b" >/dev/null; then BASE=$b; break; fi
  done
  [ -n "$BASE" ] || die "no free base port found"
else
  if busy=$(base_busy "$BASE"); then die "port $busy already in use (try BASE=auto)"; fi
fi
IMAP_PORT=$((BASE + 143)) IMAPS_PORT=$((BASE + 993)) SMTP_PORT=$((BASE + 25))
SUBMISSION_PORT=$((BASE + 587)) SMTPS_PORT=$((BASE + 465)) OAUTH2_PORT=$((BASE + 80))

# --- Dovecot. Pitfall: a newline is required after every `{`.
: >"$D/users"
for u in "${USERS[@]}"; do echo "$u@$DOMAIN:{PLAIN}$u-secret::::::" >>"$D/users"; done
chown root:dovecot "$D/users" # read by the auth process (user dovecot)
chmod 0640 "$D/users"

mechs="plain login"
oauth2_passdb=
if [ "$OAUTH2" = 1 ]; then
  # Tokens are checked by POSTing them to the local token service's
  # introspection endpoint (started below, before Dovecot).
  mechs="$mechs xoauth2 oauthbearer"
  cat >"$D/oauth2.conf.ext" <<EOF
introspection_url = http://$HOST:$OAUTH2_PORT/introspect
introspection_mode = post
username_attribute = username
active_attribute = active
active_value = true
EOF
  chown root:dovecot "$D/oauth2.conf.ext"
  chmod 0640 "$D/oauth2.conf.ext"
  oauth2_passdb="passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $D/oauth2.conf.ext
}"
fi

cat >"$D/dovecot.conf" <<EOF
# Generated by scripts/start-mail-servers.sh; rewritten on every start.
instance_name = dovecot-mt-$BASE
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = imap lmtp
listen = $HOST
ssl = yes
ssl_cert = <$T/chain.pem
ssl_key = <$T/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = $mechs
auth_verbose = yes
# No delay after a failed login (tests check wrong passwords).
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mailbox_idle_check_interval = 1 secs

passdb {
  driver = passwd-file
  args = scheme=PLAIN $D/users
}
$oauth2_passdb
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$M/%d/%n
}

namespace inbox {
  inbox = yes
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = $HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = $HOST
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = postfix
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0600
    user = postfix
  }
}
# No per-IP auth penalty (it grows to 15 s after failed logins).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}
EOF

# --- Postfix
cat >"$P/etc/main.cf" <<EOF
# Generated by scripts/start-mail-servers.sh; rewritten on every start.
compatibility_level = 3.6
config_directory = $P/etc
queue_directory = $P/spool
data_directory = $P/data
syslog_name = postfix-mt-$BASE
# There is no syslog here; maillog_file must match one of the prefixes.
maillog_file_prefixes = $DIR
maillog_file = $P/postfix.log
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = $DOMAIN
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
# Catch-all: every recipient outside $DOMAIN goes to outside@$DOMAIN.
# virtual_alias_domains must be emptied, or it defaults to the regexp's keys.
virtual_alias_maps = regexp:$P/etc/catchall
virtual_alias_domains =
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$P/etc/mailboxes
virtual_transport = lmtp:unix:$D/run/lmtp
default_transport = error:external delivery disabled in tests
relay_transport = error:external delivery disabled in tests
smtpd_tls_cert_file = $T/chain.pem
smtpd_tls_key_file = $T/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = $D/run/auth-postfix
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
EOF

cat >"$P/etc/catchall" <<EOF
if !/@${DOMAIN//./\\.}\$/
/.*/ outside@$DOMAIN
endif
EOF
: >"$P/etc/mailboxes"
for u in "${USERS[@]}"; do echo "$u@$DOMAIN OK" >>"$P/etc/mailboxes"; done

# All services unchrooted (paths are absolute and outside the queue dir).
sub_opts="-o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
cat >"$P/etc/master.cf" <<EOF
# Generated by scripts/start-mail-servers.sh; rewritten on every start.
$HOST:$SMTP_PORT inet n - n - - smtpd
$HOST:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix-mt-$BASE/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  $sub_opts
$HOST:$SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix-mt-$BASE/smtps
  -o smtpd_tls_wrappermode=yes
  $sub_opts
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

# Postfix waits (re-reading in 0.3 s steps, ~1.5 s) while a table or main.cf
# has an mtime in the current second, taking it as "being modified".
touch -d "2 seconds ago" "$P/etc/main.cf" "$P/etc/master.cf" "$P/etc/catchall" "$P/etc/mailboxes"

# --- Start. On any failure from here on, show the logs and stop what started.
logs_tail() {
  local f
  for f in "$D/dovecot.log" "$P/postfix.log" "$P/start.out"; do
    if [ -s "$f" ]; then echo "--- tail $f"; tail -n 25 "$f"; fi
  done >&2
}
started=0
on_exit() {
  local rc=$?
  set +e # a failing command here must not skip the cleanup
  if [ "$rc" -ne 0 ] && [ "$started" = 1 ]; then
    logs_tail
    bash "$(dirname "$0")/stop-mail-servers.sh" "$DIR" >&2 || true
  fi
}
trap on_exit EXIT

doveconf -c "$D/dovecot.conf" -n >/dev/null || die "invalid $D/dovecot.conf (see above)"
started=1
if [ "$OAUTH2" = 1 ]; then
  command -v python3 >/dev/null || die "python3 missing (needed for MAIL_OAUTH2=1)"
  mkdir -p "$DIR/oauth2"
  # Its own session, so that stop-mail-servers.sh can end it by its pid alone.
  setsid python3 "$(dirname "$0")/oauth2-token-service.py" "$HOST" "$OAUTH2_PORT" \
    "$DIR/oauth2/service.log" </dev/null >>"$DIR/oauth2/service.log" 2>&1 9>&- &
  echo $! >"$DIR/oauth2/service.pid"
fi
rm -f "$D/run/master.pid" # stale from an earlier run: we wait for the new one
# Dovecot keeps an inherited stdout after daemonizing: never leave it ours.
dovecot -c "$D/dovecot.conf" </dev/null >>"$D/dovecot.log" 2>&1 9>&- ||
  die "dovecot failed to start"
# Its pid file appears just after the fork; the cleanup above needs it.
deadline=$((SECONDS + WAIT_SECONDS))
until [ -s "$D/run/master.pid" ]; do
  [ $SECONDS -lt $deadline ] || die "dovecot wrote no pid file"
  sleep 0.02
done
# Postfix reports start errors only to syslog/a tty; the log file has the rest.
postfix -c "$P/etc" start </dev/null >"$P/start.out" 2>&1 9>&- ||
  die "postfix failed to start (try: script -qc 'postfix -c $P/etc start' /dev/null)"

ports=("$IMAP_PORT" "$IMAPS_PORT" "$SMTP_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT")
if [ "$OAUTH2" = 1 ]; then ports+=("$OAUTH2_PORT"); fi
for port in "${ports[@]}"; do
  until port_open "$port"; do
    [ $SECONDS -lt $deadline ] || die "port $port not listening after ${WAIT_SECONDS}s"
    sleep 0.1
  done
done
flock -u 9

DOVECOT_PID=$(pid_of "$D/run/master.pid")
POSTFIX_PID=$(pid_of "$P/spool/pid/master.pid")
if ! alive "$DOVECOT_PID" || ! alive "$POSTFIX_PID"; then die "a server died right after starting"; fi

kv() { # KEY VALUE: quote only when needed, so both shells and dotenv parsers read it
  if [[ $2 =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then echo "$1=$2"; else echo "$1='$2'"; fi
}
addrs=$(printf "%s@$DOMAIN " "${USERS[@]}")
{
  kv MAIL_DIR "$DIR"
  kv MAIL_HOST "$HOST"
  kv MAIL_DOMAIN "$DOMAIN"
  kv MAIL_BASE "$BASE"
  kv IMAP_PORT "$IMAP_PORT"
  kv IMAPS_PORT "$IMAPS_PORT"
  kv SMTP_PORT "$SMTP_PORT"
  kv SUBMISSION_PORT "$SUBMISSION_PORT"
  kv SMTPS_PORT "$SMTPS_PORT"
  kv MAIL_CA_CERT "$T/ca.pem"
  kv MAIL_USERS "${addrs% }"
  kv MAIL_PASSWORD_PATTERN '<localpart>-secret'
  kv MAIL_MAILDIR_PATTERN "$M/$DOMAIN/<localpart>/Maildir"
  kv MAIL_OAUTH2 "$OAUTH2"
  kv MAIL_OAUTH2_INTROSPECT_URL "http://$HOST:$OAUTH2_PORT/introspect"
  if [ "$OAUTH2" = 1 ]; then
    kv MAIL_OAUTH2_URL "http://$HOST:$OAUTH2_PORT"
    kv MAIL_OAUTH2_PID "$(pid_of "$DIR/oauth2/service.pid")"
  fi
  kv DOVECOT_PID "$DOVECOT_PID"
  kv POSTFIX_PID "$POSTFIX_PID"
} >"$DIR/mail.env.tmp"
mv "$DIR/mail.env.tmp" "$DIR/mail.env"
cat "$DIR/mail.env"

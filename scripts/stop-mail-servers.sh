#!/usr/bin/env bash
# Stop the Dovecot and Postfix started by start-mail-servers.sh in DIR.
#
#   usage: stop-mail-servers.sh DIR [--rm]     (--rm: then delete DIR)
#
# SIGTERM to both servers at once, wait, SIGKILL after a timeout; then wait
# until their ports are closed, so a restart on the same ports cannot fail.
set -euo pipefail

TERM_SECONDS=10
die() { echo "stop-mail-servers: $*" >&2; exit 1; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: $0 DIR [--rm]"; fi
RM=0
if [ $# -eq 2 ]; then
  if [ "$2" = --rm ]; then RM=1; else die "unknown option '$2'"; fi
fi
DIR=$1
[ -d "$DIR" ] || { echo "stop-mail-servers: $DIR does not exist"; exit 0; }
DIR=$(cd "$DIR" && pwd -P)
# Refuse to rm -rf anything that is not ours.
[ -d "$DIR/dovecot" ] || [ -d "$DIR/postfix" ] || [ -z "$(ls -A "$DIR")" ] ||
  die "$DIR does not look like a mail server dir"

alive() { # PID: running and not a zombie (PID 1 here reaps orphans late)
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}
pid_of() { tr -d ' \n' 2>/dev/null <"$1" || true; }
is_ours() { # PID NAME: guards against a stale pid file whose pid was reused
  alive "$1" && [[ "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" == *"$2"* ]]
}

group_alive() { # PGID: any live process left in the group?
  local f s state pgrp
  for f in /proc/[0-9]*/stat; do
    { read -r s <"$f"; } 2>/dev/null || continue # a builtin: no fork per process
    read -r state _ pgrp _ <<<"${s##*) }" # fields after "(comm) "
    if [ "$pgrp" = "$1" ] && [ "$state" != Z ]; then return 0; fi
  done
  return 1
}

# Both masters call setsid, so each server is one process group led by its
# master. SIGTERM goes to the whole group: a plain SIGTERM to Dovecot's master
# took 2-8 s, its auth/stats/log children lingering after the master exited;
# the group is gone in ~50 ms. Both servers write mail and queue files
# crash-safely, so nothing is lost.
groups=()
for pair in "dovecot:$DIR/dovecot/run/master.pid" "master:$DIR/postfix/spool/pid/master.pid"; do
  pid=$(pid_of "${pair#*:}")
  if is_ours "$pid" "${pair%%:*}"; then
    read -r _ _ pgrp _ <<<"$(sed 's/.*) //' "/proc/$pid/stat")"
    if [ "$pgrp" = "$pid" ]; then groups+=("-$pid"); else groups+=("$pid"); fi
  fi
done

if [ ${#groups[@]} -gt 0 ]; then
  kill -TERM -- "${groups[@]}" 2>/dev/null || true
  deadline=$((SECONDS + TERM_SECONDS))
  for g in "${groups[@]}"; do
    while group_alive "${g#-}"; do
      if [ $SECONDS -ge $deadline ]; then
        echo "stop-mail-servers: $g still alive after ${TERM_SECONDS}s, sending SIGKILL" >&2
        kill -KILL -- "$g" 2>/dev/null || true
        sleep 0.2
        break
      fi
      sleep 0.05
    done
  done
fi

# The local OAuth2 token service (MAIL_OAUTH2=1), by its pid alone.
svc=$(pid_of "$DIR/oauth2/service.pid")
if is_ours "$svc" oauth2-token-service; then
  kill -TERM "$svc" 2>/dev/null || true
  deadline=$((SECONDS + TERM_SECONDS))
  while alive "$svc"; do
    if [ $SECONDS -ge $deadline ]; then kill -KILL "$svc" 2>/dev/null || true; break; fi
    sleep 0.05
  done
fi

# Make sure the ports are free again before a restart (cheap when they are).
if [ ${#groups[@]} -gt 0 ] && [ -f "$DIR/mail.env" ]; then
  ports=$(sed -n 's/^\(IMAP\|IMAPS\|SMTP\|SUBMISSION\|SMTPS\)_PORT=//p' "$DIR/mail.env")
  deadline=$((SECONDS + 5))
  for port in $ports; do
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
      [ $SECONDS -lt $deadline ] || { echo "stop-mail-servers: warning: port $port still open" >&2; break; }
      sleep 0.1
    done
  done
fi

if [ "$RM" = 1 ]; then
  rm -rf "$DIR"
  echo "stop-mail-servers: stopped and removed $DIR"
else
  echo "stop-mail-servers: stopped ($DIR kept)"
fi

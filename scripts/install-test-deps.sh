#!/usr/bin/env bash
# Install the Debian packages the tests need: Dovecot + Postfix (real mail
# servers on loopback, see scripts/start-mail-servers.sh), swaks with TLS
# support, openssl, chromium and chromium-driver (the web console's browser
# test), and isync (mbsync, optional, for benchmarks).
# Idempotent: does not touch apt at all when everything is already installed.
set -euo pipefail

REQUIRED=(dovecot-imapd dovecot-lmtpd postfix swaks openssl libnet-ssleay-perl libio-socket-ssl-perl chromium chromium-driver)
OPTIONAL=(isync)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

installed() { # PKG: true if dpkg has it fully installed
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=() missing_opt=()
for p in "${REQUIRED[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${OPTIONAL[@]}"; do installed "$p" || missing_opt+=("$p"); done

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_opt[@]} -eq 0 ]; then
  echo "install-test-deps: all present"
  exit 0
fi
if [ ${#missing[@]} -eq 0 ] && ! apt-cache show "${missing_opt[@]}" >/dev/null 2>&1; then
  # Only optional packages missing and apt doesn't know them: don't pay for
  # an `apt-get update` on every run.
  echo "install-test-deps: optional ${missing_opt[*]} not available, skipped"
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
quiet() { # run a command, showing its output only if it fails
  if "$@" >"$log" 2>&1; then return 0; fi
  cat "$log" >&2
  return 1
}
apt_install() {
  quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

all=("${missing[@]}" "${missing_opt[@]}")
echo "install-test-deps: installing ${all[*]}"
# "No configuration": postfix's postinst writes no /etc/postfix/main.cf and
# starts no system instance; the tests run private instances only.
echo "postfix postfix/main_mailer_type select No configuration" |
  "${SUDO[@]}" debconf-set-selections
quiet "${SUDO[@]}" apt-get update -qq </dev/null
if ! apt_install "${all[@]}"; then
  [ ${#missing_opt[@]} -gt 0 ] || exit 1
  echo "install-test-deps: warning: retrying without optional ${missing_opt[*]} (no mbsync benchmarks)" >&2
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
fi
echo "install-test-deps: done"

#!/usr/bin/env bash
# Try sponsor-intake on this machine with nothing else: the embedded default
# (config/local.toml: SQLite, a local Maildir, a folder of .eml files as the
# outbox, all under local/). Puts the example emails in the Maildir, runs one
# round, and shows the cases and the receipts that were written.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin=target/release/sponsor-intake
config=config/local.toml

mkdir -p local/maildir/new local/maildir/cur local/maildir/tmp
for eml in examples/mail/*.eml; do
  # Maildir delivery: write to tmp/, then move into new/ under a unique name.
  name="$(date +%s).$$_$(basename "$eml" .eml).$(hostname)"
  cp "$eml" "local/maildir/tmp/$name"
  mv "local/maildir/tmp/$name" "local/maildir/new/$name"
done
echo "== Put $(ls examples/mail/*.eml | wc -l) example emails in local/maildir/new"

echo "== One round: sponsor-intake --config $config once"
"$bin" --config "$config" once

echo
echo "== Cases: sponsor-intake --config $config cases list"
"$bin" --config "$config" cases list

echo
echo "== Emails written to the outbox folder (local/outbox):"
ls -1t local/outbox | head -n 10
first=$(ls -1t local/outbox/*.eml 2>/dev/null | tail -n 1 || true)
if [ -n "$first" ]; then
  echo
  echo "== The first receipt ($first), text part:"
  awk '/^Content-Type: text\/plain/{p=1;next} /^--/{if(p)exit} p' "$first" | sed -n '1,40p'
fi
echo
echo "To keep the daemon running on the same setup (Ctrl-C to stop):"
echo "  $bin --config $config run"
echo "and drop .eml files into local/maildir/new/."
echo
echo "While it runs, the administrators' web console is at http://127.0.0.1:8088;"
echo "a sign-in link (works once, for 15 minutes):"
"$bin" --config "$config" admin-link la.team@xyzicb.example | sed -n '2p' | sed 's/^/  /'

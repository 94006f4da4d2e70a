#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the test fixtures (and ../shared/corpus
# when it is there). The corpora are not committed: run this first.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/parse_email corpus/readers
for f in "$root"/tests/fixtures/emails/*.eml "$root"/../shared/corpus/*.eml; do
  [ -f "$f" ] && cp "$f" corpus/parse_email/
done
find "$root/tests/fixtures" -type f \
  ! -name '*.py' ! -name '*.json' ! -name '*.md' ! -name '*.eml' \
  -exec cp {} corpus/readers/ \;
echo "parse_email: $(ls corpus/parse_email | wc -l) seeds; readers: $(ls corpus/readers | wc -l) seeds"

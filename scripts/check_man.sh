#!/usr/bin/env bash
# Every man page renders with groff's warnings on (-ww) and with man -l, and
# says nothing on stderr. Usage: scripts/check_man.sh
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for page in man/man*/*.[0-9]; do
  grep -q '^\.so ' "$page" && continue  # a link to another page
  out=$(groff -ww -man -Tutf8 -z "$page" 2>&1) || status=1
  if command -v man >/dev/null; then
    out+=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || status=1
  fi
  if [[ -n $out ]]; then
    echo "$page:"; echo "$out"; status=1
  else
    echo "$page: ok"
  fi
done
exit $status

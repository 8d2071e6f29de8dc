#!/usr/bin/env bash
# The public headers beside the system ones they meet: libnuma's <numa.h>
# and <numaif.h> (nodemask_t, MPOL_*) and <sys/user.h> (PAGE_*), in both
# orders, compile with -Wall -Wextra -Werror. Usage:
# scripts/check_headers.sh <C compiler> <generated include dir>
set -euo pipefail
cd "$(dirname "$0")/.."
cc=$1
gen=$2
status=0
for src in tests/headers/*.c; do
  for std in gnu11 c11; do
    if out=$("$cc" -std=$std -Wall -Wextra -Werror -Iinclude -I"$gen" -c -o /dev/null "$src" 2>&1); then
      echo "$src ($std): ok"
    else
      echo "$src ($std):"; echo "$out"; status=1
    fi
  done
done
exit $status

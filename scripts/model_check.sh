#!/usr/bin/env bash
# Check the per-CPU lock protocol of rseq mode (tests/model/pcp_lock.pml)
# exhaustively with Spin. Passes only if the protocol as in src/pcp.c has no
# error in its whole state space AND the model finds the known bugs: a9cddad's
# shared remote token 2 (OLD_PROTOCOL), and a sequence without its cpu check
# (NO_CPU_CHECK) - a checker that cannot fail proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
model=$PWD/tests/model/pcp_lock.pml
command -v spin >/dev/null || scripts/deps.sh spin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
status=0

# pan VARIANT [SPIN-FLAGS...]: compile the verifier for one variant, run it.
pan() {
  local name=$1; shift
  mkdir -p "$name" && cp "$model" "$name/" && cd "$name"
  if ! spin "$@" -a pcp_lock.pml >spin.log 2>&1; then
    echo "model pcp_lock ($name): spin failed"; cat spin.log; exit 1
  fi
  # SAFETY: assertions and invalid end states (deadlocks), no cycle checks.
  # BFS for the variants that must fail: the counterexample is a shortest one.
  local cflags=(-O0 -DSAFETY)	# -O0: compiling dominates, pan runs well under a second
  [[ $name == new ]] || cflags+=(-DBFS)
  gcc "${cflags[@]}" -o pan pan.c
  # Depth bound and hash table sized for ~25k states (a too small depth is caught below).
  ./pan -m100000 -w18 >pan.log 2>&1 || true
  cd ..
}

# Numbers from pan's report.
states() { awk '/states, stored/ {print $1}' "$1/pan.log"; }
depth() { sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$1/pan.log"; }
seconds() { sed -n 's/^pan: elapsed time \([0-9.e+-]*\).*/\1/p' "$1/pan.log"; }

pan new
log=new/pan.log
if ! grep -q "errors: 0" $log; then
  echo "model pcp_lock (token per remote): ERRORS"; cat $log; status=1
elif grep -qi "too small\|truncated\|out of memory" $log; then
  echo "model pcp_lock (token per remote): state space NOT fully explored"; cat $log; status=1
elif awk '/^unreached in/ {p = 1; next} p && /pcp_lock.pml/ && !/"-end-"/ {bad = 1} END {exit !bad}' $log; then
  # Every branch of the model must be taken somewhere, or it models less than it says.
  echo "model pcp_lock (token per remote): 0 errors, but unreached code in the model"
  sed -n '/^unreached/,$p' $log; status=1
else
  echo "model pcp_lock (token per remote): 0 errors, $(states new) states, depth $(depth new)," \
    "full state space in $(seconds new) s"
fi

# must_fail VARIANT DESCRIPTION SPIN-FLAGS...
must_fail() {
  local name=$1 what=$2; shift 2
  pan "$name" "$@"
  if grep -q "assertion violated" "$name/pan.log" && [[ -f $name/pcp_lock.pml.trail ]]; then
    local steps assertion
    steps=$(cd "$name" && spin "$@" -t pcp_lock.pml | sed -n 's/^spin: trail ends after \([0-9]*\) steps/\1/p')
    assertion=$(sed -n 's/^pan:1: assertion violated \(.*\) (at depth.*/\1/p' "$name/pan.log")
    echo "model pcp_lock ($what): violation found, as expected: assert$assertion fails," \
      "shortest trail $steps steps ($(states "$name") states)"
  else
    echo "model pcp_lock ($what): NO violation found - the model no longer sees this bug"
    cat "$name/pan.log"; status=1
  fi
}

must_fail old "old, shared token 2" -DOLD_PROTOCOL
must_fail nocpu "no cpu check in the sequence" -DNO_CPU_CHECK
exit $status

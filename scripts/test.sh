#!/usr/bin/env bash
# Build and run every test five times: plain (gcc), under ASan+UBSan, under
# TSan (clang; the threaded tests are what it is for), with clang, and with
# the debug assertions at their expensive level (BUDDY_DEBUG_VM=EXPENSIVE:
# VM_BUG_ON checks, lock-held assertions, the zone checker on every
# zone_unlock). The pcp lock's model check (Spin) runs once, in the plain run.
# Before them: clang-format --dry-run on src/ and include/, and
# scripts/callgraph.sh (no mutual pair of src/ files). After them, the
# fuzz targets for 30 s each (scripts/fuzz.sh).
# Each run's time is printed after its tests.
# Exits non-zero if any run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh clang spin clang-format groff-base linux-perf bpftrace jc python3 libclang-rt-14-dev
jobs=$(nproc)
mkdir -p build && rm -f build/*.ctest.log
status=0

run() {	# run NAME CMAKE-ARGS... -- CTEST-ARGS...
  local name=$1; shift
  local cm=() ct=()
  while (($#)) && [[ $1 != -- ]]; do cm+=("$1"); shift; done
  (($#)) && shift
  ct=("$@")
  local t0=$SECONDS
  echo "=== $name build"
  cmake -S . -B "build/$name" "${cm[@]}" >/dev/null
  if ! cmake --build "build/$name" -j"$jobs" >"build/$name.log" 2>&1; then
    grep -E "error|warning" "build/$name.log" | head -40
    echo "$name: BUILD FAILED"
    status=1
    return
  fi
  echo "=== $name tests"
  if ! (cd "build/$name" && ctest --output-on-failure -j"$jobs" "${ct[@]}") | tee "build/$name.ctest.log"; then
    status=1
  fi
  echo "=== $name: $((SECONDS - t0)) s (build and tests)"
}

# Two checks on the source before the builds: the layout (.clang-format) and
# the file-level call graph of src/ (no two files calling each other).
echo "=== clang-format"
if ! clang-format --dry-run -Werror src/*.c src/*.h src/arch/*/*.h include/buddy/*.h; then
  echo "clang-format: the files above differ from .clang-format (run: clang-format -i <file>)"
  status=1
fi
echo "=== call graph"
if ! scripts/callgraph.sh >build/callgraph.log; then
  sed -n '/mutual pairs:/,$p' build/callgraph.log
  status=1
else
  tail -1 build/callgraph.log
fi

run plain -DCMAKE_BUILD_TYPE=RelWithDebInfo
run asan-ubsan -DCMAKE_BUILD_TYPE=Debug -DBUDDY_SANITIZE=address,undefined -DBUDDY_BUILD_EXAMPLES=OFF \
  -DBUDDY_MODEL_CHECK=OFF
run tsan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUDDY_SANITIZE=thread \
  -DBUDDY_BUILD_EXAMPLES=OFF -DBUDDY_MODEL_CHECK=OFF
run clang -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DBUDDY_MODEL_CHECK=OFF
run debug-vm -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUDDY_DEBUG_VM=EXPENSIVE -DBUDDY_BUILD_EXAMPLES=OFF \
  -DBUDDY_MODEL_CHECK=OFF

# The libFuzzer targets (tests/fuzz), 30 s each from their seed corpora.
echo "=== fuzz"
t0=$SECONDS
if ! scripts/fuzz.sh 30; then
  echo "fuzz: FAILED"
  status=1
fi
echo "=== fuzz: $((SECONDS - t0)) s (build and runs)"

# One closing line over all five runs: "tests: N passed, N failed".
read -r total failed < <(cat build/*.ctest.log | awk '/tests failed out of/ {f += $4; t += $NF} END {print t + 0, f + 0}')
((status)) && echo "SOME TEST RUNS FAILED"
echo "tests: $((total - failed)) passed, $failed failed"
exit $status

#!/usr/bin/env bash
# Build the libFuzzer targets (tests/fuzz, clang with ASan+UBSan) and run each
# for a bounded time from its committed seed corpus; fail on any crash, leak,
# sanitizer report or timeout. Usage: scripts/fuzz.sh [seconds per target] [target...]
# (default 30 s, every target). New inputs go to build/fuzz/corpus/<target>,
# a crashing input to build/fuzz/<target>-crash-*; replay one with
# build/fuzz/tests/fuzz/<target> <file>. docs/reliability.md has the longer runs.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
(($#)) && shift
targets=("$@")
((${#targets[@]})) || targets=(fuzz_conf fuzz_ops fuzz_replay_parse)
build=build/fuzz
mkdir -p build
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUDDY_SANITIZE=address,undefined -DBUDDY_BUILD_FUZZERS=ON -DBUDDY_BUILD_TESTS=OFF \
  -DBUDDY_BUILD_EXAMPLES=OFF -DBUDDY_BUILD_TOOLS=OFF -DBUDDY_BUILD_STATIC=OFF -DBUDDY_MODEL_CHECK=OFF >/dev/null
if ! cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >"$build.log" 2>&1; then
  grep -E "error|warning" "$build.log" | head -40
  echo "fuzz: BUILD FAILED"
  exit 1
fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  # -close_fd_mask=2: the library's own reports (refusals, warn_alloc) stay
  # quiet; libFuzzer and the sanitizers still print to the log.
  if "$build/tests/fuzz/$t" -close_fd_mask=2 -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/$t-" "$build/corpus/$t" "tests/fuzz/corpus/$t" \
    >"$build/$t.log" 2>&1; then
    echo "$t: $(grep -E '^#[0-9]+.*DONE' "$build/$t.log" | tail -1)"
  else
    echo "$t: FAILED (log: $build/$t.log)"
    grep -E "ERROR|SUMMARY|fuzz_ops:|Test unit written" "$build/$t.log" | head -10
    status=1
  fi
done
exit $status

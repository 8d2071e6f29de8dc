#!/usr/bin/env bash
# The main job: build libbuddy and run the demo, which allocates a mix of
# orders, frees them and prints the allocator's kernel-format statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBUDDY_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
BUDDY_CONF="${BUDDY_CONF:-stats_print:summary}" build/release/examples/demo

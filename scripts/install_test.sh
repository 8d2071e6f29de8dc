#!/usr/bin/env bash
# Install a built tree into a scratch prefix, then build and run consumers
# against it the two ways users do: pkg-config and find_package(libbuddy), in
# C and C++, shared and static (the static one with clashing global names),
# with gcc and clang. Usage: scripts/install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
consumer=$src/tests/install/consumer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >"$work/install.log"
pcdir=$(dirname "$(find "$prefix" -name libbuddy.pc)")
libdir=$(dirname "$pcdir")
export PKG_CONFIG_PATH=$pcdir
export LD_LIBRARY_PATH=$libdir
export BUDDY_CONF=arena_size:512M

echo "== installed: $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"
for f in include/buddy/buddy.h include/buddy/gfp.h include/buddy/version.h share/man/man3/alloc_pages.3 \
  share/man/man7/libbuddy.7; do
  [[ -f $prefix/$f ]] || { echo "missing from the install: $f"; exit 1; }
done
[[ -L $libdir/libbuddy.so && -e $libdir/libbuddy.so.0 ]] || { echo "no libbuddy.so -> libbuddy.so.0"; exit 1; }
soname=$(objdump -p "$libdir/libbuddy.so" | awk '/SONAME/ {print $2}')
[[ $soname == libbuddy.so.0 ]] || { echo "SONAME is '$soname'"; exit 1; }

echo "== pkg-config $(pkg-config --modversion libbuddy): $(pkg-config --cflags --libs libbuddy)"
[[ $(pkg-config --static --libs libbuddy) == *-lnuma* ]] || { echo "Libs.private lacks -lnuma"; exit 1; }
for cc in gcc clang; do
  command -v $cc >/dev/null || continue
  $cc -Wall -Werror -o "$work/c_$cc" "$consumer/consumer.c" $(pkg-config --cflags --libs libbuddy)
  "$work/c_$cc"
  # static: the archive itself, then what Libs.private says it needs
  $cc -Wall -Werror -o "$work/clash_$cc" "$consumer/clash.c" $(pkg-config --cflags libbuddy) "$libdir/libbuddy.a" \
    $(pkg-config --static --libs-only-l libbuddy | sed 's/-lbuddy//')
  "$work/clash_$cc"
done
for cxx in g++ clang++; do
  command -v $cxx >/dev/null || continue
  $cxx -Wall -Werror -o "$work/cxx_$cxx" "$consumer/consumer.cpp" $(pkg-config --cflags --libs libbuddy)
  "$work/cxx_$cxx"
done

echo "== find_package(libbuddy)"
cmake -S "$consumer" -B "$work/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" >"$work/consumer.log"
cmake --build "$work/consumer-build" >>"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; exit 1; }
"$work/consumer-build/consumer_c"
"$work/consumer-build/consumer_cxx"
if [[ -x $work/consumer-build/clash_static ]]; then
  "$work/consumer-build/clash_static"
fi
echo "install test: ok"

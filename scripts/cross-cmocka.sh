#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Build a static cmocka for a cross target from Debian's own cmocka source
# package (apt-get source), because Debian 12 ships no riscv64 binaries and
# qemu-user runs want static test binaries.  Nothing is vendored: the source
# is fetched from Debian, built into build-deps/, and never committed.
#
#   scripts/cross-cmocka.sh ARCH   (aarch64 | riscv64) -> prints the prefix
set -euo pipefail
arch=$1
top=$(cd "$(dirname "$0")/.." && pwd)
deps=$top/build-deps
prefix=$deps/cmocka-$arch
if [ -f "$prefix/lib/libcmocka.a" ]; then
	echo "$prefix"
	exit 0
fi
mkdir -p "$deps/src"
if ! ls -d "$deps"/src/cmocka-*/ >/dev/null 2>&1; then
	(cd "$deps/src" && apt-get source -q --download-only cmocka >&2 &&
	    tar xf cmocka_*.orig.tar.xz >&2)
fi
srcdir=$(ls -d "$deps"/src/cmocka-*/ | head -n 1)
cmake -S "$srcdir" -B "$deps/build-cmocka-$arch" \
	-DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchain-$arch-linux-gnu.cmake" \
	-DCMAKE_BUILD_TYPE=Release -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF \
	-DUNIT_TESTING=OFF -DCMAKE_INSTALL_PREFIX="$prefix" \
	-DCMAKE_INSTALL_LIBDIR=lib >&2
cmake --build "$deps/build-cmocka-$arch" -j "$(nproc)" >&2
cmake --install "$deps/build-cmocka-$arch" >&2
# Keep only the static library (cmocka 1.1 names it libcmocka-static.a), so
# the test link cannot pick a shared one.
rm -f "$prefix"/lib/libcmocka.so*
mv "$prefix/lib/libcmocka-static.a" "$prefix/lib/libcmocka.a"
echo "$prefix"

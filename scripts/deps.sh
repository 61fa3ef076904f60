#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Install what `make test` needs from Debian's packages, when it is missing
# and we may (root with apt-get).  Without root it only reports what is
# missing; the steps that need it then SKIP with that reason.
set -uo pipefail

# libclang-rt-14-dev holds clang's sanitizer and libFuzzer runtimes, which
# clang-14 only recommends (and --no-install-recommends skips).
pkgs=(cmake pkg-config libcmocka-dev clang libclang-rt-14-dev clang-format g++
	python3 jq
	libxml2-utils man-db strace qemu-user gcc-aarch64-linux-gnu
	gcc-riscv64-linux-gnu libc6-dev-arm64-cross libc6-dev-riscv64-cross
	dpkg-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

# The cross cmocka is built from Debian's source package: apt needs a
# deb-src entry for bookworm main (scripts/cross-cmocka.sh).
need_src=0
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	! grep -qs '^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
	need_src=1
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "deps: missing ${missing[*]} (not root: cannot install)" >&2
	exit 0
fi
if [ $need_src -eq 1 ]; then
	cat >/etc/apt/sources.list.d/timekeep-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
if [ ${#missing[@]} -ne 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Install what `make test` needs from Debian's packages, when it is missing
# and we may (root with apt-get).  Without root it only reports what is
# missing; the steps that need it then SKIP with that reason.  Idempotent:
# with everything present it does nothing and prints nothing.
#
# As root it also adds a deb-src entry for bookworm main
# (/etc/apt/sources.list.d/timekeep-src.sources) when the machine has none:
# the cross builds build cmocka from Debian's source package
# (scripts/cross-cmocka.sh).  apt's output goes to
# $TK_LOG_DIR/deps.log (default build-logs/deps.log); one line says what
# was installed, and the log's tail is printed if apt fails (exit 1).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
logdir=${TK_LOG_DIR:-$top/build-logs}

# What each is for:
#   make gcc libc6-dev cmake pkg-config         the build, the suites, the
#   libcmocka-dev g++ git                       C++ and install checks, lint
#   clang libclang-rt-14-dev                    the clang, TSan and fuzz steps;
#                                               the runtimes are only a
#                                               recommendation of clang-14,
#                                               which --no-install-recommends
#                                               skips
#   clang-format shellcheck python3 jq          lint, the tool's tests (JSON,
#   libxml2-utils                               SVG as XML)
#   man-db groff-base                           the man page checks
#   strace                                      the no-system-call test
#   librsvg2-bin                                rsvg-convert: the tool's chart
#                                               rendered to PNG in a test
#   libabsl-dev                                 abseil, for a benchmark
#                                               candidate (absl::Now)
#   qemu-user gcc-*-linux-gnu libc6-dev-*-cross the aarch64 and riscv64 steps
#   dpkg-dev                                    apt-get source (cross cmocka)
pkgs=(make gcc libc6-dev cmake pkg-config libcmocka-dev g++ git
	clang libclang-rt-14-dev clang-format shellcheck python3 jq libxml2-utils
	man-db groff-base strace librsvg2-bin libabsl-dev
	qemu-user gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu
	libc6-dev-arm64-cross libc6-dev-riscv64-cross dpkg-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

need_src=0
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	! grep -qs '^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
	need_src=1
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	if [ ${#missing[@]} -ne 0 ]; then
		echo "deps: missing ${missing[*]} (not root: cannot install)"
	fi
	exit 0
fi

mkdir -p "$logdir"
log=$logdir/deps.log
if [ $need_src -eq 1 ]; then
	cat >/etc/apt/sources.list.d/timekeep-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	echo "deps: added deb-src for bookworm main" \
		"(/etc/apt/sources.list.d/timekeep-src.sources)"
fi
export DEBIAN_FRONTEND=noninteractive
{
	apt-get update -qq &&
		if [ ${#missing[@]} -ne 0 ]; then
			apt-get install -y -qq --no-install-recommends \
				"${missing[@]}"
		fi
} >"$log" 2>&1 || {
	tail -n 30 "$log"
	echo "deps: apt-get failed (the whole log is $log)"
	exit 1
}
if [ ${#missing[@]} -ne 0 ]; then
	echo "deps: installed ${missing[*]} (log: $log)"
fi

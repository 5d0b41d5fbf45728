#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install sonde's build dependencies (Debian 12) and build it into build/.
# Idempotent: apt is only touched when a package is missing, and the build
# is incremental, so a second run takes seconds.
#
# Environment:
#   BUILD_DIR   build directory (default: build)
#   BUILD_TYPE  CMake build type (default: RelWithDebInfo)
#   CMAKE_ARGS  extra arguments for the configure step (word-split)
#   NO_BUILD=1  only install packages
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}

packages=(
	build-essential cmake pkg-config flex bison
	libbpf-dev llvm-16-dev libelf-dev libdw-dev zlib1g-dev libzstd-dev
	libtinfo-dev libxml2-dev libz3-dev
	systemtap-sdt-dev  # <sys/sdt.h> for the usdt test programs
	python3 strace  # strace: a listing test checks which files -l reads
	bpftool   # tests count the BPF programs left in the kernel
	clang libclang-rt-14-dev  # the libFuzzer target (tests/fuzz)
	bpftrace  # only for bench/bench.sh
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	if [ "$status" != "install ok installed" ]; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages and not root; run: sudo $0" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "${NO_BUILD:-0}" = 1 ]; then
	exit 0
fi

jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck disable=SC2086 # CMAKE_ARGS is a word list on purpose
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j"$jobs"

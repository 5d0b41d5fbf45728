#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite: build (scripts/setup.sh), run every ctest (labels
# unit, golden, root) one at a time, check that no BPF program or link was
# left in the kernel, then rebuild with AddressSanitizer+UBSan in
# build-asan/ and rerun the whole suite there (root tests included when
# root), then build the libFuzzer target with clang in build-fuzz/ and
# fuzz the compiler for FUZZ_TIME seconds.
#
# Run as root: sudo scripts/test.sh
#
# Environment:
#   SKIP_ASAN=1        skip the sanitizer pass
#   SKIP_FUZZ=1        skip the fuzzing pass (also skipped without clang)
#   FUZZ_TIME          seconds of fuzzing (default 60)
#   CTEST_ARGS         extra ctest arguments (word-split), e.g. "-R runtime/"
#   TEST_TIMEOUT       per-test timeout in seconds (default 600)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

TEST_TIMEOUT=${TEST_TIMEOUT:-600}
failures=()
start=$SECONDS

section() { printf '\n==== %s\n' "$*"; }

scripts/setup.sh || { echo "test: setup/build failed" >&2; exit 1; }

# BPF objects currently in the kernel, one id per line.
bpf_ids() { # prog|link
	bpftool "$1" show -j 2>/dev/null |
		python3 -c 'import json, sys
try:
    objs = json.load(sys.stdin) or []
except ValueError:
    objs = []
for o in objs:
    print(o["id"], o.get("name", o.get("type", "?")))' | sort
}

root=1
if [ "$(id -u)" -ne 0 ]; then
	root=0
	echo "test: not root: skipping the 'root' tests and the BPF leak check" >&2
fi
have_bpftool=0
if [ $root = 1 ] && command -v bpftool >/dev/null; then
	have_bpftool=1
	progs_before=$(bpf_ids prog)
	links_before=$(bpf_ids link)
fi

section "ctest (build/)"
label_args=()
[ $root = 1 ] || label_args=(-LE root)
# shellcheck disable=SC2086
if ! ctest --test-dir build --output-on-failure -j1 --timeout "$TEST_TIMEOUT" \
	"${label_args[@]}" ${CTEST_ARGS:-}; then
	failures+=("ctest")
fi

if [ $have_bpftool = 1 ]; then
	section "BPF leak check"
	# Programs are freed asynchronously after the last fd closes; give the
	# kernel a moment before calling anything a leak.
	leaked_progs="" leaked_links=""
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		leaked_progs=$(comm -13 <(echo "$progs_before") <(bpf_ids prog) | sed '/^$/d')
		leaked_links=$(comm -13 <(echo "$links_before") <(bpf_ids link) | sed '/^$/d')
		[ -z "$leaked_progs$leaked_links" ] && break
		sleep 1
	done
	if [ -n "$leaked_progs$leaked_links" ]; then
		echo "BPF objects left in the kernel after the suite (id name):"
		[ -n "$leaked_progs" ] && echo "programs:" && echo "$leaked_progs"
		[ -n "$leaked_links" ] && echo "links:" && echo "$leaked_links"
		failures+=("bpf-leak")
	else
		echo "no BPF program or link left behind"
	fi
fi

if [ "${SKIP_ASAN:-0}" != 1 ]; then
	section "sanitizer build (build-asan/)"
	if BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_ARGS="-DSANITIZE=ON" \
		scripts/setup.sh; then
		section "ctest (build-asan/)"
		export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
		export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
		# shellcheck disable=SC2086
		if ! ctest --test-dir build-asan --output-on-failure -j1 \
			--timeout "$TEST_TIMEOUT" "${label_args[@]}" ${CTEST_ARGS:-}; then
			failures+=("ctest-asan")
		fi
	else
		failures+=("build-asan")
	fi
fi

if [ "${SKIP_FUZZ:-0}" != 1 ] && command -v clang >/dev/null; then
	section "fuzzing (build-fuzz/)"
	mkdir -p build-fuzz
	if { CC=clang CXX=clang++ cmake -S . -B build-fuzz -DFUZZ=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo &&
		cmake --build build-fuzz -j"$(nproc)" --target fuzz_compile; } >build-fuzz/build.log 2>&1 ||
		{ tail -n 40 build-fuzz/build.log; false; }; then
		if ! ctest --test-dir build-fuzz --output-on-failure -L fuzz; then
			failures+=("fuzz")
		fi
	else
		failures+=("build-fuzz")
	fi
fi

section "summary ($((SECONDS - start)) s)"
if [ ${#failures[@]} -gt 0 ]; then
	echo "FAILED: ${failures[*]}"
	exit 1
fi
echo "all tests passed"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a libFuzzer target for a bounded time, seeded with every script in
# the test tree (plus the programs of the runtime tests). Fails on any
# crash, leak, timeout or sanitizer report; the reproducer is kept in
# $FUZZ_ARTIFACTS (default: the current directory).
#
# usage: run.sh FUZZER TESTS_DIR      FUZZ_TIME=seconds (default 60)
set -uo pipefail

fuzzer=$1
tests=$2
time=${FUZZ_TIME:-60}
artifacts=${FUZZ_ARTIFACTS:-$PWD}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/corpus" "$work/seeds"
i=0
while IFS= read -r -d '' f; do
	cp "$f" "$work/seeds/$i.bt"
	i=$((i + 1))
done < <(find "$tests" -name '*.bt' -type f -print0)
# The PROG lines of the runtime tests are scripts too.
for t in "$tests"/runtime/*.test; do
	[ -f "$t" ] || continue
	awk -v pre="$work/seeds/$(basename "$t" .test)-" \
		'/^PROG /{ sub(/^PROG /, ""); f = pre NR ".bt"; print > f; close(f) }' "$t"
done
echo "fuzz: $(ls "$work/seeds" | wc -l) seed scripts, ${time}s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A fixed seed (FUZZ_SEED; 0 = random) makes the suite's run repeatable:
# a slower machine runs a prefix of the same mutations.
"$fuzzer" -seed="${FUZZ_SEED:-1}" -max_total_time="$time" -timeout=20 -rss_limit_mb=4096 -max_len=8192 \
	-print_final_stats=1 -artifact_prefix="$artifacts/" -dict="$(dirname "$0")/sonde.dict" \
	"$work/corpus" "$work/seeds" 2>"$work/log"
rc=$?
tail -n 30 "$work/log"
if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$work/log"; then
	echo "fuzz: FAILED (exit $rc); reproducer in $artifacts/"
	exit 1
fi
echo "fuzz: ok"

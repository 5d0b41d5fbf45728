#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input corpus: every script here (and the huge ones made below)
# must be refused with exit status 1 and an ERROR on stderr, quickly, and
# never with a crash, a hang or a sanitizer report. Scripts not named nl_*
# must also get a located error: FILE:LINE:COL, the source line and an
# underline.
#
# usage: run.sh SONDE DIR
set -uo pipefail

sonde=$1
dir=$2
limit=${BAD_TIMEOUT:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0 n=0

check() { # name located? sonde-args...
	local name=$1 located=$2 rc
	shift 2
	n=$((n + 1))
	timeout -s KILL "$limit" "$sonde" --dry-run "$@" >"$work/out" 2>"$work/err"
	rc=$?
	local why=""
	if [ $rc = 137 ]; then
		why="timed out after ${limit}s"
	elif [ $rc != 1 ]; then
		why="exit status $rc, expected 1"
	elif grep -qE 'BUG|AddressSanitizer|LeakSanitizer|runtime error' "$work/err"; then
		why="internal error or sanitizer report"
	elif ! grep -q 'ERROR' "$work/err"; then
		why="no ERROR on stderr"
	elif [ "$located" = 1 ] &&
		! grep -qE '^[^ ]+:[0-9]+(:[0-9]+-[0-9]+|-[0-9]+): ERROR' "$work/err"; then
		why="error not located (FILE:LINE:COL)"
	elif [ "$located" = 1 ] && ! grep -qE '^ *\^?~+$' "$work/err"; then
		why="no underline"
	fi
	if [ -n "$why" ]; then
		echo "FAIL $name: $why"
		head -c 2000 "$work/err" | head -n 20 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}

for f in "$dir"/*.bt; do
	base=$(basename "$f")
	case $base in
	nl_*) check "$base" 0 "$f" ;;
	*) check "$base" 1 "$f" ;;
	esac
done

# Made here rather than stored: large, or not files at all.
gen() { python3 -c "$1" >"$work/$2"; }
gen 'print("".join("BEGIN { @a[%d] = %d; }\n" % (i, i) for i in range(10000)) + "BEGIN { @a = \"s\"; }")' probes10k.bt
check probes10k.bt 1 "$work/probes10k.bt"
gen 'print("".join("tracepoint:syscalls:sys_enter_openat { @a[%d] = 1 + \"s\"; }\n" % i for i in range(10000)))' errors10k.bt
check errors10k.bt 1 "$work/errors10k.bt"
gen 'print("BEGIN { $x = " + "1+" * 200000 + "1; }")' deep_plus.bt
check deep_plus.bt 1 "$work/deep_plus.bt"
gen 'print("BEGIN { $x = " + "(" * 100000 + "1" + ")" * 100000 + "; }")' deep_parens.bt
check deep_parens.bt 1 "$work/deep_parens.bt"
gen 'print("BEGIN { $x = " + "!" * 100000 + "1; }")' deep_unary.bt
check deep_unary.bt 1 "$work/deep_unary.bt"
gen 'print("BEGIN { " + "if (1) { " * 20000 + "exit();" + " }" * 20000 + " }")' deep_if.bt
check deep_if.bt 1 "$work/deep_if.bt"
gen 'print("BEGIN { " + "{ " * 100000 + "}" * 100000 + " }")' deep_blocks.bt
check deep_blocks.bt 1 "$work/deep_blocks.bt"
gen 'print("BEGIN { $x = " + "1 ? " * 50000 + "1" + " : 2" * 50000 + "; }")' deep_ternary.bt
check deep_ternary.bt 1 "$work/deep_ternary.bt"
gen 'print("BEGIN { $x = " + "$a = " * 50000 + "1; }")' deep_assign.bt
check deep_assign.bt 1 "$work/deep_assign.bt"
gen 'print("BEGIN { $x = \"" + "A" * 1000000 + "\" + 1; }")' long_string.bt
check long_string.bt 1 "$work/long_string.bt"
gen 'print("BEGIN { printf(\"" + "%d" * 100000 + "\"); }")' long_format.bt
check long_format.bt 1 "$work/long_format.bt"
gen 'print("BEGIN { $" + "v" * 1000000 + " = \"a\" + 1; }")' long_var.bt
check long_var.bt 1 "$work/long_var.bt"
gen 'print("BEGIN { @" + "m" * 1000000 + " = 1; @" + "m" * 1000000 + " = \"s\"; }")' long_map.bt
check long_map.bt 1 "$work/long_map.bt"
gen 'print("BEGIN { " + "f" * 1000000 + "(); }")' long_func.bt
check long_func.bt 1 "$work/long_func.bt"
gen 'print("tracepoint:" + "c" * 100000 + ":" + "e" * 100000 + " { exit(); }")' long_probe.bt
check long_probe.bt 1 "$work/long_probe.bt"
gen 'print("BEGIN { $x = " + "9" * 100000 + "; }")' long_number.bt
check long_number.bt 1 "$work/long_number.bt"
gen 'print("BEGIN { exit(); }" + "\n" * 1000000 + "BEGIN { $x = \"a\" + 1; }")' many_lines.bt
check many_lines.bt 1 "$work/many_lines.bt"
gen 'print("BEGIN { " + "@x[%s] = 1; " % ",".join(["1"] * 10000) + "}")' wide_key.bt
check wide_key.bt 1 "$work/wide_key.bt"
gen 'print("BEGIN { $t = (" + ",".join(["1"] * 1000000) + "); }")' huge_tuple.bt
check huge_tuple.bt 1 "$work/huge_tuple.bt"
gen 'print("BEGIN { printf(\"%d\", " + ", ".join(["1"] * 100000) + "); }")' many_args.bt
check many_args.bt 1 "$work/many_args.bt"
# Too large for BPF: caught before LLVM (located), and by LLVM's fatal error.
gen 'print("tracepoint:syscalls:sys_enter_getpid { " + "".join("@a[%d] = pid + %d; " % (i, i) for i in range(2000)) + "}")' too_large.bt
check too_large.bt 1 "$work/too_large.bt"
gen 'print("tracepoint:syscalls:sys_enter_getpid { " + "".join("@a[%d] = pid + %d; " % (i, i) for i in range(1500)) + "}")' too_large_llvm.bt
check too_large_llvm.bt 0 "$work/too_large_llvm.bt"
BPFTRACE_MAX_STRLEN=1000000 check huge_strlen 1 -e 'BEGIN { $s = str(0); printf("%s\n", $s); }'
mkdir "$work/a_directory.bt"
check directory 0 "$work/a_directory.bt"
check missing_file 0 "$work/no/such/file.bt"
check dev_zero 0 /dev/zero
check endless_stdin 0 - < <(yes 'BEGIN { exit(); }')
check binary_stdin 0 - < "$dir/nl_binary_nul.bt"
check e_empty 0 -e ''
check e_garbage 1 -e 'BEGIN { )( }'
check no_program 0
check bad_option 0 --no-such-option "$dir/lex_bad_char.bt"

echo "$n hostile inputs, $fail failed"
[ $fail = 0 ]

#!/usr/bin/env bash
# Golden tests. Usage: golden.sh parser|sema TOOL DIR
#   parser: DIR/ok/*.bt must parse; TOOL's AST dump must equal NAME.ast.
#           DIR/err/*.bt must fail; TOOL's stderr must equal NAME.err.
#   sema:   DIR/*.bt run through `sonde FILE`; stderr must equal NAME.err
#           and the exit status must be 1.
# UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
set -u
mode=$1 tool=$2 dir=$3
fail=0 pass=0
check() { # name expected actual
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		printf '%s' "$3" >"$2"
		return
	fi
	if [ ! -f "$2" ]; then
		echo "FAIL $1: missing $2"; fail=$((fail + 1)); return
	fi
	if [ "$(cat "$2")" == "$3" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL $1"; diff -u "$2" <(printf '%s\n' "$3") | head -40; fail=$((fail + 1))
	fi
}
cd "$dir" || exit 1
if [ "$mode" = parser ]; then
	for f in ok/*.bt; do
		[ -e "$f" ] || continue
		out=$(timeout 10 "$tool" "$f" 2>&1); rc=$?
		[ $rc -eq 0 ] || { echo "FAIL $f: exit $rc"; echo "$out" | head; fail=$((fail + 1)); continue; }
		check "$f" "${f%.bt}.ast" "$out"
	done
	for f in err/*.bt; do
		[ -e "$f" ] || continue
		out=$(timeout 10 "$tool" "$f" 2>&1 >/dev/null); rc=$?
		[ $rc -eq 1 ] || { echo "FAIL $f: exit $rc, want 1"; fail=$((fail + 1)); continue; }
		check "$f" "${f%.bt}.err" "$out"
	done
else
	for f in *.bt; do
		[ -e "$f" ] || continue
		out=$(timeout 20 "$tool" "$f" 2>&1 >/dev/null); rc=$?
		[ $rc -eq 1 ] || { echo "FAIL $f: exit $rc, want 1"; echo "$out" | head; fail=$((fail + 1)); continue; }
		check "$f" "${f%.bt}.err" "$out"
	done
fi
echo "$mode golden: $pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every option that `sonde --help` lists must appear in the man page.
# Usage: man_options.sh SONDE MANPAGE
set -e
sonde=$1
man=$2
missing=0
# Options as groff writes them: "-x" is "\-x", "--long" is "\-\-long".
for opt in $("$sonde" --help | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z-]*' | tr -d ' ,' | sort -u); do
	esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	if ! grep -q -- "$esc" "$man"; then
		echo "man page lacks $opt"
		missing=1
	fi
done
exit $missing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build sonde (scripts/setup.sh), then show it working: count openat()
# calls per process for two seconds while something opens files, then the
# hello world. Run as root: sudo scripts/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
sonde=build/sonde

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: sonde needs root to load BPF programs; run: sudo $0" >&2
	exit 1
fi

run() {
	printf '\n$ sonde -e %q\n' "$1"
	"$sonde" -e "$1"
}

# Something to trace: a background loop opening files for ~3 seconds.
(
	end=$((SECONDS + 3))
	while [ $SECONDS -lt $end ]; do
		ls /etc >/dev/null
		cat /etc/hostname >/dev/null
		sleep 0.05
	done
) &
load=$!
trap 'kill "$load" 2>/dev/null || true' EXIT

echo "== openat() calls per process, for 2 seconds"
run 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } interval:s:2 { exit(); }'
wait "$load" 2>/dev/null || true

echo
echo "== hello world"
run 'BEGIN { printf("hello, world\n"); exit(); }'

echo
echo "== read() sizes of a cat, as a histogram"
(sleep 1; cat /etc/services >/dev/null) &
run 'tracepoint:syscalls:sys_exit_read /comm == "cat" && args.ret > 0/ { @bytes = hist(args.ret); } interval:s:2 { exit(); }'
wait

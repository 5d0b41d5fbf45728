#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sonde vs Debian's bpftrace, side by side. Not part of the test suite.
#   (a) start-up: wall time and peak RSS of `-e 'BEGIN { exit(); }'`
#       (median of N runs)
#   (b) kernel cost per event: run_time_ns / run_cnt of the programs each
#       tool loads (kernel.bpf_stats_enabled=1), for
#       `@[comm] = count()` and `@[tid] = hist(nsecs & 0xffff)` on
#       sys_enter_getppid while a loop calls getppid() EVENTS times
#   (c) wide attach: wall time of
#       `tracepoint:syscalls:sys_enter_* { @[probe] = count(); } BEGIN { exit(); }`
#       (about 360 tracepoints attached and detached; one run each)
#   (d) wide uprobe attach: wall time of
#       `uprobe:/lib/x86_64-linux-gnu/libc.so.6:str* { @[probe] = count(); } BEGIN { exit(); }`
#       (about 80 libc functions attached and detached; one run each):
#       sonde with one uprobe_multi link, and with SONDE_MULTI=0 (one
#       perf-event link per function, as bpftrace 0.17 attaches)
#   (e) kernel.bpf_stats_enabled is restored afterwards.
#
# Usage: sudo bench/bench.sh [-n RUNS] [-e EVENTS] [--sonde PATH] [--bpftrace PATH]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=10 events=200000 sonde=build/sonde bpftrace=/usr/bin/bpftrace
while [ $# -gt 0 ]; do
	case "$1" in
	-n) runs=$2; shift 2 ;;
	-e) events=$2; shift 2 ;;
	--sonde) sonde=$2; shift 2 ;;
	--bpftrace) bpftrace=$2; shift 2 ;;
	-h|--help) sed -n '3,22p' "$0"; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 1 ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (BPF, sysctl); run: sudo $0" >&2
	exit 1
fi
for tool in "$sonde" "$bpftrace"; do
	[ -x "$tool" ] || { echo "bench: $tool: not executable" >&2; exit 1; }
done
command -v bpftool >/dev/null || { echo "bench: bpftool is missing" >&2; exit 1; }

# bpftrace does not mount tracefs itself (sonde does).
if ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs nodev /sys/kernel/tracing
fi

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$old_stats"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1

python3 - "$sonde" "$bpftrace" "$runs" "$events" <<'PY'
import json, os, signal, statistics, subprocess, sys, time

sonde, bpftrace, runs, events = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tools = [("sonde", sonde), ("bpftrace", bpftrace)]


def startup(path):
    """Median wall time (s) and peak RSS (KiB) of BEGIN { exit(); }."""
    times, rss = [], []
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen([path, "-e", "BEGIN { exit(); }"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        times.append(time.monotonic() - t0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            return None, None
        rss.append(ru.ru_maxrss)
    return statistics.median(times), statistics.median(rss)


def progs():
    out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True,
                         text=True, check=True).stdout
    return {p["id"]: p for p in json.loads(out or "[]")}


def per_event(path, prog):
    """ns per event of the programs `path` loads for `prog`."""
    before = set(progs())
    p = subprocess.Popen([path, "-e", prog], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        new = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None:
            new = {i: q for i, q in progs().items() if i not in before}
            if any(q.get("type") == "tracepoint" for q in new.values()):
                break
            time.sleep(0.2)
        else:
            return None
        time.sleep(1.0)  # let attaching finish
        ids = [i for i, q in new.items() if q.get("type") == "tracepoint"]

        def totals():
            cur = progs()
            return (sum(cur.get(i, {}).get("run_time_ns", 0) for i in ids),
                    sum(cur.get(i, {}).get("run_cnt", 0) for i in ids))

        t0, c0 = totals()
        subprocess.run([sys.executable, "-c",
                        "import os\nfor _ in range(%d): os.getppid()" % events],
                       check=True)
        t1, c1 = totals()
        if c1 <= c0:
            return None
        return (t1 - t0) / (c1 - c0)
    finally:
        try:
            os.killpg(p.pid, signal.SIGINT)
            p.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else "%.2fx" % (a / b)


rows = []
st = {name: startup(path) for name, path in tools}
rows.append(("start-up time (s, median)", fmt(st["sonde"][0], ".3f"),
             fmt(st["bpftrace"][0], ".3f"), ratio(st["sonde"][0], st["bpftrace"][0])))
rows.append(("peak RSS (MiB, median)",
             fmt(st["sonde"][1] and st["sonde"][1] / 1024, ".1f"),
             fmt(st["bpftrace"][1] and st["bpftrace"][1] / 1024, ".1f"),
             ratio(st["sonde"][1], st["bpftrace"][1])))

probes = [
    ("@[comm] = count() (ns/event)",
     "tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }"),
    ("@[tid] = hist(nsecs & 0xffff) (ns/event)",
     "tracepoint:syscalls:sys_enter_getppid { @[tid] = hist(nsecs & 0xffff); }"),
]
WIDE = "tracepoint:syscalls:sys_enter_* { @[probe] = count(); } BEGIN { exit(); }"


def wide(path):
    """Wall time (s) of attaching and detaching every sys_enter tracepoint."""
    t0 = time.monotonic()
    r = subprocess.run([path, "-e", WIDE], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0 if r.returncode == 0 else None


w = {name: wide(path) for name, path in tools}
rows.append(("sys_enter_* attach+detach (s)", fmt(w["sonde"], ".3f"),
             fmt(w["bpftrace"], ".3f"), ratio(w["sonde"], w["bpftrace"])))

UWIDE = ("uprobe:/lib/x86_64-linux-gnu/libc.so.6:str* { @[probe] = count(); } "
         "BEGIN { exit(); }")


def uwide(path, env=None):
    """Wall time (s) of attaching and detaching libc's str* uprobes."""
    t0 = time.monotonic()
    r = subprocess.run([path, "-e", UWIDE], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, **(env or {})))
    return time.monotonic() - t0 if r.returncode == 0 else None


u = {name: uwide(path) for name, path in tools}
rows.append(("libc str* uprobes attach+detach (s)", fmt(u["sonde"], ".3f"),
             fmt(u["bpftrace"], ".3f"), ratio(u["sonde"], u["bpftrace"])))
u0 = uwide(sonde, {"SONDE_MULTI": "0"})
rows.append(("  same, SONDE_MULTI=0 (s)", fmt(u0, ".3f"), fmt(u["bpftrace"], ".3f"),
             ratio(u0, u["bpftrace"])))

for label, prog in probes:
    r = {name: per_event(path, prog) for name, path in tools}
    rows.append((label, fmt(r["sonde"], ".0f"), fmt(r["bpftrace"], ".0f"),
                 ratio(r["sonde"], r["bpftrace"])))

head = ("measure (%d runs, %d events)" % (runs, events), "sonde", "bpftrace",
        "sonde/bpftrace")
w = [max(len(str(r[i])) for r in rows + [head]) for i in range(4)]
line = lambda r: "  ".join(str(c).ljust(w[0]) if i == 0 else str(c).rjust(w[i])
                           for i, c in enumerate(r))
print(line(head))
print("  ".join("-" * x for x in w))
for r in rows:
    print(line(r))
PY

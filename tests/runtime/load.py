#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Under load: 1,000,000 printf events from two CPUs at full speed.

Every record is either printed or counted as lost (printed + lost equals
the count the probe itself keeps), sonde's memory stays bounded, and
SIGINT (Ctrl-C) ends it within a second even while the load goes on.

usage: load.py SONDE
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

SONDE = sys.argv[1]
EVENTS = 1000000
RSS_LIMIT_KB = 256 * 1024
PROG = ('tracepoint:syscalls:sys_enter_getpid /comm == "sonde_loadgen"/ '
        '{ @n = count(); printf("e %d\\n", tid); }')
GEN_C = r"""
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n = atol(argv[1]);
	for (long i = 0; n < 0 || i < n; i++)
		syscall(SYS_getpid);
	return 0;
}
"""


def build_gen(d):
    src = os.path.join(d, "gen.c")
    exe = os.path.join(d, "sonde_loadgen")
    with open(src, "w") as f:
        f.write(GEN_C)
    subprocess.run(["cc", "-O2", "-o", exe, src], check=True)
    return exe


def cpus():
    c = sorted(os.sched_getaffinity(0))
    return (c + c)[:2]


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_sonde(outf, errf):
    p = subprocess.Popen([SONDE, "-e", PROG], stdout=outf, stderr=errf)
    deadline = time.time() + 20
    while time.time() < deadline:
        with open(errf.name) as f:
            if "Attached" in f.read():
                return p
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("sonde did not attach")


def gens(exe, n):
    return [subprocess.Popen(["taskset", "-c", str(c), exe, str(n)]) for c in cpus()]


def counts(outpath, errpath):
    printed = 0
    total = None
    with open(outpath, "rb") as f:
        for line in f:
            if line.startswith(b"e "):
                printed += 1
            m = re.match(rb"@n: (\d+)", line)
            if m:
                total = int(m.group(1))
    with open(errpath) as f:
        err = f.read()
    lost = sum(int(x) for x in re.findall(r"Lost (\d+) events", err))
    return printed, lost, total, err


def full_speed(exe, d):
    """All events generated, then Ctrl-C: the accounting must balance."""
    outp, errp = os.path.join(d, "out1"), os.path.join(d, "err1")
    with open(outp, "w") as outf, open(errp, "w") as errf:
        p = start_sonde(outf, errf)
        peak = 0
        g = gens(exe, EVENTS // 2)
        while any(x.poll() is None for x in g):
            peak = max(peak, rss_kb(p.pid))
            time.sleep(0.05)
        time.sleep(0.5)
        peak = max(peak, rss_kb(p.pid))
        p.send_signal(signal.SIGINT)
        p.wait(timeout=30)
    printed, lost, total, err = counts(outp, errp)
    print("full speed: %s counted, %d printed, %d lost, peak RSS %d KiB"
          % (total, printed, lost, peak))
    bad = []
    if total != EVENTS:
        bad.append("the probe counted %s events, expected %d" % (total, EVENTS))
    if total is not None and printed + lost != total:
        bad.append("printed %d + lost %d != %d generated" % (printed, lost, total))
    if peak > RSS_LIMIT_KB:
        bad.append("RSS reached %d KiB" % peak)
    if p.returncode != 0:
        bad.append("exit status %d: %s" % (p.returncode, err[-500:]))
    return bad


def ctrl_c_under_load(exe, d):
    """SIGINT while both CPUs keep producing: out within a second."""
    outp, errp = os.path.join(d, "out2"), os.path.join(d, "err2")
    with open(outp, "w") as outf, open(errp, "w") as errf:
        p = start_sonde(outf, errf)
        g = gens(exe, -1)
        try:
            time.sleep(1.0)
            t0 = time.time()
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                return ["still running 10 s after SIGINT under load"]
            took = time.time() - t0
        finally:
            for x in g:
                x.kill()
                x.wait()
    printed, lost, total, _ = counts(outp, errp)
    print("Ctrl-C under load: exited %.2f s after SIGINT (%s counted, %d printed, %d lost)"
          % (took, total, printed, lost))
    bad = []
    if took > 1.0:
        bad.append("took %.2f s to exit after SIGINT" % took)
    if total is not None and printed + lost != total:
        bad.append("printed %d + lost %d != %d counted" % (printed, lost, total))
    return bad


with tempfile.TemporaryDirectory() as d:
    exe = build_gen(d)
    failures = full_speed(exe, d) + ctrl_c_under_load(exe, d)
for f in failures:
    print("FAIL " + f)
print("PASS" if not failures else "FAILED")
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Nothing left behind: after each way sonde can end, no BPF program or map
of its stays in the kernel and no kprobe/uprobe event entry of its stays in
tracefs.

Other tracers (other test suites) may run at the same time, so instead of
counting everything before and after, a leak is a program or map with one
of sonde's names, loaded after the case started, that no process holds
(through a prog/map/link fd) once sonde is gone. Objects being freed
asynchronously get a few seconds to disappear.

usage: cleanup.py SONDE
"""

import json
import os
import signal
import subprocess
import sys
import time

SONDE = sys.argv[1]
PROGS = ("tracepoint:syscalls:sys_enter_getpid { @n[tid] = count(); }\n"
         "interval:ms:100 { @t = count(); }\n")
FOREVER = PROGS
# several functions of one binary: one uprobe_multi link (kernel >= 6.6)
UPROBES = ("uprobe:%s/tests/testprogs/uprobe_test:sonde_* { @n = count(); }\n"
           % os.path.dirname(os.path.abspath(SONDE)))
# 200 sites of one usdt probe behind a semaphore: one uprobe_multi link
USDT_MANY = "%s/tests/testprogs/usdt_many" % os.path.dirname(os.path.abspath(SONDE))
USDTS = "usdt:%s:sondetest:many { @n = count(); }\n" % USDT_MANY
SONDE_MAPS = ("sonde_rb", "sonde_stats", "sonde_cfg")


def bpftool(kind):
    try:
        out = subprocess.run(["bpftool", kind, "show", "-j"], capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out or "[]") or []
    except (subprocess.CalledProcessError, ValueError):
        return []


def held_ids():
    """prog, map and link ids that some process holds through an fd."""
    progs, maps, links = set(), set(), set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        d = "/proc/%s/fdinfo" % pid
        try:
            fds = os.listdir(d)
        except OSError:
            continue
        for fd in fds:
            try:
                with open(os.path.join(d, fd)) as f:
                    for line in f:
                        if line.startswith("prog_id:"):
                            progs.add(int(line.split()[1]))
                        elif line.startswith("map_id:"):
                            maps.add(int(line.split()[1]))
                        elif line.startswith("link_id:"):
                            links.add(int(line.split()[1]))
            except (OSError, ValueError):
                pass
    return progs, maps, links


def sonde_name(name, kind):
    if kind == "prog":
        return name.startswith("probe") or name in ("BEGIN", "END")
    return name in SONDE_MAPS or (name[:1] == "m" and name[1:].isdigit())


def leaks(since):
    progs, maps, links = held_ids()
    bad = []
    ours = set()
    for o in bpftool("prog"):
        if sonde_name(o.get("name", ""), "prog") and o.get("loaded_at", 0) >= since:
            ours.add(o["id"])
    # a link (perf-event or multi) of one of sonde's programs that nobody holds
    for o in bpftool("link"):
        if o.get("prog_id") in ours and o["id"] not in links:
            bad.append("link %d (type %s)" % (o["id"], o.get("type")))
    for o in bpftool("prog"):
        if (sonde_name(o.get("name", ""), "prog") and o.get("loaded_at", 0) >= since
                and o["id"] not in progs and not set(o.get("map_ids", [])) & maps):
            bad.append("prog %d %s" % (o["id"], o.get("name")))
    for o in bpftool("map"):
        if sonde_name(o.get("name", ""), "map") and o["id"] not in maps:
            # maps have no load time: only those of a leaked program count,
            # or ones no program uses (checked by id against all programs)
            users = [p for p in bpftool("prog") if o["id"] in p.get("map_ids", [])]
            if not users and o["id"] > since_map_id:
                bad.append("map %d %s" % (o["id"], o.get("name")))
    return bad


def probe_events():
    out = []
    for f in ("kprobe_events", "uprobe_events"):
        try:
            with open("/sys/kernel/tracing/" + f) as fh:
                out += fh.read().splitlines()
        except OSError:
            pass
    return set(out)


def max_map_id():
    return max([o["id"] for o in bpftool("map")] or [0])


def run_case(name, prog, action, expect_rc, env=None):
    global since_map_id
    since = int(time.time()) - 1
    since_map_id = max_map_id()
    events_before = probe_events()
    p = subprocess.Popen([SONDE, "-e", prog], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, **(env or {})))
    if action:
        # wait for "Attached", then act
        line = p.stderr.readline()
        if not line.startswith("Attached"):
            p.kill()
            return "did not attach: " + line.strip()
        time.sleep(0.3)
        action(p)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return "sonde did not end within 10 s"
    if expect_rc is not None and p.returncode != expect_rc:
        return "exit status %d, expected %d: %s" % (p.returncode, expect_rc, err.strip())
    for _ in range(50):
        bad = leaks(since)
        if not bad:
            break
        time.sleep(0.1)
    extra = probe_events() - events_before
    extra = [e for e in extra if ("_%d_" % p.pid) in e]
    if bad or extra:
        return "left behind: " + ", ".join(bad + extra)
    return None


def sig(s):
    return lambda p: p.send_signal(s)


def traced_crash(p):
    """A traced process dies of SIGSEGV; sonde goes on, then Ctrl-C."""
    subprocess.run(["python3", "-c", "import os, signal; os.getpid(); "
                    "os.kill(os.getpid(), signal.SIGSEGV)"])
    time.sleep(0.2)
    if p.poll() is None:
        p.send_signal(signal.SIGINT)


CASES = [
    ("exit() in a probe", PROGS + "interval:ms:300 { exit(); }", None, 0),
    ("exit() in BEGIN", "BEGIN { @x = 1; exit(); }", None, 0),
    ("SIGINT", FOREVER, sig(signal.SIGINT), 0),
    ("SIGTERM", FOREVER, sig(signal.SIGTERM), 0),
    ("SIGHUP", FOREVER, sig(signal.SIGHUP), 0),
    ("SIGKILL", FOREVER, sig(signal.SIGKILL), -9),
    ("SIGKILL with a uprobe_multi link", UPROBES, sig(signal.SIGKILL), -9),
    ("SIGINT with a uprobe_multi link", UPROBES, sig(signal.SIGINT), 0),
] + ([
    ("SIGKILL with a usdt uprobe_multi link", USDTS, sig(signal.SIGKILL), -9),
    ("SIGTERM with a usdt uprobe_multi link", USDTS, sig(signal.SIGTERM), 0),
] if os.access(USDT_MANY, os.X_OK) else []) + [
    ("crash of the traced process", FOREVER, traced_crash, 0),
    ("attach failure after a good probe",
     "tracepoint:syscalls:sys_enter_getpid { @n = count(); }\n"
     "profile:hz:2000000000 { @p = count(); }", None, 1),
    # libc's pthread_spin_lock starts with an instruction uprobes refuse
    ("attach failure after a uprobe_multi link",
     UPROBES + "uprobe:libc:pthread_spin_* { @s = count(); }", None, 1),
    ("compile error", "BEGIN { @x = 1; @x = \"s\"; }", None, 1),
    ("verifier rejection", PROGS, None, 1, {"SONDE_TEST_BAD_ACCESS": "1"}),
]

since_map_id = 0
failed = 0
for case in CASES:
    name = case[0]
    why = run_case(*case)
    print("%s %s%s" % ("FAIL" if why else "PASS", name, ": " + why if why else ""))
    failed += bool(why)
print("%d passed, %d failed" % (len(CASES) - failed, failed))
sys.exit(1 if failed else 0)

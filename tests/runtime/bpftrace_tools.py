#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run `sonde --dry-run` over every bpftrace tool installed in /usr/sbin.

Usage: bpftrace_tools.py SONDE [DIR]

Each tool has an expected outcome: the tools in MUST_COMPILE compile, load
and attach (tracepoints, uprobes, profile...); the others may instead fail
with an error that only says this kernel or system lacks something
(kprobes, a kernel function, a library function, a symbol), as bpftrace
fails the same way, or with their KNOWN error. A tool may always do better
than expected (a kernel with kprobes; a later sonde fixing a known gap).
Anything else prints `UNEXPECTED tool: error` and the harness fails.
Prints `done` at the end.
"""

import glob
import os
import re
import subprocess
import sys

# What this kernel or system may lack: bpftrace fails the same way.
KERNEL_LACKS = [
    r"kprobes are not available: .*",
    r"kernel function not found: .*",
    r"could not find function '[^']+' in .*",
    r"Could not resolve symbol: .*",
    r"Failed to resolve kernel symbol: .*",
    r"fentry/fexit are not available.*",
]

# Tracepoint, uprobe (libc, bash) and profile tools: any error is a regression.
MUST_COMPILE = {
    "bashreadline", "bitesize", "cpuwalk", "execsnoop", "gethostlatency",
    "killsnoop", "naptime", "opensnoop", "pidpersec", "setuids", "statsnoop",
    "syncsnoop", "syscount", "writeback",
}

# Known failures that are not the kernel's: (tool, error regex, why).
KNOWN = {
    # Debian's 0.17 tools use variables after the block that set them:
    # current bpftrace scopes variables to blocks and fails the same way.
    "tcpconnect": r"Undefined or undeclared variable: \$saddr",
    "tcpdrop": r"Undefined or undeclared variable: \$saddr",
    # TASK_RUNNING is not in the uapi headers nor BTF (bpftrace 0.17 fails
    # on the header; current tools #define it themselves).
    "runqlat": r"Unknown identifier: 'TASK_RUNNING'",
    # Kernel 6.14 renamed cfs_rq.nr_running; bpftrace gives the same error.
    "runqlen": r"Struct/union of type 'struct cfs_rq' does not contain a field "
               r"named 'nr_running'",
}


def first_error(stderr):
    for line in stderr.splitlines():
        m = re.search(r"ERROR: (.*)", line)
        if m:
            return m.group(1)
    return stderr.strip().splitlines()[-1] if stderr.strip() else "exit status"


def main():
    sonde = sys.argv[1]
    tools = sorted(glob.glob(os.path.join(sys.argv[2] if len(sys.argv) > 2
                                          else "/usr/sbin", "*.bt")))
    bad = 0
    for path in tools:
        name = os.path.basename(path)[:-3]
        try:
            r = subprocess.run([sonde, "--dry-run", "-q", path],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, timeout=60)
            err = None if r.returncode == 0 else first_error(r.stderr)
        except subprocess.TimeoutExpired:
            err = "timed out"
        if err is None:
            print(f"{name}: ok")
            continue
        allowed = [] if name in MUST_COMPILE else KERNEL_LACKS
        allowed = allowed + ([KNOWN[name]] if name in KNOWN else [])
        if any(re.fullmatch(a, err) for a in allowed):
            print(f"{name}: fails as expected: {err}")
        else:
            print(f"UNEXPECTED {name}: {err}")
            bad += 1
    print(f"{len(tools)} tools, {bad} unexpected")
    print("done")


if __name__ == "__main__":
    main()

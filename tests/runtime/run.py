#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""End-to-end test harness for sonde (python3, stdlib only).

Usage: run.py --sonde PATH [--filter REGEX] [-v] FILE.test...

A .test file holds blocks separated by blank lines. Lines starting with
'#' are comments. Each block is a set of `KEY value` lines; a line that
starts with whitespace continues the previous value on a new line.

  NAME name                 test name (required)
  PROG text                 program, run as `sonde -e text`
  RUN cmd                   shell command instead of PROG; {{SONDE}} is the
                            binary, {{DIR}} the directory of the .test file
  EXPECT line               a stdout line equal to `line` (may repeat)
  EXPECT_REGEX re           a stdout line fully matching `re`
  EXPECT_NONE line          no stdout line equals `line`
  EXPECT_NONE_REGEX re      no stdout line fully matches `re`
  EXPECT_FILE path          stdout equals the file (path relative to .test)
  EXPECT_STDERR line        a stderr line equal to `line`
  EXPECT_STDERR_REGEX re    a stderr line fully matching `re`
  EXIT_CODE n               expected exit status (default 0)
  TIMEOUT s                 seconds before the test counts as hung (default
                            5, or INTERRUPT_AFTER + 5). On expiry sonde
                            gets SIGINT (like Ctrl-C) so it prints its
                            report, and the test fails.
  INTERRUPT_AFTER s         send SIGINT on purpose s seconds after sonde
                            printed "Attached N probe(s)" on stderr
  AFTER cmd                 shell command started once "Attached" appeared
  BEFORE cmd                shell command run (to completion) before sonde
  ENV K=V                   environment for sonde (may repeat)
  REQUIRES cmd              skip the test unless cmd exits 0

Every test runs in its own process group (SIGINT goes to the whole group,
as a terminal does); leftovers are killed with SIGKILL. Prints PASS/FAIL/
SKIP per test and ends with `N passed, N failed[, N skipped]`.
"""

import argparse
import difflib
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time

KEYS_SINGLE = {"NAME", "PROG", "RUN", "EXIT_CODE", "TIMEOUT",
               "INTERRUPT_AFTER", "EXPECT_FILE"}
KEYS_MULTI = {"EXPECT", "EXPECT_REGEX", "EXPECT_NONE", "EXPECT_NONE_REGEX",
              "EXPECT_STDERR", "EXPECT_STDERR_REGEX", "AFTER", "BEFORE",
              "ENV", "REQUIRES"}
ATTACHED_RE = re.compile(r"^Attached \d+ probes?$")
GRACE = 5.0          # seconds between SIGINT and SIGKILL
DRAIN = 1.0          # seconds to keep reading pipes after sonde exited


class TestFileError(Exception):
    pass


class Test:
    def __init__(self, path, line):
        self.path = path
        self.line = line
        self.fields = {}

    def get(self, key, default=None):
        v = self.fields.get(key)
        if v is None:
            return default
        return v

    def all(self, key):
        return self.fields.get(key, [])


def parse_file(path):
    """Parse a .test file into a list of Test objects."""
    tests = []
    cur = None
    last_key = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for lineno, raw in enumerate(lines, 1):
        if raw.strip() == "":
            cur = None
            last_key = None
            continue
        if raw.lstrip().startswith("#") and not raw[:1].isspace():
            continue
        if raw[:1].isspace():
            if cur is None or last_key is None:
                raise TestFileError(f"{path}:{lineno}: continuation line "
                                    "without a key")
            cont = raw.strip()
            if last_key in KEYS_MULTI:
                cur.fields[last_key][-1] += "\n" + cont
            else:
                cur.fields[last_key] += "\n" + cont
            continue
        key, _, value = raw.partition(" ")
        if key not in KEYS_SINGLE and key not in KEYS_MULTI:
            raise TestFileError(f"{path}:{lineno}: unknown key {key!r}")
        if cur is None:
            cur = Test(path, lineno)
            tests.append(cur)
        if key in KEYS_MULTI:
            cur.fields.setdefault(key, []).append(value)
        else:
            if key in cur.fields:
                raise TestFileError(f"{path}:{lineno}: {key} given twice")
            cur.fields[key] = value
        last_key = key
    for t in tests:
        where = f"{t.path}:{t.line}"
        if "NAME" not in t.fields:
            raise TestFileError(f"{where}: block without NAME")
        if ("PROG" in t.fields) == ("RUN" in t.fields):
            raise TestFileError(f"{where}: need exactly one of PROG and RUN")
        for k in ("EXIT_CODE",):
            if k in t.fields and not re.fullmatch(r"-?\d+", t.fields[k]):
                raise TestFileError(f"{where}: {k} must be an integer")
        for k in ("TIMEOUT", "INTERRUPT_AFTER"):
            if k in t.fields:
                try:
                    float(t.fields[k])
                except ValueError:
                    raise TestFileError(f"{where}: {k} must be a number")
        for e in t.all("ENV"):
            if "=" not in e:
                raise TestFileError(f"{where}: ENV wants K=V, got {e!r}")
        for k in ("EXPECT_REGEX", "EXPECT_NONE_REGEX", "EXPECT_STDERR_REGEX"):
            for r in t.all(k):
                try:
                    re.compile(r)
                except re.error as err:
                    raise TestFileError(f"{where}: bad {k} {r!r}: {err}")
    return tests


def killpg(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def subst(cmd, sonde, test_dir):
    return cmd.replace("{{SONDE}}", shlex.quote(sonde)).replace(
        "{{DIR}}", shlex.quote(test_dir))


class Result:
    def __init__(self):
        self.stdout = ""
        self.stderr = ""
        self.rc = None
        self.timed_out = False
        self.interrupted = False
        self.attached = False
        self.killed = False
        self.elapsed = 0.0
        self.notes = []


def run_test(t, sonde, env_base):
    test_dir = os.path.dirname(os.path.abspath(t.path))
    env = dict(env_base)
    env["SONDE"] = sonde
    for e in t.all("ENV"):
        k, _, v = e.partition("=")
        env[k] = v
    if "PROG" in t.fields:
        argv = [sonde, "-e", t.fields["PROG"]]
    else:
        argv = ["/bin/bash", "-c", subst(t.fields["RUN"], sonde, test_dir)]

    interrupt_after = t.get("INTERRUPT_AFTER")
    interrupt_after = float(interrupt_after) if interrupt_after else None
    if "TIMEOUT" in t.fields:
        timeout = float(t.fields["TIMEOUT"])
    elif interrupt_after is not None:
        timeout = interrupt_after + 5
    else:
        timeout = 5.0

    res = Result()
    for cmd in t.all("BEFORE"):
        try:
            subprocess.run(["/bin/bash", "-c", subst(cmd, sonde, test_dir)],
                           cwd=test_dir, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30,
                           start_new_session=True)
        except subprocess.TimeoutExpired:
            res.notes.append(f"BEFORE command timed out: {cmd}")

    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=test_dir, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    pgid = proc.pid
    after_procs = []
    bufs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    open_fds = set(bufs)
    out_fd = proc.stdout.fileno()
    err_fd = proc.stderr.fileno()
    scanned = 0          # bytes of stderr already scanned for "Attached"
    attached_at = None
    sigint_at = None
    exited_at = None

    try:
        while open_fds:
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > DRAIN:
                break       # something in the group still holds the pipes
            if sigint_at is None:
                if now - start >= timeout:
                    res.timed_out = True
                    sigint_at = now
                    killpg(pgid, signal.SIGINT)
                elif (interrupt_after is not None and attached_at is not None
                      and now - attached_at >= interrupt_after):
                    res.interrupted = True
                    sigint_at = now
                    killpg(pgid, signal.SIGINT)
            elif not res.killed and now - sigint_at >= GRACE:
                res.killed = True
                killpg(pgid, signal.SIGKILL)
            ready, _, _ = select.select(list(open_fds), [], [], 0.05)
            for fd in ready:
                data = os.read(fd, 65536)
                if not data:
                    open_fds.discard(fd)
                    continue
                bufs[fd] += data
            if attached_at is None:
                eb = bufs[err_fd]
                nl = eb.rfind(b"\n")
                if nl >= scanned:
                    for ln in bytes(eb[scanned:nl]).split(b"\n"):
                        if ATTACHED_RE.match(ln.decode("utf-8", "replace")):
                            attached_at = time.monotonic()
                            res.attached = True
                            break
                    scanned = nl + 1
                if attached_at is not None:
                    for cmd in t.all("AFTER"):
                        after_procs.append(subprocess.Popen(
                            ["/bin/bash", "-c", subst(cmd, sonde, test_dir)],
                            cwd=test_dir, env=env_base,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            start_new_session=True))
        # Pipes closed (or drained); make sure the process is gone.
        try:
            remaining = timeout - (time.monotonic() - start)
            proc.wait(timeout=max(remaining, 0.1) if sigint_at is None
                      else GRACE)
        except subprocess.TimeoutExpired:
            if sigint_at is None:
                res.timed_out = True
                killpg(pgid, signal.SIGINT)
                try:
                    proc.wait(timeout=GRACE)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                res.killed = True
                killpg(pgid, signal.SIGKILL)
                proc.wait()
    finally:
        killpg(pgid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in after_procs:
            killpg(p.pid, signal.SIGKILL)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        proc.stdout.close()
        proc.stderr.close()

    res.elapsed = time.monotonic() - start
    res.rc = proc.returncode
    res.stdout = bufs[out_fd].decode("utf-8", "replace")
    res.stderr = bufs[err_fd].decode("utf-8", "replace")
    return res


def lines_of(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def describe_rc(rc):
    if rc is None:
        return "unknown"
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return str(rc)


def check(t, res):
    """Return a list of failure explanations (empty when the test passed)."""
    fails = []
    out = lines_of(res.stdout)
    err = lines_of(res.stderr)
    if res.timed_out:
        fails.append("timed out: sonde was still running after "
                     f"{t.get('TIMEOUT', 'the default')} s "
                     "(SIGINT sent; use INTERRUPT_AFTER to interrupt on "
                     "purpose)")
    if res.killed:
        fails.append(f"sonde ignored SIGINT for {GRACE:.0f} s; killed")
    if t.get("INTERRUPT_AFTER") is not None and not res.attached:
        fails.append("INTERRUPT_AFTER set but sonde never printed "
                     "'Attached N probe(s)' on stderr")
    if t.all("AFTER") and not res.attached:
        fails.append("AFTER set but sonde never printed "
                     "'Attached N probe(s)' on stderr")
    want_rc = int(t.get("EXIT_CODE", "0"))
    if res.rc != want_rc:
        fails.append(f"exit status {describe_rc(res.rc)}, want {want_rc}")
    for e in t.all("EXPECT"):
        if e not in out:
            fails.append(f"missing stdout line: {e!r}")
    for e in t.all("EXPECT_REGEX"):
        r = re.compile(e)
        if not any(r.fullmatch(ln) for ln in out):
            fails.append(f"no stdout line matches: {e!r}")
    for e in t.all("EXPECT_NONE"):
        if e in out:
            fails.append(f"unexpected stdout line: {e!r}")
    for e in t.all("EXPECT_NONE_REGEX"):
        r = re.compile(e)
        hits = [ln for ln in out if r.fullmatch(ln)]
        if hits:
            fails.append(f"stdout line {hits[0]!r} matches forbidden {e!r}")
    for e in t.all("EXPECT_STDERR"):
        if e not in err:
            fails.append(f"missing stderr line: {e!r}")
    for e in t.all("EXPECT_STDERR_REGEX"):
        r = re.compile(e)
        if not any(r.fullmatch(ln) for ln in err):
            fails.append(f"no stderr line matches: {e!r}")
    if "EXPECT_FILE" in t.fields:
        path = os.path.join(os.path.dirname(os.path.abspath(t.path)),
                            t.fields["EXPECT_FILE"])
        try:
            with open(path, encoding="utf-8") as f:
                want = f.read()
        except OSError as ex:
            fails.append(f"EXPECT_FILE: {ex}")
        else:
            if want != res.stdout:
                diff = difflib.unified_diff(
                    want.splitlines(keepends=True),
                    res.stdout.splitlines(keepends=True),
                    fromfile=t.fields["EXPECT_FILE"], tofile="stdout")
                text = "".join(d if d.endswith("\n") else d + "\\ no newline\n"
                               for d in diff)
                fails.append("stdout differs from EXPECT_FILE "
                             "(- expected, + actual):\n" + text.rstrip("\n"))
    return fails


def show_block(label, text):
    if text == "":
        return f"  --- {label}: (empty)\n"
    body = "".join(f"  | {ln}\n" for ln in text.split("\n")[:200])
    if text.endswith("\n"):
        body = body[: -len("  | \n")]
    return f"  --- {label}:\n{body}"


def requirements_met(t, env):
    test_dir = os.path.dirname(os.path.abspath(t.path))
    for cmd in t.all("REQUIRES"):
        try:
            r = subprocess.run(["/bin/bash", "-c", cmd], cwd=test_dir,
                               env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=30)
        except subprocess.TimeoutExpired:
            return cmd
        if r.returncode != 0:
            return cmd
    return None


def main():
    ap = argparse.ArgumentParser(description="sonde end-to-end tests")
    ap.add_argument("--sonde", required=True, help="path to the sonde binary")
    ap.add_argument("--filter", help="only run tests whose NAME matches")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show output of passing tests too")
    ap.add_argument("files", nargs="+", metavar="FILE.test")
    args = ap.parse_args()

    sonde = os.path.abspath(args.sonde)
    if not os.access(sonde, os.X_OK):
        print(f"run.py: {sonde}: not an executable", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sonde) + os.pathsep + env.get("PATH", "")
    env.setdefault("LC_ALL", "C")

    try:
        tests = [t for f in args.files for t in parse_file(f)]
    except (OSError, TestFileError) as ex:
        print(f"run.py: {ex}", file=sys.stderr)
        return 2
    if args.filter:
        r = re.compile(args.filter)
        tests = [t for t in tests if r.search(t.fields["NAME"])]

    passed = failed = skipped = 0
    for t in tests:
        name = t.fields["NAME"]
        missing = requirements_met(t, env)
        if missing is not None:
            print(f"SKIP {name} (REQUIRES failed: {missing})", flush=True)
            skipped += 1
            continue
        res = run_test(t, sonde, env)
        fails = check(t, res)
        if fails:
            failed += 1
            msg = [f"FAIL {name} ({t.path}:{t.line}, {res.elapsed:.1f}s)\n"]
            how = (t.fields.get("PROG") and "PROG " + t.fields["PROG"]) or \
                "RUN " + t.fields["RUN"]
            msg.append(f"  {how}\n")
            for f in fails:
                msg.append("  " + f.replace("\n", "\n  ") + "\n")
            msg.append(f"  exit status: {describe_rc(res.rc)}\n")
            msg.append(show_block("stdout", res.stdout))
            msg.append(show_block("stderr", res.stderr))
            sys.stdout.write("".join(msg))
        else:
            passed += 1
            print(f"PASS {name} ({res.elapsed:.1f}s)")
            if args.verbose:
                sys.stdout.write(show_block("stdout", res.stdout))
                sys.stdout.write(show_block("stderr", res.stderr))
        sys.stdout.flush()

    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check sonde's tseries JSON lines on stdin: each parses, each
interval_start is an ISO 8601 local time with ns; print each line with
the timestamps replaced by "TS" (or, with --values, each key's values)."""
import json
import re
import sys

for line in sys.stdin:
    d = json.loads(line)
    if d.get("type") != "tseries":
        continue
    for name, v in d["data"].items():
        series = v.values() if isinstance(v, dict) else [v]
        for s in series:
            for p in s:
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}",
                                    p["interval_start"]), p
                p["interval_start"] = "TS"
        if "--values" in sys.argv:
            for k, s in (v.items() if isinstance(v, dict) else [("", v)]):
                print(name, k, [p["value"] for p in s])
    if "--values" not in sys.argv:
        print(json.dumps(d))

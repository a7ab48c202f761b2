#!/bin/bash
# Reference solution: a small state machine over the log lines.
set -euo pipefail
cat > /tmp/index_exceptions.py <<'PY'
import csv, gzip, os, re

LOGS = "/app/logs"
ENTRY = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) (\w+) \[[^\]]*\] (\S+) - ")
EXC = re.compile(r"^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)(?:: (.*))?$")
FRAME = re.compile(r"^\tat (.+)$")
ACME_FRAME = re.compile(r"^(com\.acme\.[\w$.<>]+)\([^:()]*:(\d+)\)$")
CAUSED = re.compile(r"^Caused by: ([\w$.]+)(?:: (.*))?$")
MORE = re.compile(r"^\t\.\.\. \d+ more$")


def finish(entry, rows):
    if entry and entry["sections"]:
        secs = entry["sections"]
        origin = ""
        for frames in reversed([s["frames"] for s in secs]):
            acme = [f for f in frames if f.startswith("com.acme.")]
            if acme:
                origin = acme[0]
                break
        rows.append([entry["ts"], entry["file"], entry["level"], entry["logger"], secs[0]["cls"],
                     " ".join(secs[0]["msg"]), secs[-1]["cls"], origin])


def scan(name, lines, rows):
    entry = None
    for line in lines:
        line = line.rstrip("\n")
        m = ENTRY.match(line)
        if m:
            finish(entry, rows)
            entry = {"ts": f"{m[1]}T{m[2]}.{m[3]}", "file": name, "level": m[4], "logger": m[5],
                     "sections": [], "msg_open": False}
            continue
        if entry is None:
            continue
        secs = entry["sections"]
        if not secs:
            e = EXC.match(line)
            if e:
                secs.append({"cls": e[1], "msg": [e[2]] if e[2] else [], "frames": []})
                entry["msg_open"] = True
            else:
                entry = None  # not a stack trace
            continue
        f = FRAME.match(line)
        c = CAUSED.match(line)
        if f:
            a = ACME_FRAME.match(f[1])
            if a:
                secs[-1]["frames"].append(f"{a[1]}:{a[2]}")
            entry["msg_open"] = False
        elif c:
            secs.append({"cls": c[1], "msg": [], "frames": []})
            entry["msg_open"] = False
        elif MORE.match(line):
            entry["msg_open"] = False
        elif entry["msg_open"] and len(secs) == 1 and line.strip():
            secs[0]["msg"].append(line.strip())
    finish(entry, rows)


rows = []
for name in sorted(os.listdir(LOGS)):
    path = os.path.join(LOGS, name)
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        scan(name, fh, rows)
rows.sort(key=lambda r: (r[0], r[1]))
with open("/app/exceptions.csv", "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["timestamp", "file", "level", "logger", "exception", "message", "root_cause", "origin"])
    w.writerows(rows)
print(len(rows), "exceptions")
PY
python3 /tmp/index_exceptions.py

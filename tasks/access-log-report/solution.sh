#!/bin/bash
# Reference solution: parse the log with a strict regular expression in Python.
set -euo pipefail
cat > /tmp/report.py <<'PY'
import json, re
from collections import Counter

LINE = re.compile(
    r'^(?P<ip>\S+) \S+ \S+ \[[^\]]+\] "(?P<req>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+|-) "[^"]*" "[^"]*"$'
)
clients, classes, errors = Counter(), Counter({k: 0 for k in ("2xx", "3xx", "4xx", "5xx")}), Counter()
total = sent = 0
with open("/app/logs/access.log") as fh:
    for raw in fh:
        m = LINE.match(raw.rstrip("\n"))
        if not m:
            continue
        total += 1
        clients[m["ip"]] += 1
        status = int(m["status"])
        classes[f"{status // 100}xx"] += 1
        sent += 0 if m["bytes"] == "-" else int(m["bytes"])
        parts = m["req"].split()
        if status >= 500 and len(parts) == 3:
            errors[parts[1].split("?", 1)[0]] += 1
top = sorted(clients.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
report = {
    "total_requests": total,
    "unique_clients": len(clients),
    "top_clients": [{"ip": ip, "requests": n} for ip, n in top],
    "status_classes": dict(classes),
    "server_error_paths": dict(errors),
    "bytes_sent": sent,
}
with open("/app/report.json", "w") as fh:
    json.dump(report, fh, indent=2)
PY
python3 /tmp/report.py
cat /app/report.json

"""Checks /app/report.json against an independent parse of the access log."""
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

LOG = Path("/app/logs/access.log")
REPORT = Path("/app/report.json")
LOG_SHA256 = "b17fa1e185b6466e222eb0682e62418cb9ec2a57e0c8b3d4bb4477cfa31e2719"

FIELDS = re.compile(
    r'(\S+) (\S+) (\S+) \[(\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'"([^"]*)" (\d{3}) (-|\d+) "([^"]*)" "([^"]*)"'
)


def expected():
    valid = []
    for line in LOG.read_text().splitlines():
        m = FIELDS.fullmatch(line)
        if m:
            valid.append(m.groups())
    clients = Counter(g[0] for g in valid)
    classes = {k: 0 for k in ("2xx", "3xx", "4xx", "5xx")}
    errors = Counter()
    for g in valid:
        status = int(g[5])
        classes[str(status)[0] + "xx"] += 1
        if status >= 500:
            request = g[4].split(" ")
            if len(request) == 3:
                errors[request[1].partition("?")[0]] += 1
    ranked = sorted(clients, key=lambda ip: (-clients[ip], ip))
    return {
        "total_requests": len(valid),
        "unique_clients": len(clients),
        "top_clients": [{"ip": ip, "requests": clients[ip]} for ip in ranked[:5]],
        "status_classes": classes,
        "server_error_paths": dict(errors),
        "bytes_sent": sum(int(g[6]) for g in valid if g[6] != "-"),
    }


@pytest.fixture(scope="module")
def report():
    assert REPORT.is_file(), "/app/report.json was not written"
    return json.loads(REPORT.read_text())


def test_log_untouched():
    assert hashlib.sha256(LOG.read_bytes()).hexdigest() == LOG_SHA256


def test_keys(report):
    assert set(report) == {
        "total_requests", "unique_clients", "top_clients",
        "status_classes", "server_error_paths", "bytes_sent",
    }


def test_totals(report):
    exp = expected()
    assert report["total_requests"] == exp["total_requests"]
    assert report["unique_clients"] == exp["unique_clients"]
    assert report["bytes_sent"] == exp["bytes_sent"]


def test_top_clients(report):
    assert report["top_clients"] == expected()["top_clients"]


def test_status_classes(report):
    assert report["status_classes"] == expected()["status_classes"]


def test_server_error_paths(report):
    assert report["server_error_paths"] == expected()["server_error_paths"]

"""The service must load the repaired configuration with the intended values and serve."""
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import time
import urllib.request

import pytest

SERVICE = "/app/service.py"
SERVICE_SHA256 = "ad2cf819a9f855a8824f63332e367e4fcd83ecdb46d6aaa61a813a56441f18d1"

EXPECTED = {
    "host": "0.0.0.0",
    "port": 8080,
    "workers": 4,
    "database_url": "sqlite:////var/lib/inventory/inventory.db",
    "pool_size": 5,
    "token_secret": "9f%Kq2!x7Lm#4Rt8;zW",
    "session_ttl_seconds": 45 * 60,
    "log_level": "INFO",
    "log_file": "/var/log/inventory/service.log",
}


def load_service():
    spec = importlib.util.spec_from_file_location("inventory_service", SERVICE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_service_unchanged():
    with open(SERVICE, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == SERVICE_SHA256


def test_check_passes():
    p = subprocess.run(["python3", SERVICE, "--check"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == "config OK"


def test_intended_values():
    cfg = load_service().load("/app/config/service.ini")
    assert cfg == EXPECTED


def test_serves_health(tmp_path):
    # Serve on a spare port (an instance the agent left running may hold 8080);
    # test_intended_values already checks that the configured port is 8080.
    port = 18080
    text = open("/app/config/service.ini").read()
    patched, n = re.subn(r"(?m)^(\s*port\s*[=:]\s*)8080\s*$", rf"\g<1>{port}", text)
    if n != 1:
        patched, port = text, 8080
    cfg = tmp_path / "service.ini"
    cfg.write_text(patched)
    env = dict(os.environ, INVENTORY_CONFIG=str(cfg))
    proc = subprocess.Popen(["python3", SERVICE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.time() + 15
        body = None
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"service exited: {proc.stderr.read().decode()[-1000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body == {"status": "ok", "workers": 4, "log_level": "INFO"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    with open("/var/log/inventory/service.log") as fh:
        assert "GET /health" in fh.read()

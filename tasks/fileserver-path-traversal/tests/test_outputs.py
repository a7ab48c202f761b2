"""Attacks must not leak files from outside /app/public; normal downloads must still work."""
import http.client
import subprocess
import time
from pathlib import Path

import pytest

PORT = 8765
SECRET_MARKERS = [b"API_TOKEN", b"kb-secret-", b"root:x:0:0"]


@pytest.fixture(scope="module")
def server():
    proc = subprocess.Popen(
        ["python3", "/app/fileserver.py", str(PORT)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("server exited: " + proc.stderr.read().decode()[-1000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/files/index.html")
            conn.getresponse().read()
            break
        except OSError:
            time.sleep(0.2)
    yield
    proc.terminate()
    proc.wait(timeout=10)


def get(path):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
    conn.endheaders()
    resp = conn.getresponse()
    return resp.status, dict(resp.getheaders()), resp.read()


ATTACKS = [
    "/files/../config/secret.env",
    "/files/..%2fconfig%2fsecret.env",
    "/files/%2e%2e/config/secret.env",
    "/files/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/files//etc/passwd",
    "/files/%2fetc%2fpasswd",
    "/files/docs/../../config/secret.env",
    "/files/docs/%2e%2e/%2e%2e/config/secret.env",
    "/files/ops/secret.env",
    "/files/ops/../config/secret.env",
    "/download?name=/etc/passwd",
    "/download?name=../config/secret.env",
    "/download?name=..%2F..%2Fetc%2Fpasswd",
    "/download?name=ops/secret.env",
    "/download?name=docs/../../config/secret.env",
    "/download?name=%2Fapp%2Fconfig%2Fsecret.env",
]


def slug(text):
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


@pytest.mark.parametrize("path", ATTACKS, ids=[f"attack{i:02d}" for i in range(len(ATTACKS))])
def test_traversal_blocked(server, path):
    status, _, body = get(path)
    assert status in (403, 404), f"{path} -> {status}"
    for marker in SECRET_MARKERS:
        assert marker not in body


FILES = {
    "index.html": "text/html",
    "docs/guide v2.txt": "text/plain",
    "docs/runbook.md": "text/markdown",
    "img/logo.svg": "image/svg+xml",
}


@pytest.mark.parametrize("rel", sorted(FILES), ids=slug)
def test_files_still_served(server, rel):
    status, headers, body = get("/files/" + rel.replace(" ", "%20"))
    assert status == 200
    assert body == (Path("/app/public") / rel).read_bytes()
    assert headers["Content-Type"] == FILES[rel]
    assert headers["Content-Length"] == str(len(body))
    assert "Content-Disposition" not in headers


@pytest.mark.parametrize("query", ["docs/runbook.md", "docs%2Frunbook.md", "docs/guide%20v2.txt"], ids=slug)
def test_download_still_works(server, query):
    status, headers, body = get("/download?name=" + query)
    assert status == 200
    name = query.replace("%2F", "/").replace("%20", " ")
    assert body == (Path("/app/public") / name).read_bytes()
    assert headers["Content-Disposition"] == f'attachment; filename="{name.rsplit("/", 1)[-1]}"'


@pytest.mark.parametrize(
    "path", ["/files/docs", "/files/nope.txt", "/download?name=img", "/download", "/other"], ids=slug
)
def test_missing_is_404(server, path):
    assert get(path)[0] == 404


def test_nothing_removed():
    assert Path("/app/config/secret.env").is_file()
    assert Path("/app/public/index.html").is_file()
    assert Path("/app/public/docs/guide v2.txt").read_text().startswith("Onboarding guide")

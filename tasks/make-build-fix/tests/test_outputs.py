"""Builds /app with make and checks the result and the dependency handling."""
import hashlib
import os
import subprocess
import time
from pathlib import Path

APP = Path("/app")
SOURCES = {
    "main.c": "02c2b9e8fd630ddbc4a696f8ff5f0520967d39dc47d05653b6de908c7e83806d",
    "stats.c": "d841e29ba0044c1d2c34de6f1c58999c8e385ca899a98b8deff753758a1d9fa9",
    "stats.h": "eb44380c7514905f2ce39ca906a629987c67625ce0b52f93e0358f08c0be05cc",
}


def make(*args):
    return subprocess.run(["make", *args], cwd=APP, capture_output=True, text=True, timeout=60)


def fresh_build():
    make("clean")
    p = make()
    assert p.returncode == 0, p.stdout + p.stderr
    return p


def stats(text):
    return subprocess.run([str(APP / "bin/stats")], input=text, capture_output=True, text=True, timeout=10)


def test_sources_unchanged():
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (APP / "src").iterdir() if p.is_file()}
    assert got == SOURCES


def test_build_from_clean_tree():
    make("clean")
    for d in ("bin", "build"):
        assert not (APP / d).exists(), f"make clean left /app/{d}"
    fresh_build()
    assert os.access(APP / "bin/stats", os.X_OK)
    assert (APP / "build/main.o").is_file() and (APP / "build/stats.o").is_file()


def test_program_output():
    fresh_build()
    p = stats("1\n2\n3\n4\n5\n")
    assert p.returncode == 0
    assert p.stdout.strip() == "count=5 mean=3.0000 stddev=1.4142 min=1.0000 max=5.0000"
    p = stats("-2.5\n\n10\n")
    assert p.stdout.strip() == "count=2 mean=3.7500 stddev=6.2500 min=-2.5000 max=10.0000"


def test_up_to_date_after_build():
    fresh_build()
    assert make("-q").returncode == 0, "make -q says the tree is out of date right after a build"


def test_header_change_rebuilds():
    fresh_build()
    now = time.time()
    outputs = [APP / "build/main.o", APP / "build/stats.o", APP / "bin/stats"]
    for p in outputs + [APP / "src/main.c", APP / "src/stats.c"]:
        os.utime(p, (now - 300, now - 300))
    os.utime(APP / "src/stats.h", (now - 100, now - 100))
    assert make("-q").returncode != 0, "make does not notice the changed header"
    p = make()
    assert p.returncode == 0, p.stdout + p.stderr
    for out in outputs:
        assert out.stat().st_mtime > now - 100, f"{out} was not rebuilt after stats.h changed"
    assert make("-q").returncode == 0


def test_clean_removes_outputs():
    fresh_build()
    assert make("clean").returncode == 0
    assert not (APP / "bin").exists()
    assert not (APP / "build").exists()

"""mdtoc must be installed as a proper, dependency-free distribution."""
import glob
import importlib.metadata
import os
import shutil
import subprocess

import pytest

GUIDE = "/app/docs/guide.md"
EXPECTED_TOC = """- [Guide](#guide)
  - [Install](#install)
  - [Usage](#usage)
    - [Options](#options)
    - [Examples](#examples)
  - [Usage](#usage-1)
- [FAQ: what's new?](#faq-whats-new)
"""


def run(*cmd, cwd="/"):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(list(cmd), capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_command_on_path():
    assert shutil.which("mdtoc"), "mdtoc is not on the PATH"
    p = run("mdtoc", GUIDE)
    assert p.returncode == 0, p.stderr
    assert p.stdout == EXPECTED_TOC


def test_max_level_option():
    p = run("mdtoc", "--max-level", "2", GUIDE)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "".join(l + "\n" for l in EXPECTED_TOC.splitlines() if not l.startswith("    "))


def test_version_flag():
    p = run("mdtoc", "--version")
    assert p.returncode == 0
    assert p.stdout.strip() == "mdtoc 1.2.0"


def test_module_entry_point_from_anywhere():
    p = run("python3", "-m", "mdtoc", GUIDE, cwd="/tmp")
    assert p.returncode == 0, p.stderr
    assert p.stdout == EXPECTED_TOC


def test_installed_metadata():
    p = run("python3", "-c",
            "import importlib.metadata as m, mdtoc; d = m.distribution('mdtoc');"
            "print(d.version); print(d.requires or []); print(mdtoc.__file__)")
    assert p.returncode == 0, p.stderr
    version, requires, location = p.stdout.splitlines()
    assert version == "1.2.0"
    assert requires == "[]"
    eps = [e for e in importlib.metadata.distribution("mdtoc").entry_points if e.group == "console_scripts"]
    assert [(e.name, e.value) for e in eps] == [("mdtoc", "mdtoc.cli:main")]


def test_wheel_builds_offline(tmp_path):
    p = run("python3", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
            "-w", str(tmp_path), "/app")
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert [os.path.basename(w) for w in glob.glob(str(tmp_path / "*.whl"))] == ["mdtoc-1.2.0-py3-none-any.whl"]

"""Behaviour tests for /app/rotate-backups.sh, run on fresh directories."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = "/app/rotate-backups.sh"


@pytest.fixture
def bdir(tmp_path):
    d = tmp_path / "nightly backups [prod] & more" / "db $HOME"
    d.mkdir(parents=True)
    return d


def make(d, names):
    # modification times run opposite to the names' timestamps
    for i, n in enumerate(sorted(names)):
        p = d / n
        p.write_text(n)
        t = 2_000_000_000 - i * 3600
        os.utime(p, (t, t))


def run(*args):
    return subprocess.run([SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=30)


def stamps(name, days):
    return [f"{name}-202403{d:02d}-0{d % 10}3000.tar.gz" for d in days]


def test_script_is_executable():
    assert os.access(SCRIPT, os.X_OK)
    with open(SCRIPT) as fh:
        assert "bash" in fh.readline()


def test_keeps_seven_newest_by_name_timestamp(bdir):
    files = stamps("db", range(1, 11))
    make(bdir, files)
    p = run(bdir)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == files[:3]
    assert sorted(os.listdir(bdir)) == files[3:]


def test_groups_and_keep_option(bdir):
    db = stamps("db", [1, 2, 3, 4])
    web = stamps("web-assets", [5, 6, 7])
    mail = stamps("mail_2", [9])
    make(bdir, db + web + mail)
    p = run("--keep", 2, bdir)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == sorted(db[:2] + web[:1])
    assert sorted(os.listdir(bdir)) == sorted(db[2:] + web[1:] + mail)


def test_same_day_uses_time_of_day(bdir):
    files = ["app-20240301-235959.tar.gz", "app-20240301-000001.tar.gz", "app-20240302-120000.tar.gz"]
    make(bdir, files)
    p = run("--keep", 1, bdir)
    assert p.returncode == 0
    assert p.stdout.splitlines() == ["app-20240301-000001.tar.gz", "app-20240301-235959.tar.gz"]
    assert os.listdir(bdir) == ["app-20240302-120000.tar.gz"]


def test_other_files_untouched(bdir):
    backups = stamps("db", range(1, 5))
    others = [
        "notes.txt",
        "db-20240101.tar.gz",
        "db-20240101-120000.tar.gz.partial",
        "db 20240101-120000.tar.gz",
        "DB-20200101-000000.tar.bz2",
    ]
    make(bdir, backups + others)
    (bdir / "db-20200101-000000.tar.gz").mkdir()
    p = run("--keep", 1, bdir)
    assert p.returncode == 0
    assert p.stdout.splitlines() == backups[:3]
    assert sorted(os.listdir(bdir)) == sorted(backups[3:] + others + ["db-20200101-000000.tar.gz"])


def test_dry_run_deletes_nothing(bdir):
    files = stamps("db", range(1, 10))
    make(bdir, files)
    p = run("--dry-run", "--keep", 5, bdir)
    assert p.returncode == 0
    assert p.stdout.splitlines() == files[:4]
    assert sorted(os.listdir(bdir)) == files


def test_nothing_to_delete(bdir):
    files = stamps("db", [1, 2])
    make(bdir, files)
    p = run(bdir)
    assert p.returncode == 0
    assert p.stdout == ""
    assert sorted(os.listdir(bdir)) == files


@pytest.mark.parametrize("args", [["--keep", "0"], ["--keep", "abc"], ["--keep", "-3"], ["--force"], []])
def test_usage_errors(bdir, args):
    files = stamps("db", range(1, 10))
    make(bdir, files)
    p = run(*args, *([bdir] if args else []))
    assert p.returncode == 2
    assert p.stderr.strip() != ""
    assert sorted(os.listdir(bdir)) == files


def test_missing_directory(tmp_path):
    p = run(tmp_path / "does not exist")
    assert p.returncode == 2
    assert p.stderr.strip() != ""
    (tmp_path / "file.txt").write_text("x")
    p = run(tmp_path / "file.txt")
    assert p.returncode == 2
    assert (tmp_path / "file.txt").exists()

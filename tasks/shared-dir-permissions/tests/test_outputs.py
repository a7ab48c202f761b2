"""Checks users, groups, modes and what each user can actually do."""
import grp
import os
import pwd
import stat
import subprocess
import uuid

import pytest

ROOT = "/srv/reports"


def as_user(user, *cmd):
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=30)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_group_and_users():
    g = grp.getgrnam("analysts")
    assert g.gr_gid == 2100
    for name, uid in (("maria", 2101), ("tomas", 2102), ("auditor", 2103)):
        u = pwd.getpwnam(name)
        assert u.pw_uid == uid
        assert u.pw_shell == "/bin/bash"
        assert u.pw_dir == f"/home/{name}" and os.path.isdir(u.pw_dir)
    groups = {
        name: {x.gr_name for x in grp.getgrall() if name in x.gr_mem} | {grp.getgrgid(pwd.getpwnam(name).pw_gid).gr_name}
        for name in ("maria", "tomas", "auditor")
    }
    assert "analysts" in groups["maria"] and "analysts" in groups["tomas"]
    assert "analysts" not in groups["auditor"]


def test_ownership_everywhere():
    gid = grp.getgrnam("analysts").gr_gid
    for dirpath, dirnames, filenames in os.walk(ROOT):
        for p in [dirpath] + [os.path.join(dirpath, f) for f in filenames]:
            st = os.lstat(p)
            assert (st.st_uid, st.st_gid) == (0, gid), p


def test_modes():
    assert mode(ROOT) == 0o2771
    assert mode(f"{ROOT}/drafts") == 0o2770
    assert mode(f"{ROOT}/bin") == 0o2770
    assert mode(f"{ROOT}/published") == 0o2775
    assert mode(f"{ROOT}/2024-q1.csv") == 0o660
    assert mode(f"{ROOT}/2024-q2.csv") == 0o660
    assert mode(f"{ROOT}/drafts/notes.md") == 0o660
    assert mode(f"{ROOT}/published/q1.txt") == 0o664
    assert mode(f"{ROOT}/bin/build-report.sh") == 0o770


def test_contents_kept():
    with open(f"{ROOT}/2024-q2.csv") as fh:
        assert fh.read() == "region,revenue\nnorth,131000\nsouth,101750\n"
    with open(f"{ROOT}/published/q1.txt") as fh:
        assert fh.read().startswith("Q1 2024 summary")


def test_analysts_collaborate():
    name = f"{ROOT}/drafts/maria-{uuid.uuid4().hex}.txt"
    try:
        assert as_user("maria", "sh", "-c", f"echo draft > {name}").returncode == 0
        assert grp.getgrgid(os.stat(name).st_gid).gr_name == "analysts"
        assert as_user("tomas", "cat", name).stdout == "draft\n"
        assert as_user("tomas", "ls", ROOT).returncode == 0
        assert as_user("tomas", "sh", "-c", f"echo more >> {ROOT}/2024-q1.csv.tmp && rm {ROOT}/2024-q1.csv.tmp").returncode == 0
    finally:
        if os.path.exists(name):
            os.remove(name)


def test_analysts_run_build_script():
    p = as_user("tomas", f"{ROOT}/bin/build-report.sh")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == "region,revenue"
    assert len(p.stdout.splitlines()) == 5


def test_auditor_limited():
    assert as_user("auditor", "ls", ROOT).returncode != 0
    assert as_user("auditor", "cat", f"{ROOT}/2024-q1.csv").returncode != 0
    assert as_user("auditor", "ls", f"{ROOT}/drafts").returncode != 0
    assert as_user("auditor", "ls", f"{ROOT}/published").returncode == 0
    p = as_user("auditor", "cat", f"{ROOT}/published/q1.txt")
    assert p.returncode == 0 and p.stdout.startswith("Q1 2024")
    assert as_user("auditor", "sh", "-c", f"echo x >> {ROOT}/published/q1.txt").returncode != 0
    assert as_user("auditor", "touch", f"{ROOT}/published/new.txt").returncode != 0
    assert as_user("auditor", f"{ROOT}/bin/build-report.sh").returncode != 0

"""The culprit must be named, reverted by a new commit, and the history kept."""
import subprocess
import sys
import tempfile

REPO = "/app/pricing"
ORIGINAL_TIP = "f874c7fe5b405ba23e7ae8b0c2f45042afe8728c"
FIRST_BAD = "79ba7446209cac9a87533989d2c85a98f8c7cfbf"


def git(*args, check=True):
    p = subprocess.run(["git", "-c", "safe.directory=*", "-C", REPO, *args], capture_output=True, text=True)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def changed_lines(diff):
    return [l for l in diff.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]


def test_first_bad_commit_named():
    with open("/app/first-bad-commit.txt") as fh:
        assert fh.read().strip() == FIRST_BAD


def test_history_kept():
    assert git("merge-base", "--is-ancestor", ORIGINAL_TIP, "main", check=False).returncode == 0
    assert git("rev-parse", "main").stdout.strip() != ORIGINAL_TIP, "no new commit on main"


def test_exact_revert():
    added = git("diff", ORIGINAL_TIP, "main").stdout
    undo = git("diff", FIRST_BAD, FIRST_BAD + "~1").stdout
    assert changed_lines(added) == changed_lines(undo)
    assert git("diff", "--name-only", ORIGINAL_TIP, "main").stdout.split() == ["pricing.py"]


def test_later_work_kept():
    src = git("show", "main:pricing.py").stdout
    for name in ("def with_vat", "def receipt_lines", "def available_coupons", "def round_up_to"):
        assert name in src


def test_suite_passes_on_main():
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-c", "safe.directory=*", "-C", REPO, "archive", "main"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        p = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=tmp, capture_output=True, text=True,
        )
        assert p.returncode == 0, p.stdout[-2000:]


def test_main_checked_out_and_clean():
    assert git("symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    assert git("status", "--porcelain").stdout.strip() == ""

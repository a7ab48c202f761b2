"""Checks that the lost commits are back on main and the reports branch exists again."""
import subprocess

REPO = "/app/ledger"


def git(*args):
    return subprocess.run(
        ["git", "-c", "safe.directory=*", "-C", REPO, *args],
        check=True, capture_output=True, text=True,
    ).stdout


def subjects(ref):
    return git("log", "--format=%s", ref).splitlines()


def show(ref, path):
    return git("show", f"{ref}:{path}")


def test_main_has_all_commits():
    s = subjects("main")
    for subject in [
        "Initial ledger skeleton",
        "Add transaction parsing",
        "Add balance calculation",
        "Add currency rounding",
        "Handle negative amounts",
        "Document the CLI in the README",
    ]:
        assert subject in s, f"main lacks commit {subject!r}"


def test_main_tip_has_combined_content():
    money = show("main", "money.py")
    assert "def round_currency(value):" in money
    assert "def format_amount(value):" in money
    assert "ROUND_HALF_UP" in money
    readme = show("main", "README.md")
    assert "## Usage" in readme
    assert "python3 -m ledger add" in readme
    ledger = show("main", "ledger.py")
    assert "def balance(self, account):" in ledger


def test_original_history_kept():
    # The three commits before the accident must be the originals, in order.
    s = subjects("main")
    base = s[s.index("Add balance calculation"):]
    assert base == ["Add balance calculation", "Add transaction parsing", "Initial ledger skeleton"]
    first = git("rev-list", "--max-parents=0", "main").split()
    assert len(first) == 1


def test_reports_branch_restored():
    branches = git("branch", "--format=%(refname:short)").split()
    assert "reports" in branches
    s = subjects("reports")
    assert s[0] == "Add CSV export for reports"
    assert "Add monthly report" in s
    assert "Add balance calculation" in s
    reports = show("reports", "reports.py")
    assert "def monthly_totals(entries):" in reports
    assert "def export_csv(totals, path):" in reports


def test_main_checked_out_and_clean():
    assert git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git("status", "--porcelain").strip() == ""

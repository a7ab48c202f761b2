#!/bin/bash
# Builds the starting repository: a small ledger project whose main branch was
# reset by two commits and whose `reports` branch was deleted.
set -euo pipefail
repo="$1"
git config --global user.name "Dana Ops"
git config --global user.email "dana@example.com"
git config --global init.defaultBranch main
git config --global --add safe.directory '*'
mkdir -p "$repo"
cd "$repo"
git init -q
n=0
commit() { # commit MESSAGE: author dates are fixed, one hour apart
  n=$((n + 1))
  git add -A
  GIT_AUTHOR_DATE="2024-03-0$(( (n + 8) / 9 ))T$(printf '%02d' $(( 8 + n % 9 ))):00:00Z" git commit -q -m "$1"
}

cat > ledger.py <<'PY'
"""A tiny double-entry ledger."""


class Ledger:
    def __init__(self):
        self.entries = []
PY
cat > README.md <<'MD'
# ledger

Small bookkeeping helpers used by the finance scripts.
MD
commit "Initial ledger skeleton"

cat > parse.py <<'PY'
def parse_line(line):
    """Parse 'date;account;amount' into a tuple."""
    date, account, amount = line.strip().split(";")
    return date, account, float(amount)
PY
commit "Add transaction parsing"

cat >> ledger.py <<'PY'

    def add(self, date, account, amount):
        self.entries.append((date, account, amount))

    def balance(self, account):
        return sum(a for _, acc, a in self.entries if acc == account)
PY
commit "Add balance calculation"
base=$(git rev-parse HEAD)

# The work that will be lost on main.
cat > money.py <<'PY'
from decimal import Decimal, ROUND_HALF_UP


def round_currency(value):
    """Round to cents, halves away from zero."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
PY
commit "Add currency rounding"
cat >> money.py <<'PY'


def format_amount(value):
    """Accounting style: negative amounts in parentheses."""
    v = round_currency(value)
    return f"({-v})" if v < 0 else f"{v}"
PY
commit "Handle negative amounts"

# The reports branch, started from the balance commit.
git checkout -q -b reports "$base"
cat > reports.py <<'PY'
from collections import defaultdict


def monthly_totals(entries):
    totals = defaultdict(float)
    for date, _account, amount in entries:
        totals[date[:7]] += amount
    return dict(totals)
PY
commit "Add monthly report"
cat >> reports.py <<'PY'


def export_csv(totals, path):
    with open(path, "w") as fh:
        fh.write("month,total\n")
        for month in sorted(totals):
            fh.write(f"{month},{totals[month]:.2f}\n")
PY
commit "Add CSV export for reports"

# The accident.
git checkout -q main
git reset -q --hard HEAD~2
cat >> README.md <<'MD'

## Usage

    python3 -m ledger add 2024-03-01 cash 12.50
MD
commit "Document the CLI in the README"
git branch -D reports >/dev/null

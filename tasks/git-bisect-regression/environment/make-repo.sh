#!/bin/bash
# Builds the starting repository: 29 commits with fixed identities and dates
# (so every commit hash is reproducible); "Simplify coupon handling" introduces a regression.
set -euo pipefail
repo="$1"
export GIT_AUTHOR_NAME="Sam Rivera" GIT_AUTHOR_EMAIL="sam@example.com"
export GIT_COMMITTER_NAME="Sam Rivera" GIT_COMMITTER_EMAIL="sam@example.com"
git config --global user.name "$GIT_AUTHOR_NAME"
git config --global user.email "$GIT_AUTHOR_EMAIL"
git config --global init.defaultBranch main
git config --global --add safe.directory '*'
mkdir -p "$repo" && cd "$repo"
git init -q
n=0
commit() {
  n=$((n + 1))
  export GIT_AUTHOR_DATE="2024-04-$(printf '%02d' $(( (n + 1) / 2 )))T$(printf '%02d' $(( 9 + (n % 2) * 5 ))):15:00+0000"
  export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
  git add -A
  git commit -q -m "$1"
}

mkdir -p tests docs
cat > pricing.py <<'PY'
"""Price quotes for the web shop."""

COUPONS = {"SAVE10": 10, "SAVE15": 15, "HALF": 50}


def subtotal(items):
    """items: list of (unit_price, quantity)."""
    return round(sum(price * qty for price, qty in items), 2)


def parse_coupon(code):
    return COUPONS.get(code.strip().upper(), 0) if code else 0


def apply_coupon(total, code):
    pct = parse_coupon(code)
    discounted = total * (100 - pct) / 100
    return round(discounted, 2)


def quote(items, code=None):
    return apply_coupon(subtotal(items), code)
PY
cat > tests/test_pricing.py <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pricing


def test_subtotal():
    assert pricing.subtotal([(2.50, 4), (0.99, 1)]) == 10.99


def test_coupon_percentage():
    assert pricing.apply_coupon(19.99, "SAVE15") == 16.99
    assert pricing.apply_coupon(10.00, "half") == 5.00


def test_unknown_coupon():
    assert pricing.apply_coupon(12.34, "BOGUS") == 12.34


def test_quote():
    assert pricing.quote([(19.99, 1), (5.01, 2)], "SAVE10") == 27.01
PY
printf '# pricing\n\nPrice quotes for the web shop.\n' > README.md
commit "Initial pricing module"
printf '\nRun the tests with `python3 -m pytest tests`.\n' >> README.md
commit "Document how to run the tests"
printf '# Changelog\n\n## 1.0\n- first release\n' > CHANGELOG.md
commit "Add changelog"
printf '# Coupons\n\nCoupons give a percentage off the subtotal.\n' > docs/coupons.md
commit "Document coupons"
sed -i 's/"HALF": 50}/"HALF": 50, "WELCOME5": 5}/' pricing.py
commit "Add WELCOME5 coupon"
printf '__pycache__/\n*.pyc\n' > .gitignore
commit "Ignore bytecode"
git tag -a v1.0 -m "Release 1.0"

add_fn() { # add_fn NAME BODY...: append a function at the end of pricing.py
  printf '\n\n%s\n' "$2" >> pricing.py
  commit "$1"
}
add_fn "Add VAT helper" 'def with_vat(amount, rate=0.2):
    return round(amount * (1 + rate), 2)'
printf -- '- VAT helper\n' >> CHANGELOG.md; commit "Update changelog"
add_fn "Add free shipping threshold" 'FREE_SHIPPING_FROM = 50.0


def shipping(total):
    return 0.0 if total >= FREE_SHIPPING_FROM else 4.95'
printf '\nShipping is free from 50.00.\n' >> docs/coupons.md; commit "Mention free shipping in the docs"
add_fn "Add currency formatting" 'def fmt(amount, symbol="EUR"):
    return f"{amount:,.2f} {symbol}"'
sed -i 's/    return COUPONS.get(code.strip().upper(), 0) if code else 0/    if not code:\n        return 0\n    return COUPONS.get(code.strip().upper(), 0)/' pricing.py
commit "Refactor coupon parsing"
printf -- '- currency formatting\n' >> CHANGELOG.md; commit "Update changelog again"
add_fn "Add loyalty points" 'def loyalty_points(total):
    return int(total // 10)'
printf '\n## Development\n\nUse Python 3.9 or newer.\n' >> README.md; commit "Note the Python version"
add_fn "Add bulk discount" 'def bulk_discount(qty):
    return 5 if qty >= 100 else 0'
printf -- '- loyalty points, bulk discount\n' >> CHANGELOG.md; commit "Changelog for loyalty and bulk"
# commit 18: the regression
sed -i 's|    discounted = total \* (100 - pct) / 100|    discounted = total * (100 - pct) // 100|' pricing.py
commit "Simplify coupon handling"
add_fn "Add receipt lines" 'def receipt_lines(items):
    return [f"{qty} x {price:.2f}" for price, qty in items]'
printf '\nSee docs/ for details.\n' >> README.md; commit "Point to the docs"
add_fn "Add minimum order check" 'MINIMUM_ORDER = 1.0


def meets_minimum(total):
    return total >= MINIMUM_ORDER'
printf -- '- receipt lines, minimum order\n' >> CHANGELOG.md; commit "Changelog for receipts"
add_fn "Add gift wrap fee" 'def gift_wrap_fee(items):
    return 2.5 if items else 0.0'
printf '\nCoupons cannot be combined.\n' >> docs/coupons.md; commit "Coupons cannot be combined"
add_fn "Add rounding helper" 'def round_up_to(amount, step=0.05):
    import math
    return round(math.ceil(amount / step) * step, 2)'
printf -- '- gift wrap, rounding helper\n' >> CHANGELOG.md; commit "Changelog for gift wrap"
add_fn "Add coupon listing" 'def available_coupons():
    return sorted(COUPONS)'
printf '\nUse `available_coupons()` to list codes.\n' >> docs/coupons.md; commit "Document coupon listing"
printf '\n## 1.1 (unreleased)\n' >> CHANGELOG.md; commit "Start 1.1 changelog"

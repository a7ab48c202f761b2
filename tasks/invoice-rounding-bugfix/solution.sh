#!/bin/bash
# Reference solution: compute with Decimal and ROUND_HALF_UP, discount before tax.
set -euo pipefail
cat > /app/invoicing/totals.py <<'PY'
"""Invoice arithmetic.

All money values are returned as decimal.Decimal, rounded to whole cents with
halves rounded away from zero (0.005 -> 0.01). Inputs may be int, str or Decimal.

An invoice is computed in this order:
    subtotal = sum of the line totals (each line total rounded to cents)
    discount = subtotal * discount_pct / 100, rounded to cents
    net      = subtotal - discount
    tax      = net * tax_rate / 100, rounded to cents
    total    = net + tax
"""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def to_money(value):
    """Round a value to cents."""
    return _dec(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity, unit_price):
    return to_money(_dec(quantity) * _dec(unit_price))


def invoice_total(lines, discount_pct=0, tax_rate=0):
    """lines: iterable of (quantity, unit_price). Returns a dict of Decimals."""
    subtotal = to_money(sum((line_total(q, p) for q, p in lines), Decimal(0)))
    discount = to_money(subtotal * _dec(discount_pct) / 100)
    net = subtotal - discount
    tax = to_money(net * _dec(tax_rate) / 100)
    return {
        "subtotal": subtotal,
        "discount": discount,
        "net": net,
        "tax": tax,
        "total": net + tax,
    }
PY
cd /app && python3 -m pytest -q

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


def to_money(value):
    """Round a value to cents."""
    return round(float(value), 2)


def line_total(quantity, unit_price):
    return to_money(quantity * float(unit_price))


def invoice_total(lines, discount_pct=0, tax_rate=0):
    """lines: iterable of (quantity, unit_price). Returns a dict of Decimals."""
    subtotal = sum(line_total(q, p) for q, p in lines)
    tax = to_money(subtotal * float(tax_rate) / 100)
    discount = to_money((subtotal + tax) * float(discount_pct) / 100)
    net = subtotal - discount
    return {
        "subtotal": to_money(subtotal),
        "discount": discount,
        "net": to_money(net),
        "tax": tax,
        "total": to_money(net + tax),
    }

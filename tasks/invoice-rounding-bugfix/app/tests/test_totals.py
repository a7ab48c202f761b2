from decimal import Decimal

from invoicing import invoice_total, line_total, to_money


def test_to_money_rounds_half_up():
    assert to_money("2.675") == Decimal("2.68")
    assert to_money("1.005") == Decimal("1.01")
    assert to_money(3) == Decimal("3.00")


def test_to_money_negative():
    assert to_money("-0.125") == Decimal("-0.13")


def test_line_total():
    assert line_total(3, "0.835") == Decimal("2.51")
    assert line_total(1, "19.99") == Decimal("19.99")


def test_invoice_without_discount():
    result = invoice_total([(2, "19.99"), (1, "5.00")], tax_rate=20)
    assert result == {
        "subtotal": Decimal("44.98"),
        "discount": Decimal("0.00"),
        "net": Decimal("44.98"),
        "tax": Decimal("9.00"),
        "total": Decimal("53.98"),
    }


def test_invoice_discount_before_tax():
    result = invoice_total([(2, "19.99"), (1, "5.00")], discount_pct=10, tax_rate=20)
    assert result["discount"] == Decimal("4.50")
    assert result["net"] == Decimal("40.48")
    assert result["tax"] == Decimal("8.10")
    assert result["total"] == Decimal("48.58")

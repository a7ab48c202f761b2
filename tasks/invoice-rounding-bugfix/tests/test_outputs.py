"""The project's own tests must pass unchanged, and the fix must be general."""
import hashlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, "/app")

PROJECT_TESTS = {"test_totals.py": "f72ee5c6e82e471afceb566b16a3abe61be638b91efead8ea7ee6b374d0c00ab"}


def test_project_tests_unchanged():
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in Path("/app/tests").iterdir()
        if p.is_file()
    }
    assert files == PROJECT_TESTS


def test_project_suite_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "/app/tests"],
        cwd="/app", capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_rounding_is_general():
    from invoicing import line_total, to_money

    assert to_money("0.125") == Decimal("0.13")
    assert to_money("10.0049") == Decimal("10.00")
    assert to_money(Decimal("-2.345")) == Decimal("-2.35")
    assert isinstance(to_money(1), Decimal)
    assert line_total(7, "1.115") == Decimal("7.81")
    assert line_total(0, "9.99") == Decimal("0.00")


def test_invoice_order_of_operations():
    from invoicing import invoice_total

    result = invoice_total([(3, "33.335"), (2, "0.50")], discount_pct="12.5", tax_rate="7.7")
    # line totals 100.01 (100.005 rounded up) + 1.00
    assert result["subtotal"] == Decimal("101.01")
    assert result["discount"] == Decimal("12.63")
    assert result["net"] == Decimal("88.38")
    assert result["tax"] == Decimal("6.81")
    assert result["total"] == Decimal("95.19")
    assert all(isinstance(v, Decimal) for v in result.values())


def test_empty_invoice():
    from invoicing import invoice_total

    result = invoice_total([], discount_pct=5, tax_rate=20)
    assert result["total"] == Decimal("0")
    assert result["subtotal"] == Decimal("0")

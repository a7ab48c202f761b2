from .totals import invoice_total, line_total, to_money

__all__ = ["invoice_total", "line_total", "to_money"]

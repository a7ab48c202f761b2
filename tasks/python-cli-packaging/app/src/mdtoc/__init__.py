"""mdtoc: a table of contents for Markdown files."""
from .toc import build_toc, slugify

__all__ = ["build_toc", "slugify"]

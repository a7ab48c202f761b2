import argparse
import sys

from . import build_toc
from .version import VERSION


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mdtoc", description="Print a table of contents for a Markdown file.")
    parser.add_argument("file", help="Markdown file ('-' for stdin)")
    parser.add_argument("--max-level", type=int, default=6, help="deepest heading level to include")
    parser.add_argument("--version", action="version", version=f"mdtoc {VERSION}")
    args = parser.parse_args(argv)
    if args.file == "-":
        text = sys.stdin.read()
    else:
        with open(args.file, encoding="utf-8") as fh:
            text = fh.read()
    sys.stdout.write(build_toc(text, args.max_level))
    return 0

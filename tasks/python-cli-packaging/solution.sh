#!/bin/bash
# Reference solution: no third-party dependency, the right entry point, a
# version attribute that exists, and a __main__ module.
set -euo pipefail
cd /app
sed -i 's/^dependencies = \["click>=8.0"\]$/dependencies = []/' pyproject.toml
sed -i 's/^mdtoc = "mdtoc.cli:mian"$/mdtoc = "mdtoc.cli:main"/' pyproject.toml
sed -i 's/^version = { attr = "mdtoc.__version__" }$/version = { attr = "mdtoc.version.VERSION" }/' pyproject.toml
cat > src/mdtoc/__main__.py <<'PY'
import sys

from .cli import main

sys.exit(main())
PY
python3 -m pip install --break-system-packages --no-build-isolation --no-index /app
cd / && mdtoc --version && python3 -m mdtoc /app/docs/guide.md

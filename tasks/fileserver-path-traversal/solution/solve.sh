#!/bin/bash
# Reference solution: resolve the real path and require it to stay under the real root.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

p = Path("/app/fileserver.py")
src = p.read_text()
old = """        path = os.path.join(ROOT, name)
        if not os.path.isfile(path):
"""
new = """        root = os.path.realpath(ROOT)
        if "\\x00" in name:
            self.send_error(404)
            return
        path = os.path.realpath(os.path.join(root, name.lstrip("/")))
        if os.path.commonpath([root, path]) != root or not os.path.isfile(path):
"""
assert old in src
p.write_text(src.replace(old, new))
PY
python3 -m py_compile /app/fileserver.py

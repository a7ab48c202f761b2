#!/bin/bash
# Reference solution: let git bisect run the tests, then revert the culprit.
set -euo pipefail
cd /app/pricing
git checkout -q main
git bisect start main v1.0
bad=$(git bisect run python3 -m pytest -q -p no:cacheprovider tests | awk '/is the first bad commit/ { print $1 }')
git bisect reset >/dev/null
test -n "$bad"
echo "$bad" > /app/first-bad-commit.txt
git revert --no-edit "$bad"
python3 -m pytest -q -p no:cacheprovider tests
git status --short

#!/bin/bash
# Verifier: runs the tests copied to /tests and writes the reward (1 = pass, 0 = fail).
# Everything needed (python3, pytest) is already in the image: no network is used here.
mkdir -p /logs/verifier
python3 -m pytest -p no:cacheprovider /tests/test_outputs.py -rA 2>&1 | tee /logs/verifier/test-stdout.txt
if [ "${PIPESTATUS[0]}" -eq 0 ]; then
  echo 1 > /logs/verifier/reward.txt
else
  echo 0 > /logs/verifier/reward.txt
fi

#!/bin/bash
# Runs the task's tests. The harness copies tests/ to $TEST_DIR after the agent has finished.
# Everything needed (python3, pytest) is already in the image: no network is used here.
TEST_DIR="${TEST_DIR:-/tests}"
python3 -m pytest -p no:cacheprovider "$TEST_DIR/test_outputs.py" -rA

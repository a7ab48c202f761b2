"""Runs /app/wordfreq against a Python reference, plainly and under ASan/UBSan."""
import os
import random
import re
import subprocess
from collections import Counter

import pytest

APP = "/app"
ASAN_BIN = "/tmp/wordfreq-asan"
SAN_ENV = dict(
    os.environ,
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=86",
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=87",
)


def reference(data: bytes, n: int = 10) -> str:
    counts = Counter(w.lower() for w in re.findall(rb"[A-Za-z0-9]+", data))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return "".join(f"{c} {w.decode()}\n" for w, c in top)


def corpus_many_words():
    rnd = random.Random(7)
    words = [f"w{i:05d}x" for i in range(30000)]
    text = " ".join(words) + "\n"
    text += " ".join(rnd.choice(words[:50]) for _ in range(5000))
    return text.encode()


CASES = {
    "simple": (b"the cat and the hat.\nThe END\n", ["5"]),
    "no_trailing_newline": (b"alpha beta beta gamma gamma gamma", ["3"]),
    "empty": (b"", ["4"]),
    "only_separators": (b"  ,,, ... \n\t!!\n", []),
    "fewer_than_n": (b"one two two", ["50"]),
    "long_words": (b"short " + b"A" * 100 + b" " + b"b" * 5000 + b" short " + b"A" * 100 + b"\n", ["5"]),
    "non_ascii": ("caf\u00e9 na\u00efve Stra\u00dfe caf\u00e9 X1y2-z3_x\n".encode(), ["10"]),
    "many_distinct": (corpus_many_words(), ["25"]),
    "ties": (b"b a c b a c d", ["3"]),
}


@pytest.fixture(scope="module")
def built():
    p = subprocess.run(["make", "-B", "wordfreq"], cwd=APP, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return os.path.join(APP, "wordfreq")


@pytest.fixture(scope="module")
def asan_built():
    p = subprocess.run(
        ["gcc", "-g", "-O1", "-fsanitize=address,undefined", "-fno-omit-frame-pointer",
         "-o", ASAN_BIN, os.path.join(APP, "wordfreq.c")],
        capture_output=True, text=True, timeout=120,
    )
    assert p.returncode == 0, p.stderr
    return ASAN_BIN


def run(binary, data, args, tmp_path, env=None):
    f = tmp_path / "input.txt"
    f.write_bytes(data)
    return subprocess.run([binary, str(f), *args], capture_output=True, timeout=60, env=env)


@pytest.mark.parametrize("case", sorted(CASES))
def test_output_matches_reference(built, case, tmp_path):
    data, args = CASES[case]
    p = run(built, data, args, tmp_path)
    assert p.returncode == 0, f"exit {p.returncode}: {p.stderr[-500:]!r}"
    assert p.stdout.decode() == reference(data, int(args[0]) if args else 10)


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_memory_errors(asan_built, case, tmp_path):
    data, args = CASES[case]
    p = run(asan_built, data, args, tmp_path, env=SAN_ENV)
    err = p.stderr.decode(errors="replace")
    assert "AddressSanitizer" not in err and "runtime error" not in err, err[-2000:]
    assert p.returncode == 0, err[-2000:]
    assert p.stdout.decode() == reference(data, int(args[0]) if args else 10)


def test_missing_file(built, tmp_path):
    p = subprocess.run([built, str(tmp_path / "nope.txt")], capture_output=True, timeout=30)
    assert p.returncode == 1
    assert p.stderr.strip()
    assert p.stdout == b""


@pytest.mark.parametrize("bad", [["0"], ["-3"], ["ten"], ["5x"]])
def test_bad_count(built, bad, tmp_path):
    p = run(built, b"a b c\n", bad, tmp_path)
    assert p.returncode == 2
    assert p.stderr.strip()


def test_no_arguments(built):
    p = subprocess.run([built], capture_output=True, timeout=30)
    assert p.returncode == 2
    assert p.stderr.strip()

/**
 * Real git repositories with a history of fixes and tests, built in a temporary folder for the
 * mining tests: a Python project with pytest, a Node project (`node --test`), a C project with make.
 * Each history mixes commits that make good tasks with ones that must be rejected, and says which.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RepoCommit {
  message: string;
  files: Record<string, string | null>;
  /** What mining must say about it: 'kept', or the start of the rejection reason. */
  expect: 'kept' | string;
}

export interface GeneratedRepo {
  dir: string;
  commits: (RepoCommit & { sha: string })[];
  remove(): void;
}

export function makeRepo(name: string, history: RepoCommit[]): GeneratedRepo {
  const dir = join(mkdtempSync(join(tmpdir(), 'kilobench-mine-')), name);
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
  }).trim();
  git('init', '-q', '-b', 'main');
  const commits: GeneratedRepo['commits'] = [];
  history.forEach((commit, i) => {
    for (const [path, content] of Object.entries(commit.files)) {
      const file = join(dir, path);
      if (content === null) rmSync(file, { force: true });
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    git('add', '-A');
    const date = `2026-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`;
    execFileSync('git', ['commit', '-q', '-m', commit.message], {
      cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, HOME: dir },
    });
    commits.push({ ...commit, sha: git('rev-parse', 'HEAD') });
  });
  return { dir, commits, remove: () => rmSync(dirname(dir), { recursive: true, force: true }) };
}

/** A small pricing library in Python: two real fixes, and commits that must be rejected. */
export function pythonHistory(): RepoCommit[] {
  return [
    {
      message: 'Pricing library with tests',
      expect: 'first commit',
      files: {
        'pytest.ini': '[pytest]\ntestpaths = tests\n',
        '.gitignore': 'local_settings.py\n',
        'pricing/__init__.py': '',
        'pricing/core.py': 'def subtotal(items):\n    return sum(price * qty for price, qty in items)\n\n\ndef discount(total, percent):\n    return total - total * percent / 100\n',
        'tests/test_core.py': 'from pricing.core import subtotal, discount\n\n\ndef test_subtotal():\n    assert subtotal([(2, 3), (1, 1)]) == 7\n\n\ndef test_discount():\n    assert discount(100, 10) == 90\n',
        '.env': 'API_TOKEN=super-secret-token\n',
      },
    },
    {
      message: 'Discount never goes below zero\n\nA 150% coupon gave customers money back.',
      expect: 'kept',
      files: {
        'pricing/core.py': 'def subtotal(items):\n    return sum(price * qty for price, qty in items)\n\n\ndef discount(total, percent):\n    return max(0, total - total * percent / 100)\n',
        'tests/test_core.py': 'from pricing.core import subtotal, discount\n\n\ndef test_subtotal():\n    assert subtotal([(2, 3), (1, 1)]) == 7\n\n\ndef test_discount():\n    assert discount(100, 10) == 90\n\n\ndef test_discount_never_negative():\n    assert discount(100, 150) == 0\n',
      },
    },
    {
      message: 'Tidy subtotal and add a test for an empty cart',
      expect: 'tests already pass before the fix',
      files: {
        'pricing/core.py': 'def subtotal(items):\n    total = 0\n    for price, qty in items:\n        total += price * qty\n    return total\n\n\ndef discount(total, percent):\n    return max(0, total - total * percent / 100)\n',
        'tests/test_core.py': 'from pricing.core import subtotal, discount\n\n\ndef test_subtotal():\n    assert subtotal([(2, 3), (1, 1)]) == 7\n\n\ndef test_empty_cart():\n    assert subtotal([]) == 0\n\n\ndef test_discount():\n    assert discount(100, 10) == 90\n\n\ndef test_discount_never_negative():\n    assert discount(100, 150) == 0\n',
      },
    },
    {
      message: 'Mention rounding in the README',
      expect: 'no test changes',
      files: { 'README.md': '# pricing\n\nPrices are rounded to cents.\n' },
    },
    {
      message: 'Add tax calculation rounded to cents',
      expect: 'kept',
      files: {
        'pricing/tax.py': 'from decimal import Decimal, ROUND_HALF_UP\n\n\ndef with_tax(amount, rate):\n    value = Decimal(str(amount)) * (1 + Decimal(str(rate)))\n    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))\n',
        'tests/test_tax.py': 'from pricing.tax import with_tax\n\n\ndef test_with_tax_rounds_half_up():\n    assert with_tax(10.05, 0.1) == 11.06\n\n\ndef test_no_tax():\n    assert with_tax(3, 0) == 3\n',
      },
    },
    {
      message: 'Speed up subtotal',
      expect: 'no test changes',
      files: {
        'pricing/core.py': 'def subtotal(items):\n    return sum(price * qty for price, qty in items)\n\n\ndef discount(total, percent):\n    return max(0, total - total * percent / 100)\n',
      },
    },
  ];
}

/** A Node project tested with `node --test` (no dependencies). */
export function nodeHistory(): RepoCommit[] {
  const pkg = JSON.stringify({ name: 'slugger', version: '1.0.0', private: true, scripts: { test: 'node --test test/' } }, null, 2) + '\n';
  return [
    {
      message: 'Slug helper',
      expect: 'first commit',
      files: {
        'package.json': pkg,
        'src/slug.js': "exports.slug = (text) => text.toLowerCase().replace(/ /g, '-');\n",
        'test/slug.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { slug } = require('../src/slug');\n\ntest('lower-cases and joins words', () => assert.strictEqual(slug('Hello World'), 'hello-world'));\n",
      },
    },
    {
      message: 'Slug drops punctuation and repeated spaces',
      expect: 'kept',
      files: {
        'src/slug.js': "exports.slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');\n",
        'test/slug.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { slug } = require('../src/slug');\n\ntest('lower-cases and joins words', () => assert.strictEqual(slug('Hello World'), 'hello-world'));\ntest('drops punctuation', () => assert.strictEqual(slug('Hello,  World!'), 'hello-world'));\n",
      },
    },
  ];
}

/** A C project with a Makefile `test` target. */
export function cHistory(): RepoCommit[] {
  const makefile = 'CFLAGS = -Wall -O0\n\ntest: test_stats\n\t./test_stats\n\ntest_stats: tests/test_stats.c src/stats.c src/stats.h\n\t$(CC) $(CFLAGS) -Isrc -o $@ tests/test_stats.c src/stats.c\n\n.PHONY: test\n';
  const header = 'int mean(const int *values, int n);\n';
  return [
    {
      message: 'Stats library',
      expect: 'first commit',
      files: {
        Makefile: makefile,
        '.gitignore': 'test_stats\n',
        'src/stats.h': header,
        'src/stats.c': '#include "stats.h"\n\nint mean(const int *values, int n) {\n  int sum = 0;\n  for (int i = 0; i < n; i++) sum += values[i];\n  return sum / n;\n}\n',
        'tests/test_stats.c': '#include <assert.h>\n#include <stdio.h>\n#include "stats.h"\n\nint main(void) {\n  int v[] = {1, 2, 3};\n  assert(mean(v, 3) == 2);\n  puts("ok");\n  return 0;\n}\n',
      },
    },
    {
      message: 'Mean of an empty list is 0 instead of a crash',
      expect: 'kept',
      files: {
        'src/stats.c': '#include "stats.h"\n\nint mean(const int *values, int n) {\n  if (n == 0) return 0;\n  int sum = 0;\n  for (int i = 0; i < n; i++) sum += values[i];\n  return sum / n;\n}\n',
        'tests/test_stats.c': '#include <assert.h>\n#include <stdio.h>\n#include "stats.h"\n\nint main(void) {\n  int v[] = {1, 2, 3};\n  assert(mean(v, 3) == 2);\n  assert(mean(v, 0) == 0);\n  puts("ok");\n  return 0;\n}\n',
      },
    },
  ];
}

/** Commits that must be rejected for what they are: a test that passes before the fix, and a code-only change. */
export function noTaskHistory(): RepoCommit[] {
  const [first] = pythonHistory();
  return [
    first!,
    {
      message: 'Tidy subtotal and add a test for an empty cart',
      expect: 'tests already pass before the fix',
      files: {
        'pricing/core.py': 'def subtotal(items):\n    total = 0\n    for price, qty in items:\n        total += price * qty\n    return total\n\n\ndef discount(total, percent):\n    return total - total * percent / 100\n',
        'tests/test_empty.py': 'from pricing.core import subtotal\n\n\ndef test_empty_cart():\n    assert subtotal([]) == 0\n',
      },
    },
    { message: 'Mention rounding in the README', expect: 'no test changes', files: { 'README.md': '# pricing\n' } },
  ];
}

/**
 * Ten fix commits on a Python project: seven real fixes, one whose new test passes before the fix,
 * one whose "fix" leaves its test failing, one with no test.
 */
export function tenFixHistory(): RepoCommit[] {
  const ops = Array.from({ length: 10 }, (_, i) => i + 1);
  const buggy = (n: number) => `def scale_${n}(x):\n    """Multiply by ${n}, then add one."""\n    return x * ${n}\n`;
  const fixed = (n: number) => `def scale_${n}(x):\n    """Multiply by ${n}, then add one."""\n    return x * ${n} + 1\n`;
  const test = (n: number) => `from mathkit.scale_${n} import scale_${n}\n\n\ndef test_scale_${n}_adds_one():\n    assert scale_${n}(2) == ${2 * n + 1}\n`;
  const history: RepoCommit[] = [{
    message: 'mathkit: scaling helpers',
    expect: 'first commit',
    files: {
      'pyproject.toml': '[project]\nname = "mathkit"\nversion = "0.1.0"\n',
      'mathkit/__init__.py': '',
      ...Object.fromEntries(ops.map((n) => [`mathkit/scale_${n}.py`, buggy(n)])),
      'tests/test_import.py': 'import mathkit\n\n\ndef test_import():\n    assert mathkit is not None\n',
    },
  }];
  for (const n of ops) {
    if (n === 4) {
      history.push({
        message: `scale_${n}: document and test zero`, expect: 'tests already pass before the fix',
        files: { [`mathkit/scale_${n}.py`]: `${buggy(n)}\n\n# scale_${n}(0) is 0.\n`, [`tests/test_scale_${n}.py`]: `from mathkit.scale_${n} import scale_${n}\n\n\ndef test_zero():\n    assert scale_${n}(0) == 0\n` },
      });
    } else if (n === 7) {
      history.push({
        message: `scale_${n}: attempt to add one`, expect: 'no test goes from failing to passing',
        files: { [`mathkit/scale_${n}.py`]: buggy(n).replace(`x * ${n}\n`, `x * ${n} + 0\n`), [`tests/test_scale_${n}.py`]: test(n) },
      });
    } else if (n === 9) {
      history.push({ message: `scale_${n}: add one`, expect: 'no test changes', files: { [`mathkit/scale_${n}.py`]: fixed(n) } });
    } else {
      history.push({ message: `scale_${n} forgets to add one\n\nCallers expect scale_${n}(x) == ${n}x + 1.`, expect: 'kept', files: { [`mathkit/scale_${n}.py`]: fixed(n), [`tests/test_scale_${n}.py`]: test(n) } });
    }
  }
  return history;
}

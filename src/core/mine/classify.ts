/**
 * Which changed files are tests, which are code, which hold secrets. By path only, the way people
 * name things: `tests/`, `test_x.py`, `x.test.js`, `x_test.c`…
 */

const TEST_DIR = /(^|\/)(tests?|__tests__|spec|specs|testing)\//i;
const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test\.[^/.]+|[^/]*\.(test|spec)\.[^/.]+|conftest\.py)$/i;

export function isTestPath(path: string): boolean {
  return TEST_DIR.test(path) || TEST_FILE.test(path);
}

/** Files that change no behaviour: a commit touching only these and tests has no code change. */
const DOC_FILE = /(\.(md|rst|txt|adoc)$|(^|\/)(LICENSE|LICENCE|AUTHORS|CHANGELOG|CHANGES|NEWS)[^/]*$|(^|\/)docs?\/)/i;

export function isDocPath(path: string): boolean {
  return DOC_FILE.test(path);
}

/** The usual places secrets live; never copied into a task. */
const SECRET_PATTERNS: RegExp[] = [
  /(^|\/)\.env(\.[^/]*)?$/i,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg)$/i,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /(^|\/)(credentials|secrets?)(\.[^/]*)?$/i,
  /(^|\/)\.(npmrc|pypirc|netrc|git-credentials|htpasswd)$/i,
  /(^|\/)\.(aws|ssh|gnupg|docker)\//i,
  /service[-_]account[^/]*\.json$/i,
];

export function isSecretPath(path: string): boolean {
  return SECRET_PATTERNS.some((p) => p.test(path));
}

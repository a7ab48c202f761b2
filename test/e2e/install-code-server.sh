#!/usr/bin/env bash
# Installs what the browser end-to-end test needs, once, into a cache outside the repository:
#   - Debian packages: chromium (driven by playwright-core), ripgrep (code-server's search), fonts, kerberos headers
#   - code-server 4.100.3 (VS Code 1.100.3, the last line on Node 20) from npm, built for this Node.
# Reused when present. Prints the code-server executable as its last line.
#   KILOBENCH_E2E_CACHE (default /var/cache/kilobench/e2e, else $XDG_CACHE_HOME/kilobench/e2e when not root)
# Offline notes (../shared/docs/VSCODE-E2E.md): @vscode/ripgrep would download rg from GitHub; it first looks for
# $TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-<target>.tar.gz, so Debian's rg is put there.
set -euo pipefail

CS_VERSION=4.100.3
if [ -n "${KILOBENCH_E2E_CACHE:-}" ]; then CACHE=$KILOBENCH_E2E_CACHE
elif [ "$(id -u)" = 0 ]; then CACHE=/var/cache/kilobench/e2e
else CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kilobench/e2e; fi
CSDIR="$CACHE/code-server-$CS_VERSION"
CS="$CSDIR/node_modules/.bin/code-server"
VS="$CSDIR/node_modules/code-server/lib/vscode"

need_apt=
command -v rg >/dev/null || need_apt=1
[ -x /usr/bin/chromium ] || need_apt=1
dpkg -s fonts-liberation >/dev/null 2>&1 || need_apt=1
if [ ! -x "$CS" ] || [ ! -x "$VS/node_modules/@vscode/ripgrep/bin/rg" ]; then
  [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/krb5.h ] || need_apt=1
fi
if [ -n "$need_apt" ]; then
  if [ "$(id -u)" != 0 ]; then echo "install-code-server: run as root once (apt-get: chromium ripgrep fonts-liberation libkrb5-dev)" >&2; exit 1; fi
  echo "install-code-server: apt-get install chromium ripgrep fonts-liberation libkrb5-dev pkg-config" >&2
  mkdir -p "$CACHE"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium ripgrep fonts-liberation libkrb5-dev pkg-config python3 make g++; } > "$CACHE/apt.log" 2>&1; then
    tail -20 "$CACHE/apt.log" >&2; echo "install-code-server: apt-get failed; log: $CACHE/apt.log" >&2; exit 1
  fi
fi

if [ ! -x "$CS" ] || [ ! -x "$VS/node_modules/@vscode/ripgrep/bin/rg" ]; then
  echo "install-code-server: npm install code-server@$CS_VERSION into $CSDIR (about a minute)" >&2
  rm -rf "$CSDIR"; mkdir -p "$CSDIR/.tmp"
  case "$(uname -m)" in x86_64) RG_TARGET=x86_64-unknown-linux-musl;; aarch64) RG_TARGET=aarch64-unknown-linux-musl;; *) echo "unsupported arch $(uname -m)" >&2; exit 1;; esac
  RG_CACHE="$CSDIR/.tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  echo '{"name":"kilobench-code-server","private":true}' > "$CSDIR/package.json"
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`; unsafe_perm: code-server's postinstall refuses root without it.
  if ! (cd "$CSDIR" && TMPDIR="$CSDIR/.tmp" npm_config_yes=true npm_config_unsafe_perm=true \
        npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > "$CSDIR/install.log" 2>&1); then
    tail -40 "$CSDIR/install.log" >&2
    echo "install-code-server: npm install failed; full log: $CSDIR/install.log" >&2
    exit 1
  fi
  rm -rf "$CSDIR/.tmp"
fi
test -x "$CS"
echo "$CS"

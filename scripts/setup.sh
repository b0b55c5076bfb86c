#!/usr/bin/env bash
# Set up arshif in this folder: a Python virtual environment (.venv) with arshif installed.
#   bash scripts/setup.sh          to build sites (Python only: the webfont and lunr.js are vendored)
#   bash scripts/setup.sh --test   also what the tests need: Chromium, Java, Node.js and the
#                                  npm packages (the checkers), test packages
# It installs only what is missing, so running it again is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=0
[ "${1:-}" = "--test" ] && for_tests=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1

missing_debs=()
deb_missing() { ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
if [ "$for_tests" = 1 ]; then
  command -v npm >/dev/null || missing_debs+=(nodejs npm)
  for package in chromium fonts-noto-core; do
    deb_missing "$package" && missing_debs+=("$package")
  done
  command -v java >/dev/null || missing_debs+=(default-jre-headless)
fi
if [ ${#missing_debs[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing_debs[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_debs[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
[ "$for_tests" = 1 ] && extras="[test]"
# The build's dependencies at the versions and hashes of requirements.lock, as the publishing
# workflow installs them: a snapshot built here is built with what CI builds it with.
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"

# node_modules (the tests' checkers) is reinstalled only when the lockfile changed since the last install.
if [ "$for_tests" = 1 ] && { [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.arshif-installed-lock; }; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.arshif-installed-lock
fi
echo "setup done"

#!/usr/bin/env bash
# Installs what fs-pickup and its tests need on a fresh Debian/Ubuntu machine:
# redis-server (the tests start their own on a free port), chromium (the pickup board's browser test drives it
# headless) and the npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_updated=""

# Installs a Debian package (the package lists are fetched once).
apt_install() {
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -qq
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$1" >/dev/null
}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "install: redis-server not found; installing Debian's redis-server package" >&2
  apt_install redis-server
fi
redis-server --version

if ! command -v chromium >/dev/null 2>&1; then
  echo "install: chromium not found; installing Debian's chromium package" >&2
  apt_install chromium
fi
chromium --version

npm ci --no-audit --no-fund

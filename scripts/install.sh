#!/usr/bin/env bash
# Installs what fs-pickup and its tests need on a fresh Debian/Ubuntu machine:
# redis-server (the tests start their own on a free port) and the npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "install: redis-server not found; installing Debian's redis-server package" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
redis-server --version

npm ci --no-audit --no-fund

#!/usr/bin/env bash
# Installs Debian's `chromium` package for the server's browser test, when it is missing.
# Idempotent and fast when Chromium is already there. Needs root (CI and the development
# machines run as root); prints the command to run otherwise.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "chromium is not installed; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null

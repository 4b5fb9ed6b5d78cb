#!/usr/bin/env bash
# Install Debian packages the test tooling needs: scripts/apt-install.sh PACKAGE...
# As root with apt-get (non-interactive); otherwise say which command would do it.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "apt-install.sh: $* is missing; install it with: sudo apt-get install $*" >&2
  exit 1
fi
echo "apt-install.sh: installing $*" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null

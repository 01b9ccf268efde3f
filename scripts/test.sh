#!/usr/bin/env bash
# Runs SimNet's whole test suite on a fresh machine: installs what the tests need, then tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The capture tests open SimNet's pcapng files with the real tshark (Debian package).
if ! command -v tshark >/dev/null 2>&1; then
  echo "Installing tshark (Debian package) for the capture tests..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tshark >/dev/null
fi

dotnet test SimNet.sln -c Release --logger "console;verbosity=normal"

# Every src/ project must pack into a complete package (scripts/check-packages.py says what complete means).
rm -rf artifacts/packages
dotnet pack SimNet.sln -c Release --no-build -o artifacts/packages
python3 scripts/check-packages.py artifacts/packages

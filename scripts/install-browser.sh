#!/usr/bin/env bash
# Debian's chromium and chromium-driver, for the browser test (tests/test_browser.py, marker `browser`).
# Idempotent: when /usr/bin/chromium and /usr/bin/chromedriver both run, nothing is installed. No browser download
# from anywhere but the distribution's own package archive. Needs root, or sudo that works without a password.
#   scripts/install-browser.sh
set -euo pipefail

works() {
    /usr/bin/chromium --version >/dev/null 2>&1 && /usr/bin/chromedriver --version >/dev/null 2>&1
}

if works; then
    /usr/bin/chromium --version
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser.sh: apt-get not found; install chromium and chromium-driver with this system's package manager" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "install-browser.sh: installing packages needs root (or password-less sudo); run it as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver

if ! works; then
    echo "install-browser.sh: chromium or chromedriver was installed but does not run" >&2
    exit 1
fi
/usr/bin/chromium --version

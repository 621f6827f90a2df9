#!/usr/bin/env bash
# Installs what building and running newsletter needs on Debian/Ubuntu: the C libraries
# (libcurl with OpenSSL, libxml2, zlib, SQLite) and, for the loopback test servers, aiosmtpd (and Selenium
# when chromium-driver is among the extra packages named on the command line).
# Does nothing when everything is there; needs root (or sudo) otherwise.
set -euo pipefail
packages=(libcurl4-openssl-dev libxml2-dev zlib1g-dev libsqlite3-dev pkg-config openssl "$@")
if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
# Selenium drives headless Chromium in the serve page tests (only when chromium-driver was asked for).
if dpkg -s chromium-driver >/dev/null 2>&1; then
    python3 -c 'import selenium' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check 'selenium==4.51.0'
fi

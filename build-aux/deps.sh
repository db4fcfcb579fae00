#!/usr/bin/env bash
# Installs the Debian 12 packages Copyist needs to build, test and run —
# only those that are missing. Used by both Quick start commands.
set -euo pipefail

packages=(
  # build
  gcc meson ninja-build pkg-config gettext desktop-file-utils appstream
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev
  libopenblas-dev libsqlite3-dev libjson-glib-dev libxlsxwriter-dev
  libarchive-dev libxml2-dev libuchardet-dev
  # tests: a headless display, a session bus, CJK fonts, sanitizer runtimes, the sqlite3 shell
  xvfb xauth dbus dbus-x11 fonts-noto-cjk libclang-rt-14-dev clang sqlite3 python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

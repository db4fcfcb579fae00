#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and open Copyist on the demo project.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/deps.sh
[ -f _build/build.ninja ] || meson setup _build
ninja -C _build

export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
demo="$PWD/_build/data/demo/demo.copyist"
args=()
[ -f "$demo" ] && args+=("$demo")

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "Built. No display is available here, so Copyist cannot open a window."
  echo "On a desktop, run: GSETTINGS_SCHEMA_DIR=$PWD/_build/data $PWD/_build/ui/copyist ${args[*]:-}"
  exit 0
fi
exec ./_build/ui/copyist "${args[@]}"

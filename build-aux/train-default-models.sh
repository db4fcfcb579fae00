#!/usr/bin/env bash
# Rebuilds the default models shipped in data/models/ from the demo
# catalogue, bit for bit: fixed seed, fixed epoch count (no time budget),
# one BLAS thread (OpenBLAS results may depend on the thread count).
#
#   bash build-aux/train-default-models.sh [BUILD_DIR]
#
# Takes a few minutes per model on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-_build}
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build" app/copyist-cli
cli="$build/app/copyist-cli"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 build-aux/make-demo-catalog.py --output "$work/demo-catalog.csv"
"$cli" import --project "$work/demo.copyist" "$work/demo-catalog.csv"

mkdir -p data/models
for field in description adcopy; do
  "$cli" train --project "$work/demo.copyist" --model vae --field "$field" \
    --epochs "${EPOCHS:-80}" --seed 1 --threads 1 --hidden 160 \
    --save-model "data/models/default-$field.cpmodel"
done
ls -l data/models
sha256sum data/models/*.cpmodel

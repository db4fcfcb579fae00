#!/bin/sh
# Import benchmark: 100 000 rows x 20 columns as CSV and XLSX, Copyist
# against pandas read_csv/read_excel on the same files, in one run.
#   build-aux/bench-import.sh [BUILDDIR] [--rows N]
# Needs python3-pandas and python3-openpyxl for the ratios (apt-get install -y
# python3-pandas python3-openpyxl); without them only Copyist's numbers print.
set -e
cd "$(dirname "$0")/.."
BUILD=${1:-_build}
[ $# -gt 0 ] && shift
[ -d "$BUILD" ] || meson setup "$BUILD" -Dui=false
ninja -C "$BUILD" tests/bench-import
exec "$BUILD/tests/bench-import" "$@"

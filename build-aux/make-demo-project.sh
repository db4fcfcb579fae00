#!/bin/sh
# make-demo-project.sh CLI CATALOG OUTPUT — a fresh demo project from the catalogue.
set -eu
cli=$1 catalog=$2 out=$3
rm -f "$out" "$out-wal" "$out-shm" "$out-journal"
"$cli" import --project "$out" "$catalog" >/dev/null

#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, in _build-fuzz) and
# runs each for a fixed time on its seed corpus (tests/fuzz/corpus/<target>)
# with its dictionary (tests/fuzz/<target>.dict) when there is one.
#
#   build-aux/fuzz.sh [-t SECONDS] [-j JOBS] [-k CORPUS_DIR] [TARGET...]
#
#   -t SECONDS   time per target (default 60; FUZZ_SECONDS overrides too)
#   -j JOBS      targets run side by side (default 1)
#   -k DIR       keep the corpus each run grows in DIR/<target> and start
#                from it next time (default: a temporary folder, dropped)
#   TARGET       e.g. table-csv project (default: every target)
#   FUZZ_TIMEOUT seconds one input may take (default 2). libFuzzer measures
#                wall time: on a machine loaded far beyond its cores, raise
#                it for long local runs so that waiting for a CPU is not
#                reported as a hang (CI keeps 2).
#
# A target fails on any crash, sanitizer report, leak, timeout (> FUZZ_TIMEOUT
# seconds for one input) or out-of-memory (> 2048 MB); the input that did it is kept in
# _build-fuzz/fuzz-artifacts/<target>/ and the log in _build-fuzz/fuzz-logs/.
# Prints executions, coverage (cov: edges, ft: features) and corpus size per
# target, writes them to _build-fuzz/fuzz-results.jsonl (read by
# build-aux/test.sh) and exits 1 when any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-2}
jobs=1
keep=""
while getopts "t:j:k:h" opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    k) keep=$OPTARG ;;
    *) sed -n '2,26p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

build=_build-fuzz
all_targets=(table-csv table-json table-xlsx table-ods import attrs text checkpoint project)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dui=false -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized || exit 1
fi
ninja -C "$build" || exit 1

mkdir -p "$build/fuzz-logs" "$build/fuzz-artifacts"
results="$build/fuzz-results.jsonl"
: > "$results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export G_DEBUG=gc-friendly

run_target() {
  local t=$1 bin="$build/tests/fuzz/fuzz-$1" seed="tests/fuzz/corpus/$1"
  local work log="$build/fuzz-logs/$1.log" art="$build/fuzz-artifacts/$1"
  if [ -n "$keep" ]; then work="$keep/$t"; else work="$tmp/$t"; fi
  mkdir -p "$work" "$art"
  local args=(-max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="$art/" -close_fd_mask=0)
  [ -f "tests/fuzz/$t.dict" ] && args+=(-dict="tests/fuzz/$t.dict")
  local start rc
  start=$(date +%s)
  "$bin" "${args[@]}" "$work" "$seed" > "$log" 2>&1
  rc=$?
  local execs cov ft corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  local result=OK note=""
  if [ $rc -ne 0 ] || grep -qE '^SUMMARY: |ERROR: libFuzzer' "$log"; then
    result=FAIL
  fi
  # libFuzzer's timeout is wall time. On a machine loaded far beyond its
  # cores an input can wait longer for a CPU than it runs: replay the
  # input alone, and call it a hang only if it also needs more than the
  # timeout of CPU time (or does not finish within ten timeouts).
  local unit
  unit=$(sed -n 's/.*Test unit written to \(.*timeout-[0-9a-f]*\).*/\1/p' "$log" | tail -1)
  if [ $result = FAIL ] && [ $rc -eq 70 ] && [ -n "$unit" ] && [ -f "$unit" ]; then
    local cpu replay_rc TIMEFORMAT='%U %S'
    cpu=$( { time "$bin" -timeout=$((timeout * 10)) -runs=1 "$unit" > "$log.replay" 2>&1; } 2>&1 )
    replay_rc=$(grep -c '^SUMMARY: ' "$log.replay")
    cpu=$(echo "$cpu" | awk '{ printf "%.2f", $1 + $2 }')
    if [ "$replay_rc" -eq 0 ] && awk -v c="$cpu" -v t="$timeout" 'BEGIN { exit !(c < t) }'; then
      result=OK
      note="stopped early: one input exceeded ${timeout}s of wall time but needs ${cpu}s of CPU (machine overloaded, not a hang)"
    fi
  fi
  printf '{"name": "fuzz-%s", "result": "%s", "seconds": %d, "execs": %s, "cov": %s, "ft": %s, "corpus": %s, "note": "%s"}\n' \
    "$t" "$result" "$(( $(date +%s) - start ))" "${execs:-0}" "${cov:-0}" "${ft:-0}" "${corp:-0}" "$note" >> "$results"
  [ -n "$note" ] && echo "=== fuzz-$t: $note"
  if [ $result = FAIL ]; then
    echo "=== fuzz-$t FAILED (exit $rc); log $log, input in $art/:"
    grep -E 'ERROR|SUMMARY|==[0-9]+==|CRITICAL|WARNING \*\*|Test unit written' "$log" | head -20
  fi
}

running=0
for t in "${targets[@]}"; do
  if [ ! -x "$build/tests/fuzz/fuzz-$t" ]; then
    echo "no fuzz target '$t' (targets: ${all_targets[*]})"
    printf '{"name": "fuzz-%s", "result": "FAIL"}\n' "$t" >> "$results"
    continue
  fi
  echo "=== fuzz-$t: ${seconds}s"
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"{'target':<18} {'result':<6} {'seconds':>7} {'executions':>11} {'exec/s':>7} {'cov':>6} {'ft':>7} {'corpus':>6}")
failed = 0
for r in sorted(rows, key=lambda r: r["name"]):
    s = r.get("seconds", 0)
    e = r.get("execs", 0)
    print(f"{r['name']:<18} {r['result']:<6} {s:>7} {e:>11} {e // max(s, 1):>7} {r.get('cov', 0):>6} {r.get('ft', 0):>7} {r.get('corpus', 0):>6}")
    failed += r["result"] != "OK"
    if r.get("note"):
        print(f"{'':<18} note: {r['note']}")
print(f"fuzz: {len(rows) - failed} targets passed, {failed} failed")
sys.exit(1 if failed else 0)
PY

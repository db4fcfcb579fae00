#!/usr/bin/env bash
# Quick start 2: install what is missing, then build and run the whole test
# suite twice: a normal build (_build) and an AddressSanitizer +
# UndefinedBehaviorSanitizer build (_build-asan); then every libFuzzer target
# for FUZZ_SECONDS (default 60) each (_build-fuzz, clang). GUI tests need a display
# and a session bus, so everything runs under dbus-run-session and xvfb-run.
set -uo pipefail
cd "$(dirname "$0")/.."

bash build-aux/deps.sh || exit 1

status=0
setup() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" || return 1
  fi
  ninja -C "$dir" || return 1
}

setup _build || exit 1
setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug || exit 1

run_suite() {
  local dir=$1; shift
  echo "=== meson test -C $dir $*"
  dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24' \
    meson test -C "$dir" --print-errorlogs --num-processes 2 "$@"
}

run_suite _build || status=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
  run_suite _build-asan --timeout-multiplier 4 || status=1

# The libFuzzer targets (clang, in _build-fuzz), each for a short fixed time
# on its seed corpus; any crash, leak or timeout fails (HACKING.md, "Fuzzing").
rm -f _build-fuzz/fuzz-results.jsonl
echo "=== build-aux/fuzz.sh -t ${FUZZ_SECONDS:-60}"
bash build-aux/fuzz.sh -t "${FUZZ_SECONDS:-60}" || status=1

# One closing line for both runs, read from meson's JSON logs.
python3 - <<'PY'
import json
passed = failed = skipped = 0
for d in ("_build", "_build-asan"):
    try:
        with open(d + "/meson-logs/testlog.json") as f:
            for line in f:
                r = json.loads(line)
                s = r.get("result")
                if s in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif s == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
# One result per fuzz target (build-aux/fuzz.sh); no file: the fuzz build failed.
try:
    with open("_build-fuzz/fuzz-results.jsonl") as f:
        for line in f:
            if line.strip():
                if json.loads(line).get("result") == "OK":
                    passed += 1
                else:
                    failed += 1
except FileNotFoundError:
    failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status

#!/usr/bin/env bash
# Runs the desktop (UI) test suite RUNS times in a row (default 5) while every core is kept busy
# by a bounded busy loop, and prints how many runs passed. This is the proof that the UI tests
# hold on a loaded machine (issue 14). Uses scripts/test.sh, so it starts its own Xvfb + Openbox.
#
#   scripts/ui-under-load.sh            # 5 runs, all cores loaded
#   RUNS=2 scripts/ui-under-load.sh
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
cores=$(nproc)
logdir=$(mktemp -d /tmp/ferry-ui-load.XXXXXX)
# Bounded: each burner stops by itself after two hours even if this script is killed.
burners=()
for _ in $(seq "$cores"); do
  timeout 7200 sh -c 'while :; do :; done' &
  burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
echo "ui-under-load: $cores busy loops started; logs in $logdir"
passed=0
for i in $(seq "$runs"); do
  start=$SECONDS
  if bash scripts/test.sh -B -o -pl ui -am verify -Dtest='dev/ferry/ui/**/*Test' \
       -Dsurefire.failIfNoSpecifiedTests=false >"$logdir/run$i.log" 2>&1; then
    passed=$((passed + 1)); result=passed
  else
    result=FAILED
  fi
  tests=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures' "$logdir/run$i.log" | tail -1)
  echo "run $i: $result in $((SECONDS - start)) s — ${tests#*] }"
done
echo "ui-under-load: $passed of $runs runs passed with $cores cores loaded"
[ "$passed" = "$runs" ]

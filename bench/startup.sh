#!/usr/bin/env bash
# Start-up benchmark of the packaged Ferry desktop app against the same app run from its
# jar on the build JDK (the reference, measured in the same run).
#
#   bench/startup.sh [RUNS]        (default 5 runs each; needs Xvfb)
#
# Packaged app: the installed /opt/ferry/bin/ferry if present, else the app image from
# installers/build.sh. Reference: java -jar ui/target/ferry-desktop.jar (class path, no
# AppCDS). Prints the median time from launch to the "Ferry window shown" log line (its own
# timestamp), the idle RSS 3 s after that, each as a ratio against the reference, and the .deb size.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/installers/display.sh"
runs="${1:-5}"

packaged=/opt/ferry/bin/ferry
[ -x "$packaged" ] || packaged="$root/installers/target/app-image/ferry/bin/ferry"
[ -x "$packaged" ] || { echo "no packaged app: run installers/build.sh (or install the .deb)" >&2; exit 1; }
jar="$root/ui/target/ferry-desktop.jar"
[ -f "$jar" ] || { echo "no $jar: run mvn -DskipTests package" >&2; exit 1; }

tmp="$(mktemp -d)"
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; stop_xvfb; rm -rf "$tmp"' EXIT
# A private Ferry home: no running Ferry of the user's takes the launch over (single instance),
# and every run starts from the same state.
export FERRY_HOME="$tmp/ferry-home"
start_xvfb

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ms_of_day "HH:MM:SS.mmm": milliseconds since local midnight
ms_of_day() { awk -F'[:.]' '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }' <<< "$1"; }

# run_once CMD...: prints "<ms to first window> <idle RSS in KB>". The end time is the
# timestamp Ferry writes on its "window shown" log line (local time, ms), so the polling
# for that line adds nothing to the figure.
run_once() {
  local log="$tmp/run.log" t0 t1 rss
  : > "$log"
  t0=$(ms_of_day "$(date +%H:%M:%S.%3N)")
  "$@" > "$log" 2>&1 &
  pid=$!
  wait_for_line "$log" "Ferry window shown" 60 || { cat "$log" >&2; echo "no window within 60 s: $*" >&2; exit 1; }
  t1=$(ms_of_day "$(grep -m 1 -F "Ferry window shown" "$log" | cut -d' ' -f1)")
  [ "$t1" -ge "$t0" ] || t1=$((t1 + 86400000)) # past midnight
  sleep 3 # idle period before reading the resident set size
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$((t1 - t0)) $rss"
}

measure() { # label CMD...
  local label=$1; shift
  : > "$tmp/$label"
  for _ in $(seq "$runs"); do run_once "$@" >> "$tmp/$label"; done
}

# Warm the page cache once for both, then measure.
run_once "$packaged" > /dev/null
run_once java -jar "$jar" > /dev/null
measure packaged "$packaged"
measure reference java -jar "$jar"

p_ms=$(cut -d' ' -f1 "$tmp/packaged" | median); r_ms=$(cut -d' ' -f1 "$tmp/reference" | median)
p_kb=$(cut -d' ' -f2 "$tmp/packaged" | median); r_kb=$(cut -d' ' -f2 "$tmp/reference" | median)
deb="$(ls "$root"/installers/target/packages/ferry_*.deb 2>/dev/null | head -n 1 || true)"

echo "packaged app: $packaged  ($runs runs each, Xvfb $DISPLAY)"
awk -v p="$p_ms" -v r="$r_ms" 'BEGIN { printf "first window   packaged %.2f s   reference (java -jar) %.2f s   ratio %.2f\n", p / 1000, r / 1000, p / r }'
awk -v p="$p_kb" -v r="$r_kb" 'BEGIN { printf "idle RSS       packaged %.0f MB   reference (java -jar) %.0f MB   ratio %.2f\n", p / 1024, r / 1024, p / r }'
if [ -n "$deb" ]; then
  awk -v b="$(stat -c %s "$deb")" -v n="$(basename "$deb")" 'BEGIN { printf ".deb size      %.1f MB (%s)\n", b / 1000000, n }'
fi
echo "runs (ms, KB): packaged $(tr '\n' ';' < "$tmp/packaged")  reference $(tr '\n' ';' < "$tmp/reference")"

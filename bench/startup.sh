#!/usr/bin/env bash
# Start-up benchmark of the packaged Ferry desktop app, against references measured in the
# same run (a loaded machine slows them all alike: read the ratios).
#
#   bench/startup.sh [RUNS]        (default 5 runs each; needs Xvfb and a JDK's javac)
#
# Packaged app: the installed /opt/ferry/bin/ferry if present, else the app image from
# installers/build.sh. Measured, each RUNS times, interleaved round by round:
#   packaged      the app as shipped
#   no-footprint  the same without the launcher's footprint settings (GDK_GL, MALLOC_ARENA_MAX,
#                 -Dprism.order=sw without a GPU): what they buy
#   no-aot        the same without its AOT cache / AppCDS archive: what the archive buys
#   floor         bench/startup/HelloWindow.java (one label in a window of Ferry's size) run by
#                 the same launcher, runtime and options, without an archive: the least a
#                 JavaFX window costs here
#   jar           java -jar ui/target/ferry-desktop.jar on the build JDK (class path, no archive)
# Prints the median time from launch to the first window (Ferry's start window: the "Ferry start
# window shown" log line, its own timestamp; the floor's one window) and to the desktop itself
# ("Ferry window shown": the desktop's scene laid out in that window), the idle RSS 3 s after
# that, each against the packaged app, every run, the packaged app's own start-up phases (its
# "Start-up since main" line) and the .deb size.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/installers/display.sh"
runs="${1:-5}"

packaged=/opt/ferry/bin/ferry
[ -x "$packaged" ] || packaged="$root/installers/target/app-image/ferry/bin/ferry"
[ -x "$packaged" ] || { echo "no packaged app: run installers/build.sh (or install the .deb)" >&2; exit 1; }
jar="$root/ui/target/ferry-desktop.jar"
[ -f "$jar" ] || { echo "no $jar: run mvn -DskipTests package" >&2; exit 1; }
image="$(dirname "$(dirname "$(readlink -f "$packaged")")")"

tmp="$(mktemp -d)"
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; stop_xvfb; rm -rf "$tmp"' EXIT
# A private Ferry home: no running Ferry of the user's takes the launch over (single instance),
# and every run starts from the same state.
export FERRY_HOME="$tmp/ferry-home"
start_xvfb

# The floor: HelloWindow behind a copy of Ferry's launcher, with Ferry's runtime and Java
# options (less the archive), so only the app differs.
floor="$tmp/floor-app"
mkdir -p "$floor/bin" "$floor/lib/app/classes"
ln -s "$image/lib/runtime" "$floor/lib/runtime"
cp "$image/bin/ferry" "$floor/bin/ferry"
javac --release 17 -d "$floor/lib/app/classes" \
  -cp "$(ls "$root"/ui/target/lib/javafx-*-*-*.jar | tr '\n' ':')" "$root/bench/startup/HelloWindow.java"
{ echo '[Application]'; echo 'app.classpath=$APPDIR/classes'; echo 'app.mainclass=HelloWindow'
  sed -n '/^\[JavaOptions\]/,$p' "$image/lib/app/ferry.cfg" | grep -v -e AOTCache -e SharedArchiveFile -e Xshare
} > "$floor/lib/app/ferry.cfg"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ms_of_day "HH:MM:SS.mmm": milliseconds since local midnight
ms_of_day() { awk -F'[:.]' '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }' <<< "$1"; }

# run_once CMD...: prints "<ms to first window> <idle RSS in KB> <ms to the desktop>". The end
# times are the timestamps Ferry writes on its log lines (local time, ms), so the polling for
# them adds nothing to the figures.
run_once() {
  local log="$tmp/run.log" t0 t1 tf rss
  : > "$log"
  t0=$(ms_of_day "$(date +%H:%M:%S.%3N)")
  "$@" > "$log" 2>&1 &
  pid=$!
  wait_for_line "$log" "Ferry window shown" 180 || { cat "$log" >&2; echo "no window within 180 s: $*" >&2; exit 1; }
  t1=$(ms_of_day "$(grep -m 1 -F "Ferry window shown" "$log" | cut -d' ' -f1)")
  [ "$t1" -ge "$t0" ] || t1=$((t1 + 86400000)) # past midnight
  tf=$t1 # the first window: Ferry's start window where there is one
  if grep -q -F "Ferry start window shown" "$log"; then
    tf=$(ms_of_day "$(grep -m 1 -F "Ferry start window shown" "$log" | cut -d' ' -f1)")
    [ "$tf" -ge "$t0" ] || tf=$((tf + 86400000))
  fi
  sleep 3 # idle period before reading the resident set size
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  grep -m 1 -o "Start-up since main:.*" "$log" >> "$tmp/phases.$label_now" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$((tf - t0)) $rss $((t1 - t0))"
}

# Without the app's archive: JDK 25+ leaves its AOT cache out; JDK 17 maps the runtime's own
# CDS archive (JDK classes only) instead of the app's.
no_archive="-XX:AOTMode=off"
grep -q '^JAVA_VERSION="17' "$image/lib/runtime/release" && no_archive="-XX:SharedArchiveFile=$image/lib/runtime/lib/server/classes.jsa"
labels=(packaged no-footprint no-aot floor jar)
run_label() { # label: one run of that configuration
  label_now=$1
  case $1 in
    packaged) run_once "$packaged" ;;
    # GDK_GL and MALLOC_ARENA_MAX set but empty: the launcher leaves them (GTK's and glibc's defaults)
    no-footprint) GDK_GL= MALLOC_ARENA_MAX= FERRY_JAVA_OPTIONS=-Dprism.order=es2,sw run_once "$packaged" ;;
    no-aot) FERRY_JAVA_OPTIONS="$no_archive" run_once "$packaged" ;;
    floor) run_once "$floor/bin/ferry" ;;
    jar) run_once java -jar "$jar" ;;
  esac
}
# Warm the page cache once for each, then measure round by round.
for l in "${labels[@]}"; do run_label "$l" > /dev/null; : > "$tmp/$l"; : > "$tmp/phases.$l"; done
for _ in $(seq "$runs"); do
  for l in "${labels[@]}"; do run_label "$l" >> "$tmp/$l"; echo "  $l $(tail -n 1 "$tmp/$l") (first-window ms, KB, desktop ms)" >&2; done
done

echo "packaged app: $packaged  ($runs runs each, Xvfb $DISPLAY, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
p_ms=$(cut -d' ' -f1 "$tmp/packaged" | median); p_kb=$(cut -d' ' -f2 "$tmp/packaged" | median)
printf '%-13s %14s %10s %12s %14s %10s\n' "" "first window" "/packaged" "desktop" "idle RSS" "/packaged"
for l in "${labels[@]}"; do
  ms=$(cut -d' ' -f1 "$tmp/$l" | median); kb=$(cut -d' ' -f2 "$tmp/$l" | median); dms=$(cut -d' ' -f3 "$tmp/$l" | median)
  awk -v l="$l" -v ms="$ms" -v kb="$kb" -v pms="$p_ms" -v pkb="$p_kb" -v dms="$dms" \
    'BEGIN { printf "%-13s %12.2f s %10.2f %10.2f s %11.0f MB %10.2f\n", l, ms / 1000, ms / pms, dms / 1000, kb / 1024, kb / pkb }'
done
echo "first window: Ferry's start window (the floor's only window); desktop: Ferry's desktop laid out in it"
[ -s "$tmp/phases.packaged" ] && { echo "packaged app's own phases (ms since main; the JVM's start and the launcher come before):"; sed 's/^/  /' "$tmp/phases.packaged"; }
awk -v p="$p_ms" -v f="$(cut -d' ' -f1 "$tmp/floor" | median)" -v pk="$p_kb" -v fk="$(cut -d' ' -f2 "$tmp/floor" | median)" \
  'BEGIN { printf "packaged above the floor: %+.2f s, %+.0f MB (targets: first window <= 0.50 s, idle RSS <= 150 MB)\n", (p - f) / 1000, (pk - fk) / 1024 }'
deb="$(ls "$root"/installers/target/packages/ferry_*.deb 2>/dev/null | head -n 1 || true)"
if [ -n "$deb" ]; then
  awk -v b="$(stat -c %s "$deb")" -v n="$(basename "$deb")" 'BEGIN { printf ".deb size      %.1f MB (%s)\n", b / 1000000, n }'
fi
echo "runs (ms, KB):"
for l in "${labels[@]}"; do echo "  $l: $(tr '\n' ';' < "$tmp/$l")"; done

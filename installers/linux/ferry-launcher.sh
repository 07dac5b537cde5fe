#!/bin/bash
# Ferry's launcher on Linux: /opt/ferry/bin/ferry (and /usr/bin/ferry, a link to it).
#
# It replaces jpackage's native launcher, which asks the package managers which package it
# belongs to at every start (rpm -qf, dpkg -S, then dpkg -L, twice over: 0.1-0.2 s before Java
# even starts, for the desktop app and every CLI command alike). This one runs the bundled
# runtime with what jpackage wrote to lib/app/ferry.cfg: class path, Java options and main
# class. It only uses bash built-ins past readlink, so it costs a few milliseconds.
set -e
self="$(readlink -f "${BASH_SOURCE[0]}")"
root="${self%/bin/*}"
app="$root/lib/app"
cp=""
main=""
opts=()
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    app.classpath=*) v="${line#app.classpath=}"; cp="${cp:+$cp:}${v//\$APPDIR/$app}" ;;
    app.mainclass=*) main="${line#app.mainclass=}" ;;
    java-options=*) v="${line#java-options=}"; opts+=("${v//\$APPDIR/$app}") ;;
  esac
done < "$app/ferry.cfg"
[ -n "$main" ] || { echo "ferry: $app/ferry.cfg names no main class; reinstall Ferry" >&2; exit 1; }
# The command line (any argument) runs long-lived tunnels and proxies on its own: cap its heap
# and direct memory, and let the heap shrink back after a burst (bench/limits.sh measures it).
# The desktop app (no arguments) keeps ferry.cfg's options. FERRY_JAVA_OPTIONS comes last and wins.
cli_opts=(-Xmx256m -XX:MaxDirectMemorySize=128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30)
[ $# -eq 0 ] || opts+=("${cli_opts[@]}")
# Two malloc arenas instead of up to 8 per core: fewer half-empty arenas (about 5 MB for the
# desktop; for a tunnel with hundreds of threads much more). A variable the user set wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX-2}"
if [ $# -eq 0 ]; then
  # The desktop app's footprint (bench/startup.sh prints what each buys). A variable the user
  # set wins over these, and -Dprism.order in FERRY_JAVA_OPTIONS over the choice below.
  # GTK opens an OpenGL context of its own at start (libepoxy, Mesa's driver: 45 MB resident
  # without a GPU) that JavaFX never uses: it draws through Prism, not through GTK.
  export GDK_GL="${GDK_GL-disable}"
  # Without a GPU device (VMs, remote desktops, Xvfb) Mesa offers only its software renderer,
  # which JavaFX's hardware check refuses after loading it (LLVM: 45 MB and start-up time);
  # JavaFX then uses its software pipeline anyway. Start with that one straight away.
  if ! compgen -G '/dev/dri/renderD*' >/dev/null && ! compgen -G '/dev/nvidia[0-9]*' >/dev/null; then
    opts+=(-Dprism.order=sw)
  fi
fi
# shellcheck disable=SC2206 # word splitting of the user's options is intended
[ -z "${FERRY_JAVA_OPTIONS:-}" ] || opts+=($FERRY_JAVA_OPTIONS)
exec -a "$0" "$root/lib/runtime/bin/java" "${opts[@]}" -Djpackage.app-path="$self" -cp "$cp" "$main" "$@"

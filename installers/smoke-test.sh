#!/usr/bin/env bash
# Installs the Ferry .deb, starts the installed desktop app under Xvfb until its first
# window shows, runs the `ferry` CLI from PATH, uninstalls and checks nothing is left.
#
#   sudo installers/smoke-test.sh [path/to/ferry_*.deb]   (default: installers/target/packages/)
#
# Needs: root (dpkg), Debian/Ubuntu, Xvfb and xdotool (apt-get install -y xvfb xdotool),
# the package's dependencies installed (apt-get install -y libgtk-3-0 libxtst6 libasound2 libgl1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/display.sh"
started=$SECONDS

fail() { echo "smoke-test: FAILED: $*" >&2; exit 1; }
step() { echo "smoke-test: $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs and removes the .deb with dpkg)"
deb="${1:-$(ls "$here"/target/packages/ferry_*.deb 2>/dev/null | head -n 1)}"
[ -f "$deb" ] || fail "no .deb found: build it with 'mvn -Pinstallers -DskipTests package' or installers/build.sh"
command -v xdotool >/dev/null || fail "xdotool is missing: apt-get install -y xdotool"
workspace="$root/resources/examples/standalone.yaml"
! dpkg -s ferry >/dev/null 2>&1 || fail "a ferry package is already installed; remove it first: dpkg --purge ferry"

tmp="$(mktemp -d)"
app_pid=
cleanup() {
  [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
  stop_xvfb
  if dpkg -s ferry >/dev/null 2>&1; then dpkg --purge ferry >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

step "installing $(basename "$deb")"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -i failed (missing dependencies? apt-get install -f)"; }
[ -x /opt/ferry/bin/ferry ] || fail "/opt/ferry/bin/ferry was not installed"
# The start-up archive: the AOT cache shipped in the package (JDK 25 runtime), or the AppCDS
# archive the install script dumps (JDK 17 runtime). Either way the JVM must accept it:
# AOTMode=on / -Xshare:on make it fail instead of starting without.
if [ -f /opt/ferry/lib/app/ferry.aot ]; then
  share_check=-XX:AOTMode=on
else
  [ -s /opt/ferry/lib/app/ferry.jsa ] || fail "the install script wrote no AppCDS archive (/opt/ferry/lib/app/ferry.jsa)"
  share_check=-Xshare:on
fi
JAVA_TOOL_OPTIONS=$share_check /opt/ferry/bin/ferry --version >"$tmp/share.log" 2>&1 \
  || { cat "$tmp/share.log" >&2; fail "the JVM does not accept the installed start-up archive ($share_check, log above)"; }
[ "$(readlink -f /usr/bin/ferry)" = /opt/ferry/bin/ferry ] || fail "/usr/bin/ferry does not point at /opt/ferry/bin/ferry"
[ "$(command -v ferry)" = /usr/bin/ferry ] || fail "ferry is not on PATH"
desktop="$(dpkg -L ferry | grep '\.desktop$' | head -n 1)"
[ -n "$desktop" ] || fail "the package installs no .desktop file"
desktop_file="$(ls /usr/share/applications/*ferry*.desktop 2>/dev/null | head -n 1)"
[ -n "$desktop_file" ] || fail "no ferry .desktop entry in /usr/share/applications (xdg-desktop-menu)"
exec_line="$(sed -n 's/^Exec=//p' "$desktop_file")"
wm_class="$(sed -n 's/^StartupWMClass=//p' "$desktop_file")"
[ "$exec_line" = /opt/ferry/bin/ferry ] || fail "$desktop_file: Exec is '$exec_line', expected /opt/ferry/bin/ferry"
[ -n "$wm_class" ] || fail "$desktop_file has no StartupWMClass"
grep -q '^Categories=.*Network' "$desktop_file" || fail "$desktop_file: no Categories"

step "starting the installed desktop app (as the .desktop entry does) under Xvfb"
start_xvfb
# A fresh HOME shows whether anything gets unpacked into it at start (~/.openjfx/cache).
HOME="$tmp/home"; mkdir -p "$HOME"
(cd / && exec $exec_line) >"$tmp/app.log" 2>&1 &
app_pid=$!
t0=$SECONDS
wait_for_line "$tmp/app.log" "Ferry window shown" 60 \
  || { cat "$tmp/app.log" >&2; fail "the installed app showed no window within 60 s (log above)"; }
step "window shown after about $((SECONDS - t0)) s"
kill -0 "$app_pid" 2>/dev/null || fail "the app exited right after showing its window"
# The log line comes as the stage is shown; X maps the window a moment later: poll (bounded).
window_seen=
for _ in $(seq 1 50); do
  if xdotool search --onlyvisible --class "^${wm_class//./\\.}\$" >/dev/null 2>&1; then window_seen=1; break; fi
  sleep 0.2
done
[ -n "$window_seen" ] \
  || fail "no visible window has WM_CLASS '$wm_class': fix StartupWMClass in installers/linux/ferry.desktop (JavaFX uses the Application class name)"
! grep -q -e '\[warning\]\[cds' -e '\]\[aot' "$tmp/app.log" || { cat "$tmp/app.log" >&2; fail "the start-up archive was rejected (log above)"; }
[ ! -e "$HOME/.openjfx" ] || fail "JavaFX unpacked native libraries into ~/.openjfx at start"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
stop_xvfb

step "ferry --version"
ferry --version || fail "'ferry --version' exited with $?"
step "ferry apps ls --workspace-file $workspace"
ferry apps ls --workspace-file "$workspace" || fail "'ferry apps ls --workspace-file $workspace' exited with $?"

step "uninstalling (dpkg --purge ferry)"
dpkg --purge ferry >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg --purge ferry failed"; }
left=()
for path in /opt/ferry /usr/bin/ferry "$desktop_file" "$desktop"; do
  if [ -e "$path" ] || [ -L "$path" ]; then left+=("$path"); fi
done
[ ${#left[@]} = 0 ] || fail "left behind after uninstall: ${left[*]}"
! ls /usr/share/applications/*ferry*.desktop >/dev/null 2>&1 || fail "a ferry .desktop entry is left in /usr/share/applications"
step "PASSED in $((SECONDS - started)) s"

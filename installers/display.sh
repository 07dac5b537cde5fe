# Shared by installers/smoke-test.sh, bench/startup.sh, scripts/test.sh and scripts/screenshot.sh
# (source it; bash only).
# start_xvfb [WxHxD]: starts a private Xvfb (default 1280x800x24) and exports DISPLAY; XVFB_PID is
#   set for stop_xvfb.
# start_window_manager: starts Openbox on $DISPLAY and waits until it manages the display;
#   stop_xvfb stops it too.
# start_tray_host: starts trayer (a system tray) on $DISPLAY; stop_xvfb stops it too.
# wait_for_line FILE TEXT SECONDS: waits until FILE contains TEXT (fails after SECONDS).

start_xvfb() {
  command -v Xvfb >/dev/null || { echo "Xvfb is missing: apt-get install -y xvfb" >&2; return 1; }
  local fdfile; fdfile="$(mktemp)"
  Xvfb -displayfd 9 -nolisten tcp -screen 0 "${1:-1280x800x24}" 9>"$fdfile" >/dev/null 2>&1 &
  XVFB_PID=$!
  local deadline=$((SECONDS + 20))
  until [ -s "$fdfile" ]; do
    [ $SECONDS -lt $deadline ] && kill -0 "$XVFB_PID" 2>/dev/null || { echo "Xvfb did not start" >&2; rm -f "$fdfile"; return 1; }
    sleep 0.05
  done
  export DISPLAY=":$(head -n 1 "$fdfile")"
  rm -f "$fdfile"
}

start_window_manager() {
  command -v openbox >/dev/null || { echo "openbox is missing: apt-get install -y openbox" >&2; return 1; }
  command -v xprop >/dev/null || { echo "xprop is missing: apt-get install -y x11-utils" >&2; return 1; }
  openbox --sm-disable >/dev/null 2>&1 &
  WM_PID=$!
  local deadline=$((SECONDS + 20))
  until xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id #'; do
    [ $SECONDS -lt $deadline ] && kill -0 "$WM_PID" 2>/dev/null || { echo "Openbox did not start on $DISPLAY" >&2; return 1; }
    sleep 0.05
  done
}

start_tray_host() {
  command -v trayer >/dev/null || { echo "trayer is missing: apt-get install -y trayer" >&2; return 1; }
  trayer --edge top --align right --widthtype request --height 24 --SetDockType true --expand true \
    --transparent false >/dev/null 2>&1 &
  TRAY_PID=$!
}

stop_xvfb() {
  local pid
  for pid in "${TRAY_PID:-}" "${WM_PID:-}" "${XVFB_PID:-}"; do
    # (|| true: a killed process's status must not end a caller running with set -e, e.g. in its EXIT trap)
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  TRAY_PID= WM_PID= XVFB_PID=
  return 0
}

wait_for_line() {
  local file=$1 text=$2 deadline=$((SECONDS + $3))
  until grep -qF -- "$text" "$file" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.01
  done
}

# Shared by installers/smoke-test.sh and bench/startup.sh (source it; bash only).
# start_xvfb: starts a private Xvfb and exports DISPLAY; XVFB_PID is set for stop_xvfb.
# wait_for_line FILE TEXT SECONDS: waits until FILE contains TEXT (fails after SECONDS).

start_xvfb() {
  command -v Xvfb >/dev/null || { echo "Xvfb is missing: apt-get install -y xvfb" >&2; return 1; }
  local fdfile; fdfile="$(mktemp)"
  Xvfb -displayfd 9 -nolisten tcp -screen 0 1280x800x24 9>"$fdfile" >/dev/null 2>&1 &
  XVFB_PID=$!
  local deadline=$((SECONDS + 20))
  until [ -s "$fdfile" ]; do
    [ $SECONDS -lt $deadline ] && kill -0 "$XVFB_PID" 2>/dev/null || { echo "Xvfb did not start" >&2; rm -f "$fdfile"; return 1; }
    sleep 0.05
  done
  export DISPLAY=":$(head -n 1 "$fdfile")"
  rm -f "$fdfile"
}

stop_xvfb() {
  if [ -n "${XVFB_PID:-}" ]; then kill "$XVFB_PID" 2>/dev/null; wait "$XVFB_PID" 2>/dev/null; XVFB_PID=; fi
  return 0
}

wait_for_line() {
  local file=$1 text=$2 deadline=$((SECONDS + $3))
  until grep -qF -- "$text" "$file" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.01
  done
}

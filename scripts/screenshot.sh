#!/usr/bin/env bash
# Builds Ferry and writes docs/screenshot.png (light) and docs/screenshot-dark.png of the main
# window on the example workspace, with the role selector of aws-prod open,
# docs/screenshot-tunnel.png of an AWS API proxy tab for aws-prod (needs moto_server), and a
# screen capture of each dialog over the window in docs/dialogs/ (settings, connect, import CA,
# write AWS profile, add Teleport cluster, add AWS workspace, notifications history with an error). The Identity Center sign-in prompt with
# a code (docs/sign-in-code.png) needs the test stand-in: IdentityCenterDesktopTest writes it to
# ui/target/screenshots/sign-in-code.png. Starts Xvfb with the Openbox window manager when
# there is no DISPLAY (with a DISPLAY, Openbox when no window manager runs there), and a local
# moto_server (when installed) so the identity line shows a real caller ARN instead of "no
# credentials". Usage: scripts/screenshot.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [[ "${1:-}" != "--no-build" ]]; then
  mvn -B -q -o -DskipTests package
fi

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_xvfb
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

source installers/display.sh
if [[ -z "${DISPLAY:-}" ]]; then
  start_xvfb 1400x900x24
  start_window_manager
elif ! xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id #'; then
  start_window_manager
fi

export FERRY_HOME="$TMP/ferry-home"
export FERRY_WORKSPACE_FILE="$ROOT/resources/examples/standalone.yaml"
export AWS_CONFIG_FILE="$TMP/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$TMP/aws-credentials"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN || true

if command -v moto_server >/dev/null; then
  PORT=$(free_port)
  moto_server -H 127.0.0.1 -p "$PORT" >"$TMP/moto.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/moto-api/" >/dev/null && break; sleep 0.1; done
  export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
  # The example workspace uses profile "acme": give it moto's test keys.
  printf '[profile acme]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"
  printf '[acme]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$AWS_SHARED_CREDENTIALS_FILE"
fi

mkdir -p docs/dialogs
java -Dprism.order=sw -cp "ui/target/ferry-desktop.jar" dev.ferry.ui.Screenshot \
  docs/screenshot.png docs/screenshot-dark.png aws-prod docs/screenshot-tunnel.png docs/dialogs

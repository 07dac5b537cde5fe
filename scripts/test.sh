#!/usr/bin/env bash
# Runs every test the way CI does, on a fresh Debian/Ubuntu machine with JDK 17+, Maven and
# the AWS tools (moto_server, aws, python3):
#
#   scripts/test.sh                        # mvn -B -Pinstallers verify: unit, integration, UI tests,
#                                          # the .deb/.rpm build and (as root) the install smoke test
#   scripts/test.sh -o -pl ui -am verify   # other Maven arguments instead (e.g. one module)
#
# 1. Installs the Debian packages the tests use when they are missing (as root; otherwise it
#    prints the apt-get command and stops).
# 2. Without a DISPLAY, starts a private Xvfb with a window manager (Openbox) and a system tray
#    (trayer), like a user's desktop, and stops them afterwards. With a DISPLAY it uses that
#    one (the UI tests start Openbox there when no window manager runs).
# 3. Runs Maven.
# .ci/run calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."
source installers/display.sh

# Debian packages: X and the desktop the UI tests run in, the peers the tests and benchmarks
# use (PostgreSQL, MariaDB, socat, stunnel, haproxy), the packaging tools, and Maven.
packages=(
  xvfb openbox trayer xdotool x11-utils libgtk-3-0 libxtst6 libasound2 libgl1
  postgresql-15 postgresql-client-15 postgresql-contrib mariadb-server mariadb-client
  socat stunnel4 haproxy
  fakeroot rpm zip unzip xdg-utils
  maven
)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: these Debian packages are missing; install them first:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi
for tool in java moto_server aws python3; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "test.sh: $tool is missing (JDK 17: apt-get install -y openjdk-17-jdk-headless;" \
         "the AWS tools: pip install 'moto[server]' awscli boto3)" >&2
    exit 2
  }
done

if [ -z "${DISPLAY:-}" ]; then
  trap stop_xvfb EXIT
  start_xvfb 1600x1000x24
  start_window_manager
  start_tray_host
  echo "test.sh: Xvfb with Openbox and trayer on $DISPLAY"
fi

if [ $# -eq 0 ]; then
  set -- -B -Pinstallers verify
fi
mvn "$@"

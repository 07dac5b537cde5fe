#!/usr/bin/env bash
# Discovery benchmark, part (2): the desktop's resource list with 10,000 resources (5,000 apps and
# 5,000 databases, with labels) in a real window under Xvfb + Openbox: per search keystroke, the
# time from the key event to the end of the layout pass after it (median and worst of 50
# keystrokes, measured as the synchronous work and as the time to JavaFX's next pulse), label chip
# clicks, and heap (after GC) and RSS above the empty window.
# Usage: bash bench/resource-list.sh [resources 10000] [keystrokes 50]
#   (3 unmeasured warm-up rounds of the same keystrokes first; BENCH_JAVA_OPTS=-Dbench.warmupRounds=0: the cold list)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "missing: $tool"; exit 2; }
done
mvn -B -q -o -pl ui -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test >/dev/null
source installers/display.sh
cleanup() { stop_xvfb; }
trap cleanup EXIT
if [[ -z "${DISPLAY:-}" ]]; then
  start_xvfb 1280x800x24
  start_window_manager
fi
# The Java options of the packaged Linux desktop (installers/jpackage/common.args + linux.args:
# SerialGC, small stacks and initial heap, native heap trimming), so RSS means what it does for users.
packaged=()
while read -r opt; do packaged+=("$opt"); done < <(sed -n 's/^--java-options //p' installers/jpackage/common.args installers/jpackage/linux.args)
echo "java options: ${packaged[*]} ${BENCH_JAVA_OPTS:-}"
java "${packaged[@]}" ${BENCH_JAVA_OPTS:-} -Dprism.order=sw -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "ui/target/classes:ui/target/test-classes:app/target/classes:app/target/test-classes:tunnel/target/classes:tunnel/target/test-classes:$(cat ui/target/bench.cp)" \
  dev.ferry.ui.bench.ResourceListBench "$@"

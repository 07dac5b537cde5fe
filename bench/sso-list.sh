#!/usr/bin/env bash
# IAM Identity Center listing benchmark: the time to the full list of accounts and roles from the
# loopback stand-in (app test support), each portal call answered after a fixed latency and HTTP 429
# once more than N calls came in any second. Measured in the same run: the plain sequential listing
# (one SDK call at a time) as the reference, Ferry cold (parallel, bounded pool, backoff + jitter)
# and Ferry warm (the cached list read by a fresh JVM, as at the next start), printed as ratios;
# then the same without throttling.
# Usage: bash bench/sso-list.sh [accounts=500] [roles=4] [latency-ms=50] [calls-per-second=20]
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "missing: $tool"; exit 2; }
done
mvn -B -q -o -pl app -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec java -Dlogback.configurationFile=bench/logback-bench.xml -Dsun.net.httpserver.nodelay=true \
  -cp "app/target/classes:app/target/test-classes:$(cat app/target/bench.cp)" \
  dev.ferry.app.sso.SsoListBench "$@"

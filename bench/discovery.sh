#!/usr/bin/env bash
# Discovery benchmark, part (1): 2,000 RDS instances over 20 accounts x 2 regions in moto, each
# account through its own assume_role_arn. Prints, from the same run, the scan done one call at
# a time (the reference), the parallel scan (cold) and the cached list at the next start, as
# ratios; then the same with a simulated network round trip per call (a loopback front of moto).
# Part (2), the desktop list with 10,000 resources, is bench/resource-list.sh.
# Needs moto_server. Usage: bash bench/discovery.sh [accounts 20] [per-region 50] [rounds 3] [latency-ms 50] [parallelism 8]
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in moto_server java mvn; do
  command -v "$tool" >/dev/null || { echo "missing: $tool"; exit 2; }
done
# One reactor run: ferry-tunnel resolves to tunnel/target (nothing is installed in ~/.m2).
mvn -B -q -o -pl app -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test >/dev/null
exec java -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "app/target/classes:app/target/test-classes:tunnel/target/test-classes:$(cat app/target/bench.cp)" \
  dev.ferry.app.discovery.DiscoveryBench "$@"

#!/usr/bin/env bash
# AWS API proxy benchmark: DynamoDB GetItem p50/req-s and 50 MB S3 GET MB/s, through the
# proxy (endpoint-URL mode) vs straight to moto, in the same run. The S3 reference is
# "direct over TLS" (stunnel in front of moto: real AWS is TLS-only); plain HTTP is shown too.
# Small requests: GetItem at concurrency 1 (p50/p99) and 8 (req/s) over plain moto, stunnel+moto
# (the TLS floor), Ferry and mitmproxy (an intercepting peer, reverse mode) in interleaved
# rounds, ratios against the peers of this run; then the proxy's own cost per request on its
# event-loop threads (KB allocated, CPU us, syscalls by strace -c) and the SigV4 stages alone.
# moto runs behind an HTTP/1.1 keep-alive server (bench/moto_keepalive.py; moto_server answers
# "Connection: close"), and every client reuses its connections, so no peer pays a handshake per
# request. Ferry's and mitmproxy's upstream is TLS, as to AWS: each goes to its own stunnel
# service in front of the same moto (the run prints the peer paths and the connection counts).
# Needs moto_server, stunnel; mitmproxy and strace are used when present
# (apt-get install -y stunnel4 mitmproxy strace).
# Usage: bench/aws-proxy.sh [getitem requests per peer at c=1, default 1500]
# env: BENCH_S3=0 skips the S3 50 MB part; C8_SECONDS (4) per round at concurrency 8;
#      WARM_UP (1000) GetItems per peer before measuring (the JIT needs thousands for Ferry's path);
#      COST_ONLY=1 prints only Ferry's per-request cost (allocations, CPU, syscalls, SigV4 stages)
#      BENCH_JAVA_OPTS extra JVM options, e.g. -XX:StartFlightRecording=filename=/tmp/p.jfr,settings=profile
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in moto_server stunnel java mvn; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (stunnel: apt-get install -y stunnel4)"; exit 2; }
done
mvn -B -q -o -pl tunnel test-compile
mvn -B -q -o -pl tunnel dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec java ${BENCH_JAVA_OPTS:-} -Dbench.skipS3=$([ "${BENCH_S3:-1}" = 0 ] && echo true || echo false) -Dbench.c8Seconds="${C8_SECONDS:-4}" -Dbench.warmUp="${WARM_UP:-1000}" \
  -Dbench.costOnly=$([ "${COST_ONLY:-0}" = 1 ] && echo true || echo false) \
  -Dlogback.configurationFile=bench/logback-bench.xml -cp "tunnel/target/classes:tunnel/target/test-classes:$(cat tunnel/target/bench.cp)" \
  dev.ferry.tunnel.aws.AwsProxyBench "$@"

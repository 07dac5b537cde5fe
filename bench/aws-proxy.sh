#!/usr/bin/env bash
# AWS API proxy benchmark: DynamoDB GetItem p50/req-s and 50 MB S3 GET MB/s, through the
# proxy (endpoint-URL mode) vs straight to moto, in the same run. The S3 reference is
# "direct over TLS" (stunnel in front of moto: real AWS is TLS-only); plain HTTP is shown too.
# Needs moto_server and stunnel (apt-get install -y stunnel4).
# Usage: bench/aws-proxy.sh [getitem-iterations, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in moto_server stunnel java mvn; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (stunnel: apt-get install -y stunnel4)"; exit 2; }
done
mvn -B -q -o -pl tunnel test-compile
mvn -B -q -o -pl tunnel dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec java -Dlogback.configurationFile=bench/logback-bench.xml -cp "tunnel/target/classes:tunnel/target/test-classes:$(cat tunnel/target/bench.cp)" \
  dev.ferry.tunnel.aws.AwsProxyBench "$@"

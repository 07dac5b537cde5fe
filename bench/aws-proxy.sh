#!/usr/bin/env bash
# AWS API proxy benchmark: DynamoDB GetItem p50/req-s and 50 MB S3 GET MB/s, through the
# proxy (endpoint-URL mode) vs straight to moto, in the same run. Needs moto_server.
# Usage: bench/aws-proxy.sh [getitem-iterations, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -pl tunnel test-compile
mvn -B -q -o -pl tunnel dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec java -Dlogback.configurationFile=/dev/null -cp "tunnel/target/classes:tunnel/target/test-classes:$(cat tunnel/target/bench.cp)" \
  dev.ferry.tunnel.aws.AwsProxyBench "$@"

#!/usr/bin/env bash
# RSS and open connections of both loopback listeners - the PostgreSQL tunnel and the AWS API
# proxy (HTTPS_PROXY mode) - under the same load, before and after the resource limits:
#   before: no limits (ListenerLimits.unlimited()) and the JVM's defaults, as `java -jar` ran it
#   after:  Ferry's limits (ListenerLimits.DATABASE / AWS_PROXY) and the CLI launcher's options
#           (cli_opts in installers/linux/ferry-launcher.sh, plus ferry.cfg's options from
#           installers/jpackage/{common,linux}.args, and the launcher's MALLOC_ARENA_MAX=2:
#           AFTER_ARENAS overrides it, empty = glibc's default)
# Load, from a separate JVM: ACTIVE busy clients (JDBC queries / signed DynamoDB GetItem through
# the proxy to moto), SLOW clients that send half a request head and stop, IDLE clients that
# connect and send nothing. Samples: under load (after LOAD_SECONDS), right after the busy clients
# stop, and SETTLE_SECONDS later (the slow and idle clients still connected on their side).
# Needs: PostgreSQL 15 server binaries, moto_server, mvn.  Usage: bash bench/limits.sh
# env: ACTIVE (200) SLOW (100) IDLE (300) LOAD_SECONDS (20) SETTLE_SECONDS (30) JAVA (java)
#      KINDS ("pg aws": which listeners) CONFIGS ("before after") AFTER_EXTRA (more JVM options for
#      "after", to try a setting)
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIVE=${ACTIVE:-200}; SLOW=${SLOW:-100}; IDLE=${IDLE:-300}
LOAD_SECONDS=${LOAD_SECONDS:-20}; SETTLE_SECONDS=${SETTLE_SECONDS:-30}; JAVA=${JAVA:-java}
for tool in moto_server mvn "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool"; exit 2; }
done
mvn -B -q -o -pl tunnel test-compile
mvn -B -q -o -pl tunnel dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
CP="tunnel/target/classes:tunnel/target/test-classes:$(cat tunnel/target/bench.cp)"
eval "$(grep '^cli_opts=' installers/linux/ferry-launcher.sh)"
# ferry.cfg's Java options as jpackage writes them (the packages' own, not the AOT/CDS paths)
mapfile -t cfg_opts < <(sed -n 's/^--java-options //p' installers/jpackage/common.args installers/jpackage/linux.args \
  | grep -v 'APPDIR')
AFTER_OPTS=("${cfg_opts[@]}" "${cli_opts[@]}" ${AFTER_EXTRA:-})
KINDS=${KINDS:-pg aws}; CONFIGS=${CONFIGS:-before after}
MAIN=dev.ferry.tunnel.ListenerLoadBench
LOG="-Dlogback.configurationFile=bench/logback-bench.xml"
ulimit -n 65536 2>/dev/null || true

declare -A R
run() { # kind config
  local kind=$1 cfg=$2 dir opts=() limits=off l
  dir=$(mktemp -d)
  local arenas=${MALLOC_ARENA_MAX:-} # before: glibc's default (unset)
  if [ "$cfg" = after ]; then opts=("${AFTER_OPTS[@]}"); limits=on; arenas=${AFTER_ARENAS-2}; fi
  mkfifo "$dir/serve.in" "$dir/serve.out" "$dir/load.in" "$dir/load.out"
  env ${arenas:+MALLOC_ARENA_MAX=$arenas} "$JAVA" ${opts[@]+"${opts[@]}"} "$LOG" -cp "$CP" $MAIN serve "$kind" "$limits" "$dir" \
    <"$dir/serve.in" >"$dir/serve.out" 2>"$dir/serve.err" &
  local serve_pid=$!
  exec 7>"$dir/serve.in" 8<"$dir/serve.out"
  for _ in $(seq 1 600); do [ -f "$dir/port" ] && break; sleep 0.2; done
  [ -f "$dir/port" ] || { cat "$dir/serve.err"; exit 1; }
  sample() { echo sample >&7; local s; read -r s <&8; echo "$s"; }
  R[$kind,$cfg,idle]=$(sample)
  "$JAVA" "$LOG" -cp "$CP" $MAIN load "$kind" "$dir" "$ACTIVE" "$SLOW" "$IDLE" \
    <"$dir/load.in" >"$dir/load.out" 2>"$dir/load.err" &
  local load_pid=$!
  exec 5>"$dir/load.in" 6<"$dir/load.out"
  read -r l <&6
  sleep "$LOAD_SECONDS"
  R[$kind,$cfg,load]=$(sample)
  echo stop-active >&5; read -r l <&6; R[$kind,$cfg,requests]=$l
  R[$kind,$cfg,stopped]=$(sample)
  sleep "$SETTLE_SECONDS"
  R[$kind,$cfg,settled]=$(sample)
  echo quit >&5; exec 5>&- 6<&-; wait "$load_pid" || true
  echo quit >&7; exec 7>&- 8<&-; wait "$serve_pid" || true
  if [ -s "$dir/load.err" ]; then # the load's client errors, counted: a failed client is no load
    echo "$kind $cfg: client errors (count, message):"
    grep -v '^[[:space:]]*at ' "$dir/load.err" | sort | uniq -c | sort -rn | head -5
  fi
  [ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"
}
field() { sed -n "s/.*$2=\([0-9]*\).*/\1/p" <<<"$1"; }
for kind in $KINDS; do for cfg in $CONFIGS; do run "$kind" "$cfg"; done; done

echo "load: $ACTIVE busy + $SLOW slow-header + $IDLE idle clients; samples at ${LOAD_SECONDS}s of load, when the busy clients stop, ${SETTLE_SECONDS}s later"
printf '%-22s %-7s %10s %10s %12s %12s %14s %14s\n' listener config idle_MB load_MB stopped_MB settled_MB open@load open@settled
for kind in $KINDS; do
  name=$([ $kind = pg ] && echo "PostgreSQL tunnel" || echo "AWS proxy (HTTPS_PROXY)")
  for cfg in $CONFIGS; do
    printf '%-22s %-7s %10s %10s %12s %12s %14s %14s\n' "$name" "$cfg" \
      "$(field "${R[$kind,$cfg,idle]}" rss_mb)" "$(field "${R[$kind,$cfg,load]}" rss_mb)" \
      "$(field "${R[$kind,$cfg,stopped]}" rss_mb)" "$(field "${R[$kind,$cfg,settled]}" rss_mb)" \
      "$(field "${R[$kind,$cfg,load]}" open)" "$(field "${R[$kind,$cfg,settled]}" open)"
  done
  for cfg in $CONFIGS; do echo "  $name busy clients, $cfg: ${R[$kind,$cfg,requests]}"; done
  [ "$CONFIGS" = "before after" ] || continue
  for s in load settled; do
    b=$(field "${R[$kind,before,$s]}" rss_mb); a=$(field "${R[$kind,after,$s]}" rss_mb)
    echo "  $name RSS at $s, after/before: $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
  done
done

#!/usr/bin/env bash
# Benchmark of the PostgreSQL tunnel (tunnel/ dev.ferry.tunnel.pg.PgTunnel) against a private
# PostgreSQL 15 with TLS, measured in the same run against: direct plaintext, direct TLS
# (sslmode=require, the same TLS work the tunnel does upstream), socat and stunnel.
#
# The socat reference for the bulk target is socat relaying psql's own TLS session
# (via_socat_tls: psql sslmode=require -> socat -> PostgreSQL). The bytes on the wire to
# PostgreSQL are then the same as through the tunnel (TLS, one decryption per byte), so
# "bulk tunnel / socat" compares the relays, not TLS against no TLS: socat copies the
# ciphertext and psql decrypts it, the tunnel decrypts it and psql reads plaintext.
# Also shown: socat relaying plaintext (via_socat, a no-TLS bound), stunnel (protocol =
# pgsql, client mode: like the tunnel, plaintext from the client and verified TLS upstream)
# and, when haproxy is installed, haproxy in TCP mode relaying psql's TLS (via_haproxy_tls: an
# event-loop relay in C, for the TPS comparison) with as many threads as the tunnel has relay
# loops (HAPROXY_THREADS; the tunnel's -Dferry.relayLoops default, one per core up to 4).
#
# Prerequisite: mvn -B -q -o -DskipTests install   (or: mvn -B -q -o -pl tunnel -am test-compile)
# Usage: bash bench/db-tunnel.sh      env: SECONDS_PER_RUN (6), TPS_ROUNDS (5), BULK_ROWS (150000), CONNECTS (100),
#        JAVA (java on PATH; the tunnel's JVM, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java, the
#        JDK the packages ship), CONNECT_JDKS (JDKs whose connect latency is measured besides JAVA:
#        java and temurin 25 where installed), RELAY_LOOPS (the tunnel's -Dferry.relayLoops),
#        HAPROXY_THREADS (RELAY_LOOPS)
set -euo pipefail
cd "$(dirname "$0")/.."
T=${SECONDS_PER_RUN:-6}
ROUNDS=${TPS_ROUNDS:-5}
ROWS=${BULK_ROWS:-150000}
CONNECTS=${CONNECTS:-100}
JAVA=${JAVA:-java}
# the tunnel's relay loops (its default: one per core, at most 4) and as many haproxy threads
LOOPS=${RELAY_LOOPS:-$(n=$(nproc); echo $(( n < 4 ? n : 4 )))}
HAP_THREADS=${HAPROXY_THREADS:-$LOOPS}

for tool in psql pgbench socat stunnel "$JAVA" mvn; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (install it, e.g. apt-get install -y socat stunnel4)"; exit 2; }
done
[ -d tunnel/target/test-classes/dev/ferry/tunnel/pg ] || {
  echo "tunnel is not built: run  mvn -B -q -o -DskipTests install  first"; exit 2; }

WORK=$(mktemp -d)
PEERS_PID=""; SOCAT_PID=""; STUNNEL_PID=""; HAPROXY_PID=""
cleanup() {
  [ -n "$HAPROXY_PID" ] && kill "$HAPROXY_PID" 2>/dev/null || true
  [ -n "$SOCAT_PID" ] && kill "$SOCAT_PID" 2>/dev/null || true
  [ -n "$STUNNEL_PID" ] && kill "$STUNNEL_PID" 2>/dev/null || true
  [ -n "$PEERS_PID" ] && { exec 9>&- 2>/dev/null || true; wait "$PEERS_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

mvn -B -q -o -pl tunnel dependency:build-classpath -Dmdep.outputFile="$WORK/cp" >/dev/null
CP="tunnel/target/classes:tunnel/target/test-classes:$(cat "$WORK/cp")"

mkfifo "$WORK/in"
"$JAVA" -Dferry.relayLoops="$LOOPS" -cp "$CP" dev.ferry.tunnel.pg.DbTunnelBenchPeers <"$WORK/in" >"$WORK/peers.out" 2>"$WORK/peers.err" &
PEERS_PID=$!
exec 9>"$WORK/in"
for _ in $(seq 600); do grep -q READY "$WORK/peers.out" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$WORK/peers.out" || { echo "peers did not start:"; cat "$WORK/peers.err"; exit 1; }
PG=$(sed -n 's/.*pg=\([0-9]*\).*/\1/p' "$WORK/peers.out")
TUN=$(sed -n 's/.*tunnel=\([0-9]*\).*/\1/p' "$WORK/peers.out")
CA=$(sed -n 's/.* ca=\(.*\)$/\1/p' "$WORK/peers.out")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SOC=$(free_port)
socat TCP-LISTEN:"$SOC",bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:"$PG" &
SOCAT_PID=$!
STN=$(free_port)
cat >"$WORK/stunnel.conf" <<EOF
foreground = yes
pid =
[pg]
client = yes
accept = 127.0.0.1:$STN
connect = 127.0.0.1:$PG
protocol = pgsql
CAfile = $CA
verifyChain = yes
checkIP = 127.0.0.1
EOF
stunnel "$WORK/stunnel.conf" 2>"$WORK/stunnel.err" &
STUNNEL_PID=$!
HAP=""
if command -v haproxy >/dev/null; then
  HAP=$(free_port)
  printf 'global\n  nbthread %s\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 5m\n  timeout server 5m\nfrontend f\n  bind 127.0.0.1:%s\n  default_backend b\nbackend b\n  server pg 127.0.0.1:%s\n' \
    "$HAP_THREADS" "$HAP" "$PG" >"$WORK/haproxy.cfg"
  haproxy -f "$WORK/haproxy.cfg" 2>"$WORK/haproxy.err" &
  HAPROXY_PID=$!
fi
for port in "$SOC" "$STN" $HAP; do
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.05; done
done

DB=ferrydb
direct_plain="host=127.0.0.1 port=$PG user=postgres dbname=$DB sslmode=disable"
direct_tls="host=127.0.0.1 port=$PG user=postgres dbname=$DB sslmode=require"
via_tunnel="host=127.0.0.1 port=$TUN user=whoever dbname=whatever sslmode=disable"
via_stunnel="host=127.0.0.1 port=$STN user=postgres dbname=$DB sslmode=disable"
via_socat_tls="host=127.0.0.1 port=$SOC user=postgres dbname=$DB sslmode=require"
via_socat="host=127.0.0.1 port=$SOC user=postgres dbname=$DB sslmode=disable"
via_haproxy_tls="host=127.0.0.1 port=$HAP user=postgres dbname=$DB sslmode=require"
NAMES=(direct_plain direct_tls via_tunnel via_socat_tls via_stunnel via_socat)
[ -n "$HAP" ] && NAMES+=(via_haproxy_tls)
psql -X -At "$via_stunnel" -c 'select 1' >/dev/null || { echo "stunnel relay does not work:"; cat "$WORK/stunnel.err"; exit 1; }

echo "PostgreSQL 15 on 127.0.0.1:$PG (ssl=on), tunnel on :$TUN (TLS upstream, VERIFY_FULL),"
echo "socat on :$SOC (relays psql's TLS as via_socat_tls, plaintext as via_socat),"
echo "stunnel on :$STN (TLS upstream, pgsql SSLRequest, verified)"
[ -n "$HAP" ] && echo "haproxy on :$HAP ($(haproxy -v | head -1 | cut -d' ' -f1-3), $HAP_THREADS threads, TCP mode, relays psql's TLS; the tunnel relays on $LOOPS loop(s))"
echo "$(stunnel -version 2>&1 | grep -m1 '^.*stunnel [0-9]' | sed 's/^\[.\] //'), $(socat -V | grep -m1 'socat version')"
echo "machine: $(nproc) cores; tunnel on $("$JAVA" -version 2>&1 | head -1)"
pgbench -q -i -s 10 "$direct_plain" >/dev/null 2>&1

tps() { pgbench -S -c 8 -j 2 -T "$T" -n "$1" 2>/dev/null | awk '/^tps/ {print $3; exit}'; }
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
r3() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; } # the per-round target: rounding must not hide a miss
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A TPS MBS P50
SQL="select repeat('x', 1000) from generate_series(1, $ROWS)"
echo
echo "warm-up (JIT of the tunnel's relay and TLS code; every path gets the same): 3 bulk reads + 5 s pgbench each"
for n in "${NAMES[@]}"; do
  for _ in 1 2 3; do psql -X -At "${!n}" -c "$SQL" >/dev/null; done
  pgbench -S -c 8 -j 2 -T 5 -n "${!n}" >/dev/null 2>&1
done
echo
echo "== pgbench select-only: -S -c 8 -j 2 -T $T, $ROUNDS interleaved rounds (median, min-max) =="
declare -A RUNS RATIO
for _ in $(seq "$ROUNDS"); do
  declare -A NOW=()
  # each round starts with the next path: no path always runs first, or right after the same one
  k=${#NAMES[@]}; first=$(( ${round:-0} % k ))
  for i in $(seq 0 $((k - 1))); do n=${NAMES[$(( (first + i) % k ))]}; NOW[$n]=$(tps "${!n}"); RUNS[$n]+="${NOW[$n]} "; done
  # each round's ratios pair runs of the same round, so the machine's drift over minutes cancels
  for n in "${NAMES[@]}"; do RATIO[$n]+="$(r "${NOW[$n]}" "${NOW[direct_tls]}") "; done
  RATIO[tunnel_plain]+="$(r "${NOW[via_tunnel]}" "${NOW[direct_plain]}") "
  best=via_socat_tls
  for n in via_stunnel via_haproxy_tls; do
    [ -n "${NOW[$n]:-}" ] && awk -v a="${NOW[$n]}" -v b="${NOW[$best]}" 'BEGIN { exit !(a > b) }' && best=$n
  done
  RATIO[best_relay]+="$(r3 "${NOW[via_tunnel]}" "${NOW[$best]}") "
  round=$(( ${round:-0} + 1 ))
  printf '  round %d: tunnel %.0f tps, best relay %s %.0f tps, tunnel / best relay = %s\n' "$round" \
    "${NOW[via_tunnel]}" "$best" "${NOW[$best]}" "$(r3 "${NOW[via_tunnel]}" "${NOW[$best]}")"
done
for n in "${NAMES[@]}"; do
  TPS[$n]=$(median ${RUNS[$n]})
  sorted=($(printf '%s\n' ${RUNS[$n]} | sort -g))
  printf '  %-16s %10.0f tps  (%.0f-%.0f)\n' "$n" "${TPS[$n]}" "${sorted[0]}" "${sorted[-1]}"
done
echo "  tunnel / direct TLS per round: ${RATIO[via_tunnel]}"
echo "  tunnel / best relay per round: ${RATIO[best_relay]}  (target: every one >= 1.00)"

echo
echo "== bulk read: psql, $ROWS rows x 1 kB to /dev/null, best of 5 interleaved rounds =="
bytes=$(psql -X -At "$direct_plain" -c "$SQL" | wc -c)
declare -A BEST
for n in "${NAMES[@]}"; do BEST[$n]=999999; done
for _ in 1 2 3 4 5; do
  for n in "${NAMES[@]}"; do
    s=$(date +%s%N); psql -X -At "${!n}" -c "$SQL" >/dev/null; e=$(date +%s%N)
    ms=$(( (e - s) / 1000000 )); [ "$ms" -lt "${BEST[$n]}" ] && BEST[$n]=$ms
  done
done
for n in "${NAMES[@]}"; do
  MBS[$n]=$(awk -v b="$bytes" -v ms="${BEST[$n]}" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }')
  printf '  %-16s %8s MB/s  (%d MB in %d ms)\n' "$n" "${MBS[$n]}" $((bytes / 1000000)) "${BEST[$n]}"
done

echo
echo "== connect + 'select 1' with psql, $CONNECTS times each, alternating direct TLS / tunnel, p50, per JDK =="
pg_connect() { # direct | PORT
  if [ "$1" = direct ]; then psql -X -At "$direct_tls" -c 'select 1' >/dev/null
  else psql -X -At "host=127.0.0.1 port=$1 user=whoever dbname=whatever sslmode=disable" -c 'select 1' >/dev/null; fi
}
source bench/connect-per-jdk.sh
connect_per_jdk dev.ferry.tunnel.pg.DbTunnelBenchPeers "$PG" "$CA" pg_connect

echo
echo "== ratios (tunnel: plaintext client -> tunnel -> TLS -> PostgreSQL) =="
echo "TPS: median of the $ROUNDS rounds' ratios"
echo "  TPS   tunnel / direct TLS      = $(median ${RATIO[via_tunnel]})   (target >= 0.90)"
echo "  TPS   socat (TLS) / direct TLS = $(median ${RATIO[via_socat_tls]})   (socat relaying psql's TLS: the cost of any relay hop)"
echo "  TPS   stunnel / direct TLS     = $(median ${RATIO[via_stunnel]})"
[ -n "$HAP" ] && echo "  TPS   haproxy (TLS) / direct TLS = $(median ${RATIO[via_haproxy_tls]})   ($HAP_THREADS-thread event loop in C relaying psql's TLS)"
echo "  TPS   tunnel / direct plain    = $(median ${RATIO[tunnel_plain]})"
echo "bulk: best runs"
echo "  bulk  tunnel / socat (TLS)     = $(r "${MBS[via_tunnel]}" "${MBS[via_socat_tls]}")   (target >= 0.95; same TLS bytes upstream, socat copies them, the tunnel decrypts them)"
echo "  bulk  tunnel / direct TLS      = $(r "${MBS[via_tunnel]}" "${MBS[direct_tls]}")"
echo "  bulk  tunnel / stunnel         = $(r "${MBS[via_tunnel]}" "${MBS[via_stunnel]}")   (plaintext client side, verified TLS upstream, like the tunnel)"
echo "  bulk  tunnel / socat (plain)   = $(r "${MBS[via_tunnel]}" "${MBS[via_socat]}")   (information: socat relaying plaintext, no TLS anywhere)"
echo "  bulk  tunnel / direct plain    = $(r "${MBS[via_tunnel]}" "${MBS[direct_plain]}")"
for jv in "${!ADDED[@]}"; do
  echo "  connect latency added (p50)    = ${ADDED[$jv]} ms on JDK $jv   (target <= 1 ms; tunnel vs direct TLS, psql process start in both)"
done
echo "  (PostgreSQL turns TLS session resumption off, so every upstream connection makes a full, verified handshake;"
echo "   the tunnel keeps one such connection ready while in use, its warm spare, so a client's connect does not wait for it)"

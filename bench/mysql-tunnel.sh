#!/usr/bin/env bash
# Benchmark of the MySQL tunnel (tunnel/ dev.ferry.tunnel.mysql.MySqlTunnel) against a private
# MariaDB (Debian's mariadb-server) with TLS, measured in the same run against: direct TLS
# (the client's own TLS to MariaDB, the same TLS work the tunnel does upstream), socat relaying
# the client's TLS and haproxy (TCP mode) relaying the client's TLS, with as many threads as the
# tunnel has relay loops (HAPROXY_THREADS; the tunnel's -Dferry.relayLoops default, one per core up to 4).
#
# Through socat and haproxy the bytes on the wire to MariaDB are the same as through the
# tunnel (TLS, one decryption per byte): socat/haproxy copy the ciphertext and the client
# decrypts it, the tunnel decrypts it and the client reads plaintext. So "tunnel / socat (TLS)"
# compares relays, not TLS against no TLS.
#
# Loads: select-only point selects (sysbench-like: SELECT c FROM sbtest WHERE id=<random>, a
# 100 000-row table) with mariadb-slap at 8 connections, and a bulk read (mariadb --quick,
# BULK_ROWS x 1 kB to /dev/null). Rounds are interleaved, and each round starts with the next
# path (a path is not always the one that runs first, or right after the same one); figures are
# medians (QPS: median of the rounds' ratios against direct TLS; bulk: best of 5 runs each).
# A select-only run is about 6 s at 30 000 qps: shorter runs (1 s at 40 000 queries) swung by
# +-25 % between rounds on 2 cores, more than the differences between the relays.
#
# Prerequisite: mvn -B -q -o -pl tunnel -am test-compile   (runs as root: the MariaDB test server does)
# Usage: bash bench/mysql-tunnel.sh      env: QUERIES (200000), ROUNDS (5), BULK_ROWS (150000),
#        CONNECTS (100), JAVA (java on PATH; the tunnel's JVM, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java),
#        CONNECT_JDKS (JDKs whose connect latency is measured besides JAVA: java and temurin 25 where installed),
#        RELAY_LOOPS (the tunnel's -Dferry.relayLoops), HAPROXY_THREADS (RELAY_LOOPS)
set -euo pipefail
cd "$(dirname "$0")/.."
QUERIES=${QUERIES:-200000}
ROUNDS=${ROUNDS:-5}
ROWS=${BULK_ROWS:-150000}
CONNECTS=${CONNECTS:-100}
JAVA=${JAVA:-java}
# the tunnel's relay loops (its default: one per core, at most 4) and as many haproxy threads
LOOPS=${RELAY_LOOPS:-$(n=$(nproc); echo $(( n < 4 ? n : 4 )))}
HAP_THREADS=${HAPROXY_THREADS:-$LOOPS}

for tool in mariadb mariadb-slap mariadbd socat haproxy "$JAVA" mvn python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y mariadb-server mariadb-client socat haproxy)"; exit 2; }
done
[ -d tunnel/target/test-classes/dev/ferry/tunnel/mysql ] || {
  echo "tunnel is not built: run  mvn -B -q -o -pl tunnel -am test-compile  first"; exit 2; }

WORK=$(mktemp -d)
PEERS_PID=""; SOCAT_PID=""; HAPROXY_PID=""
cleanup() {
  [ -n "$HAPROXY_PID" ] && kill "$HAPROXY_PID" 2>/dev/null || true
  [ -n "$SOCAT_PID" ] && kill "$SOCAT_PID" 2>/dev/null || true
  [ -n "$PEERS_PID" ] && { exec 9>&- 2>/dev/null || true; wait "$PEERS_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

mvn -B -q -o -pl tunnel dependency:build-classpath -Dmdep.outputFile="$WORK/cp" >/dev/null
CP="tunnel/target/classes:tunnel/target/test-classes:$(cat "$WORK/cp")"

mkfifo "$WORK/in"
"$JAVA" -Dferry.relayLoops="$LOOPS" -cp "$CP" dev.ferry.tunnel.mysql.MySqlTunnelBenchPeers <"$WORK/in" >"$WORK/peers.out" 2>"$WORK/peers.err" &
PEERS_PID=$!
exec 9>"$WORK/in"
for _ in $(seq 900); do grep -q READY "$WORK/peers.out" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$WORK/peers.out" || { echo "peers did not start:"; cat "$WORK/peers.err"; exit 1; }
DB=$(sed -n 's/.* db=\([0-9]*\).*/\1/p' "$WORK/peers.out")
TUN=$(sed -n 's/.*tunnel=\([0-9]*\).*/\1/p' "$WORK/peers.out")
CA=$(sed -n 's/.* ca=\([^ ]*\).*/\1/p' "$WORK/peers.out")
SOCK=$(sed -n 's/.* sock=\([^ ]*\).*/\1/p' "$WORK/peers.out")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SOC=$(free_port)
socat TCP-LISTEN:"$SOC",bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:"$DB" &
SOCAT_PID=$!
HAP=$(free_port)
printf 'global\n  nbthread %s\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 5m\n  timeout server 5m\nfrontend f\n  bind 127.0.0.1:%s\n  default_backend b\nbackend b\n  server db 127.0.0.1:%s\n' \
  "$HAP_THREADS" "$HAP" "$DB" >"$WORK/haproxy.cfg"
haproxy -f "$WORK/haproxy.cfg" 2>"$WORK/haproxy.err" &
HAPROXY_PID=$!

USER=u_native; PW=s3cret-Pw; NAME=ferrydb
TLS="-u $USER -p$PW --ssl --ssl-ca=$CA"
direct_tls="-h 127.0.0.1 -P $DB $TLS"
via_tunnel="-h 127.0.0.1 -P $TUN -u anyone"
via_socat_tls="-h 127.0.0.1 -P $SOC $TLS"
via_haproxy_tls="-h 127.0.0.1 -P $HAP $TLS"
NAMES=(direct_tls via_tunnel via_socat_tls via_haproxy_tls)
for n in "${NAMES[@]}"; do
  for _ in $(seq 100); do mariadb --no-defaults ${!n} -N -e 'select 1' $NAME >/dev/null 2>&1 && break; sleep 0.05; done
  mariadb --no-defaults ${!n} -N -e 'show session status like "Ssl_version"' $NAME | grep -q TLS \
    || [ "$n" = via_tunnel ] || { echo "$n is not TLS"; exit 1; }
done

mariadb --no-defaults --socket="$SOCK" -uroot $NAME -e "
  create table sbtest (id int primary key, k int not null, c char(120) not null, pad char(60) not null, key (k));
  insert into sbtest select seq, seq mod 1000, lpad(md5(seq), 120, 'c'), lpad(seq, 60, 'p') from seq_1_to_100000;"
python3 -c "
import random
random.seed(7)
print(';'.join('SELECT c FROM sbtest WHERE id=%d' % random.randint(1, 100000) for _ in range(20000)))" >"$WORK/queries.sql"

echo "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$DB (TLS), tunnel on :$TUN (TLS upstream, VERIFY_FULL),"
echo "socat on :$SOC and $(haproxy -v | head -1 | cut -d' ' -f1-3) on :$HAP ($HAP_THREADS threads, TCP mode), both relaying the client's TLS; the tunnel relays on $LOOPS loop(s)"
echo "$(socat -V | grep -m1 'socat version'); machine: $(nproc) cores; tunnel on $("$JAVA" -version 2>&1 | head -1)"

qps() { # prints queries per second of one mariadb-slap run
  local secs
  secs=$(mariadb-slap --no-defaults ${!1} --create-schema=$NAME --concurrency=8 --iterations=1 \
    --number-of-queries="$QUERIES" --query="$WORK/queries.sql" --delimiter=';' 2>/dev/null \
    | awk '/Average number of seconds to run all queries/ {print $9}')
  awk -v q="$QUERIES" -v s="$secs" 'BEGIN { printf "%.0f", q / s }'
}
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
r3() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; } # the per-round target: rounding must not hide a miss
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
BULK="select repeat('x', 1000) from seq_1_to_$ROWS"

echo
echo "warm-up (JIT of the tunnel's relay and TLS code; every path gets the same): 3 bulk reads + one slap run each"
for n in "${NAMES[@]}"; do
  for _ in 1 2 3; do mariadb --no-defaults ${!n} --quick -N -B -e "$BULK" $NAME >/dev/null; done
  qps "$n" >/dev/null
done

echo
echo "== select-only: mariadb-slap --concurrency=8, $QUERIES point selects, $ROUNDS interleaved rounds (median, min-max) =="
declare -A RUNS RATIO QPS MBS
for _ in $(seq "$ROUNDS"); do
  declare -A NOW=()
  k=${#NAMES[@]}; first=$(( ${round:-0} % k ))
  for i in $(seq 0 $((k - 1))); do n=${NAMES[$(( (first + i) % k ))]}; NOW[$n]=$(qps "$n"); RUNS[$n]+="${NOW[$n]} "; done
  for n in "${NAMES[@]}"; do RATIO[$n]+="$(r "${NOW[$n]}" "${NOW[direct_tls]}") "; done
  best_relay=$(( NOW[via_socat_tls] > NOW[via_haproxy_tls] ? NOW[via_socat_tls] : NOW[via_haproxy_tls] ))
  RATIO[best_relay]+="$(r3 "${NOW[via_tunnel]}" "$best_relay") "
  round=$(( ${round:-0} + 1 ))
  printf '  round %d: tunnel %s qps, socat %s, haproxy %s, direct TLS %s; tunnel / best relay = %s\n' "$round" \
    "${NOW[via_tunnel]}" "${NOW[via_socat_tls]}" "${NOW[via_haproxy_tls]}" "${NOW[direct_tls]}" "$(r3 "${NOW[via_tunnel]}" "$best_relay")"
done
for n in "${NAMES[@]}"; do
  QPS[$n]=$(median ${RUNS[$n]})
  sorted=($(printf '%s\n' ${RUNS[$n]} | sort -g))
  printf '  %-16s %8.0f qps  (%.0f-%.0f)\n' "$n" "${QPS[$n]}" "${sorted[0]}" "${sorted[-1]}"
done
echo "  tunnel / best relay per round: ${RATIO[best_relay]}  (target: every one >= 1.00)"

echo
echo "== bulk read: mariadb --quick, $ROWS rows x 1 kB to /dev/null, best of 5 interleaved rounds =="
bytes=$(mariadb --no-defaults $direct_tls --quick -N -B -e "$BULK" $NAME | wc -c)
declare -A BEST
for n in "${NAMES[@]}"; do BEST[$n]=999999; done
for _ in 1 2 3 4 5; do
  for n in "${NAMES[@]}"; do
    s=$(date +%s%N); mariadb --no-defaults ${!n} --quick -N -B -e "$BULK" $NAME >/dev/null; e=$(date +%s%N)
    ms=$(( (e - s) / 1000000 )); [ "$ms" -lt "${BEST[$n]}" ] && BEST[$n]=$ms
  done
done
for n in "${NAMES[@]}"; do
  MBS[$n]=$(awk -v b="$bytes" -v ms="${BEST[$n]}" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }')
  printf '  %-16s %8s MB/s  (%d MB in %d ms)\n' "$n" "${MBS[$n]}" $((bytes / 1000000)) "${BEST[$n]}"
done

echo
echo "== connect + 'select 1' with mariadb, $CONNECTS times each, alternating direct TLS / tunnel, p50, per JDK =="
my_connect() { # direct | PORT
  if [ "$1" = direct ]; then mariadb --no-defaults $direct_tls -N -e 'select 1' $NAME >/dev/null
  else mariadb --no-defaults -h 127.0.0.1 -P "$1" -u anyone -N -e 'select 1' $NAME >/dev/null; fi
}
source bench/connect-per-jdk.sh
connect_per_jdk dev.ferry.tunnel.mysql.MySqlTunnelBenchPeers "$DB" "$CA" my_connect

echo
echo "== ratios (tunnel: plaintext client -> tunnel -> TLS -> MariaDB) =="
echo "  QPS   tunnel / best relay (TLS)  = $(median ${RATIO[best_relay]})   (target >= 1.00; per round, the better of socat and haproxy)"
echo "  QPS   tunnel / direct TLS        = $(median ${RATIO[via_tunnel]})"
echo "  QPS   socat (TLS) / direct TLS   = $(median ${RATIO[via_socat_tls]})"
echo "  QPS   haproxy (TLS) / direct TLS = $(median ${RATIO[via_haproxy_tls]})"
echo "  bulk  tunnel / socat (TLS)       = $(r "${MBS[via_tunnel]}" "${MBS[via_socat_tls]}")   (target >= 0.95)"
echo "  bulk  tunnel / haproxy (TLS)     = $(r "${MBS[via_tunnel]}" "${MBS[via_haproxy_tls]}")"
echo "  bulk  tunnel / direct TLS        = $(r "${MBS[via_tunnel]}" "${MBS[direct_tls]}")"
for jv in "${!ADDED[@]}"; do
  echo "  connect latency added (p50)      = ${ADDED[$jv]} ms on JDK $jv   (target <= 1 ms; the mariadb client's process start in both)"
done

# Sourced by bench/db-tunnel.sh and bench/mysql-tunnel.sh: connect + 'select 1' latency, direct TLS
# vs a tunnel-only JVM per JDK (JAVA, then CONNECT_JDKS: java and temurin 25 where installed),
# alternating, CONNECTS times each. Fills ADDED[jdk version] (ms, p50 tunnel - p50 direct) and prints
# one line per JDK.
#   connect_per_jdk PEERS_CLASS DB_PORT CA_FILE CONNECT_FN
# CONNECT_FN PORT: one client connect + 'select 1' through the tunnel on PORT; CONNECT_FN direct: directly over TLS.
declare -A ADDED
connect_per_jdk() {
  local main=$1 dbport=$2 ca=$3 fn=$4 j jv tpid tport pd pt s e n
  local jdks=("$JAVA")
  for j in ${CONNECT_JDKS:-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}; do
    command -v "$j" >/dev/null && [ "$(command -v "$j")" != "$(command -v "$JAVA")" ] && jdks+=("$j")
  done
  for j in "${jdks[@]}"; do
    jv=$("$j" -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')
    rm -f "$WORK/t.in"; mkfifo "$WORK/t.in"
    "$j" -cp "$CP" "$main" tunnel "$dbport" "$ca" <"$WORK/t.in" >"$WORK/t.out" 2>"$WORK/t.err" &
    tpid=$!
    exec 8>"$WORK/t.in"
    for _ in $(seq 300); do grep -q READY "$WORK/t.out" 2>/dev/null && break; sleep 0.1; done
    tport=$(sed -n 's/.*tunnel=\([0-9]*\).*/\1/p' "$WORK/t.out")
    for _ in $(seq 20); do "$fn" "$tport"; done # JIT of the tunnel's set-up path
    : >"$WORK/lat.direct"; : >"$WORK/lat.tunnel"
    for _ in $(seq "$CONNECTS"); do
      for n in direct tunnel; do
        s=$(date +%s%N)
        if [ $n = direct ]; then "$fn" direct; else "$fn" "$tport"; fi
        e=$(date +%s%N)
        echo $(( (e - s) / 1000 )) >>"$WORK/lat.$n"
      done
    done
    exec 8>&-; wait "$tpid" || true
    pd=$(median $(cat "$WORK/lat.direct")); pt=$(median $(cat "$WORK/lat.tunnel"))
    ADDED[$jv]=$(awk -v a="$pt" -v b="$pd" 'BEGIN { printf "%.2f", (a - b) / 1000 }')
    printf '  JDK %-10s direct TLS p50 %6.2f ms, tunnel p50 %6.2f ms, added %s ms  (upstream %s)\n' "$jv" \
      "$(awk -v u="$pd" 'BEGIN{print u/1000}')" "$(awk -v u="$pt" 'BEGIN{print u/1000}')" "${ADDED[$jv]}" \
      "$(sed -n 's/^handshakes: //p' "$WORK/t.err")"
  done
}

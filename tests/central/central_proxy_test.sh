#!/usr/bin/env bash
# Issue 14: forwarding through a fault proxy of the test's own
# (tests/tools/fault_proxy.py: drops, resets, 5 s stalls) between three
# kiosks and a real PostgreSQL 15: 3 x 1000 acknowledged requests, then the
# faults stop and the backlog drains within a bounded time; central rows ==
# acknowledged, 0 duplicates.
# Usage: central_proxy_test.sh KIOSKCTL DRIVER WORKDIR
set -u
CTL=$1 DRIVER=$2 WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/pg_lib.sh"
[ -x "$PG_BIN/initdb" ] || { echo "SKIP: no PostgreSQL 15 in $PG_BIN"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
pg_test_begin

pg_init "$PG" tcp || fail "could not start PostgreSQL"
sql() { pg_sql "$PG" aftercare "$1"; }
PROXY_PORT=$(($(pg_port "$PG") + 1))
echo faults >"$WORK/control"
python3 "$HERE/../tools/fault_proxy.py" "$PROXY_PORT" "$(pg_port "$PG")" "$WORK/control" \
    "$WORK/stats" &
PIDS+=($!)
for ((t = 0; t < 100; t++)); do
    [ -s "$WORK/stats" ] && break
    sleep 0.05
done
[ -s "$WORK/stats" ] || fail "the proxy did not start"

for k in 1 2 3; do
    pg_config_yaml "kiosk-$k" 127.0.0.1 "$PROXY_PORT" "batch: 50" >"$WORK/k$k.yaml"
done
# The schema straight to the server (the proxy is for the forwarders).
pg_config_yaml init 127.0.0.1 "$(pg_port "$PG")" >"$WORK/direct.yaml"
"$CTL" --config "$WORK/direct.yaml" central init >/dev/null || fail "central init"
for k in 1 2 3; do
    "$CTL" --config "$WORK/k$k.yaml" --db "$WORK/k$k.db" forward --follow --interval-ms 50 \
        2>"$WORK/fwd$k.log" &
    PIDS+=($!)
done
DRV=()
for k in 1 2 3; do
    "$DRIVER" "$WORK/k$k.db" 1000 "kiosk-$k" >"$WORK/acked$k" 2>"$WORK/drv$k.log" &
    DRV+=($!)
done
for p in "${DRV[@]}"; do wait "$p" || fail "a driver did not get all its requests acknowledged"; done
acked=$(($(cat "$WORK/acked1") + $(cat "$WORK/acked2") + $(cat "$WORK/acked3")))
[ "$acked" = 3000 ] || fail "acknowledged $acked, want 3000"
echo "3000 acknowledged ($(elapsed) s); central has $(sql "SELECT count(*) FROM requests")"
# Faults until each kind has happened (bounded), then calm.
for ((t = 0; t < 1200; t++)); do
    read -r drops resets stalls conns <"$WORK/stats"
    [ "$drops" -ge 3 ] && [ "$resets" -ge 3 ] && [ "$stalls" -ge 2 ] && break
    sleep 0.1
done
read -r drops resets stalls conns <"$WORK/stats"
[ "$drops" -ge 3 ] && [ "$resets" -ge 3 ] && [ "$stalls" -ge 2 ] ||
    fail "the proxy made too few faults: $drops drops, $resets resets, $stalls stalls"
echo calm >"$WORK/control"
CALM=$(date +%s.%N)
# Bounded: the back-off caps at 1 s and a stalled query gives up after 3 s.
for ((t = 0; t < 600; t++)); do
    [ "$(sql "SELECT count(*) FROM requests")" = 3000 ] && break
    sleep 0.1
done
drain=$(awk -v a="$(date +%s.%N)" -v b="$CALM" 'BEGIN { printf "%.1f", a - b }')
[ "$(sql "SELECT count(*) FROM requests")" = 3000 ] || fail "central has $(sql "SELECT count(*) FROM requests") of 3000"
[ "$(sql "SELECT count(*) - count(DISTINCT uuid) FROM requests")" = 0 ] || fail "duplicates"
for k in 1 2 3; do
    for ((t = 0; t < 100; t++)); do
        [ "$(sqlite3 "$WORK/k$k.db" "SELECT count(*) FROM requests WHERE forwarded_at IS NULL")" = 0 ] && break
        sleep 0.1
    done
    [ "$(sqlite3 "$WORK/k$k.db" "SELECT count(*) FROM requests WHERE forwarded_at IS NULL")" = 0 ] ||
        fail "kiosk $k backlog"
done
grep -h "WARN" "$WORK"/fwd*.log | sed 's/(attempt.*//' | sort | uniq -c | sort -rn | head -5
grep -q "PASSWORD\|kiosk-secret-pw" "$WORK"/fwd*.log && fail "a password in the log"
echo "ok: $drops drops, $resets resets, $stalls 5 s stalls over $conns connections;" \
    "3000 acknowledged = 3000 central, 0 duplicates; drained $drain s after the faults stopped"
echo "PASS ($(elapsed) s)"

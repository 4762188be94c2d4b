#!/usr/bin/env bash
# Issue 14 against a real PostgreSQL 15 that this test starts and stops:
#  1. kioskctl central init applies the schema once;
#  2. 3 kiosk processes (central_driver: the kiosk's requests_service) x 1000
#     requests, each with its forwarder (kioskctl forward --follow), while the
#     server is stopped and restarted 4 times: central rows == acknowledged,
#     0 duplicates, every backlog 0, urgent first;
#  3. SIGKILL between the central COMMIT and the local mark, 100 times:
#     0 duplicates, nothing lost;
#  4. audit rows and status changes reach central; a central claim and done
#     reach the kiosk (its show and purge see them); the conflict rule;
#  5. kioskctl check shows backlog, oldest unforwarded and the last error.
# Usage: central_forward_test.sh KIOSKCTL DRIVER WORKDIR
set -u
CTL=$1 DRIVER=$2 WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/pg_lib.sh"
[ -x "$PG_BIN/initdb" ] || { echo "SKIP: no PostgreSQL 15 in $PG_BIN"; exit 77; }

pg_test_begin

pg_init "$PG" || fail "could not start PostgreSQL"
PORT=$(pg_port "$PG")
sql() { pg_sql "$PG" aftercare "$1"; }
# Polls `cmd` until it prints `want` (at most $3 tenths of a second).
wait_for() {
    local cmd=$1 want=$2 tries=${3:-600} got=
    for ((t = 0; t < tries; t++)); do
        got=$(eval "$cmd" 2>/dev/null)
        [ "$got" = "$want" ] && return 0
        sleep 0.1
    done
    echo "waited for [$cmd] = $want, last got [$got]"
    return 1
}

for k in 1 2 3; do
    pg_config_yaml "kiosk-$k" "$PG/sock" "$PORT" >"$WORK/k$k.yaml"
done

# ---- 1. the schema ----------------------------------------------------------
out=$("$CTL" --config "$WORK/k1.yaml" central init) || fail "central init: $out"
echo "$out" | grep -q "version 1 (applied now)" || fail "central init said: $out"
out=$("$CTL" --config "$WORK/k1.yaml" central init) || fail "second central init: $out"
echo "$out" | grep -q "already there" || fail "second central init said: $out"
[ "$(sql "SELECT count(*) FROM pg_indexes WHERE tablename = 'requests' AND indexname = 'requests_queue'")" = 1 ] ||
    fail "no queue index"
echo "ok: schema applied once ($(elapsed) s)"

# ---- 2. 3 kiosks x 1000 while the server restarts ------------------------------
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
central_count() { sql "SELECT count(*) FROM requests" 2>/dev/null || echo -1; }
for cycle in 1 2 3 4; do
    # Restart once central has some more rows, so restarts land mid-stream.
    want=$((cycle * 300))
    for ((t = 0; t < 600; t++)); do
        [ "$(central_count)" -ge "$want" ] && break
        sleep 0.05
    done
    pg_stop "$PG" immediate
    # Down until every forwarder has noticed (a failed attempt logged).
    for k in 1 2 3; do
        before=$(grep -c "WARN" "$WORK/fwd$k.log")
        for ((t = 0; t < 200; t++)); do
            [ "$(grep -c "WARN" "$WORK/fwd$k.log")" -gt "$before" ] && break
            [ "$before" -ge "$cycle" ] && break
            sleep 0.05
        done
    done
    pg_start "$PG" || fail "restart $cycle"
    echo "restart $cycle at $(central_count) central rows ($(elapsed) s)"
done
for p in "${DRV[@]}"; do wait "$p" || fail "a driver did not get all its requests acknowledged"; done
acked=$(($(cat "$WORK/acked1") + $(cat "$WORK/acked2") + $(cat "$WORK/acked3")))
[ "$acked" = 3000 ] || fail "acknowledged $acked, want 3000"
wait_for central_count 3000 1200 || fail "central did not reach the acknowledged count"
[ "$(sql "SELECT count(DISTINCT uuid) FROM requests")" = 3000 ] || fail "duplicates"
for k in 1 2 3; do
    wait_for "sqlite3 '$WORK/k$k.db' 'SELECT count(*) FROM requests WHERE forwarded_at IS NULL'" 0 ||
        fail "kiosk $k backlog did not drain"
    [ "$(sql "SELECT count(*) FROM requests WHERE kiosk_id = 'kiosk-$k'")" = 1000 ] ||
        fail "kiosk $k rows"
done
grep -q "WARN.*forward:" "$WORK/fwd1.log" || fail "the forwarder never saw the server go away"
grep -q "reachable again" "$WORK/fwd1.log" || fail "the forwarder did not log its recovery"
echo "ok: 3 x 1000 acknowledged = $(central_count) central rows, 0 duplicates, 4 restarts ($(elapsed) s)"

# ---- 3. urgent first ---------------------------------------------------------
for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2>/dev/null; done
PIDS=()
pg_config_yaml "kiosk-order" "$PG/sock" "$PORT" "batch: 7" >"$WORK/order.yaml"
"$DRIVER" "$WORK/order.db" 60 kiosk-order >/dev/null 2>&1 || fail "order driver"
"$CTL" --config "$WORK/order.yaml" --db "$WORK/order.db" forward --once >/dev/null 2>&1 ||
    fail "forward --once"
first=$(sql "SELECT string_agg(urgency, ',') FROM (SELECT urgency FROM requests WHERE kiosk_id = 'kiosk-order' ORDER BY id LIMIT 6) x")
[ "$first" = "urgent,urgent,urgent,urgent,urgent,urgent" ] || fail "urgent not first: $first"
echo "ok: urgent alerts forwarded first"
out=$("$CTL" --db "$WORK/order.db" check 2>&1)
echo "$out" | grep -q "forwarding: backlog 0; last success 20" || fail "check after a first good run: $out"

# ---- 4. SIGKILL between central COMMIT and local mark, 100 times ---------------
pg_config_yaml "kiosk-kill" "$PG/sock" "$PORT" "batch: 1" >"$WORK/kill.yaml"
"$DRIVER" "$WORK/kill.db" 101 kiosk-kill >/dev/null 2>&1 || fail "kill driver"
kills=0
exec 3>&2 2>/dev/null # bash reports each "Killed" job on stderr
for i in $(seq 1 100); do
    # Commit 1 re-sends the row the last kill left unmarked, commit 2 a new one.
    KIOSK_CENTRAL_DIE_AFTER_COMMIT=2 "$CTL" --config "$WORK/kill.yaml" --db "$WORK/kill.db" \
        forward --once >/dev/null 2>&1
    [ $? = 137 ] && kills=$((kills + 1))
done
exec 2>&3 3>&-
[ "$kills" = 100 ] || fail "only $kills of 100 runs were killed after the commit"
unmarked=$(sqlite3 "$WORK/kill.db" "SELECT count(*) FROM requests WHERE forwarded_at IS NULL")
at_central=$(sql "SELECT count(*) FROM requests WHERE kiosk_id = 'kiosk-kill'")
[ "$unmarked" -ge 1 ] || fail "the kill left nothing unmarked ($unmarked): the hook did not fire"
"$CTL" --config "$WORK/kill.yaml" --db "$WORK/kill.db" forward --once >/dev/null 2>&1 || fail "final forward"
[ "$(sql "SELECT count(*) FROM requests WHERE kiosk_id = 'kiosk-kill'")" = 101 ] || fail "kill: rows"
[ "$(sql "SELECT count(*) - count(DISTINCT uuid) FROM requests")" = 0 ] || fail "kill: duplicates"
[ "$(sqlite3 "$WORK/kill.db" "SELECT count(*) FROM requests WHERE forwarded_at IS NULL")" = 0 ] ||
    fail "kill: backlog"
echo "ok: 100 SIGKILLs after the central COMMIT ($at_central central, $unmarked unmarked before the last run): 0 duplicates ($(elapsed) s)"

# ---- 5. status changes both ways, the conflict rule ----------------------------
K1="$CTL --config $WORK/k1.yaml --db $WORK/k1.db"
ref_at() { sqlite3 "$WORK/k1.db" "SELECT ref FROM requests WHERE kind = 'consultation' ORDER BY id LIMIT 1 OFFSET $1"; }
A=$(ref_at 0) B=$(ref_at 1) C=$(ref_at 2)
# A: claimed at the kiosk, done at the kiosk -> central has both and the audit rows.
$K1 claim "$A" --by amira >/dev/null || fail "claim A"
$K1 done "$A" --by amira >/dev/null || fail "done A"
# B: claimed centrally -> reaches the kiosk; then done centrally -> reaches it too.
$CTL --config "$WORK/k1.yaml" --central claim "$B" --kiosk kiosk-1 --by bob >/dev/null ||
    fail "central claim B"
# C: the conflict: claimed at the kiosk AND centrally before they meet.
$K1 claim "$C" --by amira >/dev/null || fail "claim C"
$CTL --config "$WORK/k1.yaml" --central claim "$C" --kiosk kiosk-1 --by carol >/dev/null ||
    fail "central claim C"
$K1 forward --once >"$WORK/sync1.out" 2>"$WORK/sync1.log" || fail "sync 1: $(cat "$WORK/sync1.log")"
cst() { sql "SELECT status || ' ' || claimed_by || ' ' || done_by || ' ' || pending_to_kiosk FROM requests WHERE kiosk_id = 'kiosk-1' AND ref = '$1'"; }
lst() { sqlite3 "$WORK/k1.db" "SELECT status || ' ' || claimed_by || ' ' || done_by FROM requests WHERE ref = '$1'"; }
[ "$(cst "$A")" = "done kioskctl:amira kioskctl:amira false" ] || fail "A at central: $(cst "$A")"
[ "$(sql "SELECT string_agg(action, ',' ORDER BY local_id) FROM audit WHERE request_ref = '$A' AND local_id IS NOT NULL")" = "claim,done" ] ||
    fail "A's audit rows at central"
[ "$(lst "$B")" = "claimed central:bob " ] || fail "B at the kiosk: $(lst "$B")"
[ "$(cst "$B")" = "claimed central:bob  false" ] || fail "B at central: $(cst "$B")"
# The rule: the kiosk's status stands, central logs a conflict row, the forwarder says so.
[ "$(lst "$C")" = "claimed kioskctl:amira " ] || fail "C at the kiosk: $(lst "$C")"
[ "$(cst "$C")" = "claimed kioskctl:amira  false" ] || fail "C at central: $(cst "$C")"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'conflict' AND request_ref = '$C' AND detail LIKE '%carol%amira%'")" = 1 ] ||
    fail "no conflict row for C"
grep -q "conflict on request $C" "$WORK/sync1.log" || fail "the conflict is not logged"
echo "ok: kiosk changes reach central; a central claim reaches the kiosk; conflict: the kiosk wins"
# A central done flows back and the kiosk's retention purge sees it.
$CTL --config "$WORK/k1.yaml" --central done "$B" --kiosk kiosk-1 --by bob >/dev/null ||
    fail "central done B"
$K1 forward --once >/dev/null 2>&1 || fail "sync 2"
[ "$(lst "$B")" = "done central:bob central:bob" ] || fail "B done at the kiosk: $(lst "$B")"
$K1 purge --older-than 0 >/dev/null 2>&1 || fail "purge"
[ "$(sqlite3 "$WORK/k1.db" "SELECT count(*) FROM requests WHERE ref IN ('$A', '$B')")" = 0 ] ||
    fail "the purge did not see the done requests"
# The central list and export see all kiosks.
$CTL --config "$WORK/k1.yaml" --central list --status claimed | grep -q "$C" || fail "central list"
[ "$($CTL --config "$WORK/k1.yaml" --central export | wc -l)" = $((3000 + 60 + 101 + 1)) ] ||
    fail "central export rows"
$CTL --config "$WORK/k1.yaml" --central show "$C" --kiosk kiosk-1 | grep -q "conflict" ||
    fail "central show has no history"
echo "ok: central done reaches the kiosk and its purge; list, show, export ($(elapsed) s)"

# ---- 6. check: backlog, oldest unforwarded, last error ------------------------------
"$DRIVER" "$WORK/k1.db" 5 kiosk-1 >/dev/null 2>&1 || fail "driver for check"
pg_stop "$PG" fast
$K1 forward --once >/dev/null 2>&1 && fail "forward succeeded with the server down"
out=$($K1 check 2>&1)
echo "$out" | grep -q "forwarding: backlog 5, oldest unforwarded 20" || fail "check backlog: $out"
echo "$out" | grep -q "PROBLEM  forwarding last error" || fail "check last error: $out"
pg_start "$PG"
$K1 forward --once >/dev/null 2>&1 || fail "forward after restart"
out=$($K1 check 2>&1)
echo "$out" | grep -q "forwarding: backlog 0; last success" || fail "check after: $out"
echo "$out" | grep -q "ok       forwarding: last attempt succeeded" || fail "check ok: $out"
echo "ok: check shows the backlog, the oldest unforwarded and the last error"
echo "PASS ($(elapsed) s)"

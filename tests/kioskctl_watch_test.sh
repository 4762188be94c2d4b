#!/usr/bin/env bash
# kioskctl watch on the front desk: an urgent alert the real kiosk queues
# must show in watch's output within 1 s of the kiosk's
# "request committed ref=... kind=urgent_alert" line, marked and with a
# bell, and watch must write its heartbeat (watch.heartbeat_ms advancing,
# watch.last_seen_id = the alert's id). SIGTERM stops it with exit 0. All
# waits are bounded polls; the 1 s is the requirement itself.
#
# Usage: kioskctl_watch_test.sh KIOSK KIOSKCTL WORK_DIR
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 KIOSK KIOSKCTL WORK_DIR" >&2
    exit 2
fi
kiosk=$1
ctl=$2
work=$3
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "watch test: sqlite3 is needed" >&2
    exit 77
fi
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
rm -rf "$work"
mkdir -p "$work" || exit 2
db="$work/data/requests.db"
log="$work/kiosk.log"
fail=0
failf() {
    echo "FAIL: $*"
    fail=1
}
now_ms() {
    date +%s%3N
}
setting() {
    sqlite3 "$db" "SELECT value FROM settings WHERE key='$1'" 2>/dev/null
}

# The kiosk reads its script from a FIFO we hold open, so the alert is sent
# only once watch is up.
mkfifo "$work/in.fifo"
"$kiosk" --script - --db "$db" <"$work/in.fifo" >"$work/kiosk.out" 2>"$log" &
kpid=$!
exec 4>"$work/in.fifo"
cleanup() {
    exec 4>&- 2>/dev/null
    [ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null
    kill "$kpid" 2>/dev/null
}
trap cleanup EXIT
# One ordinary request first, so the database exists and watch has a
# "current newest" to start after.
printf '%s\n' "tap welcome.consultation" "tap form.name" "type Ana Lima" "tap form.field.next" \
    "type 501234567" "tap form.field.next" "tap form.time.morning" "tap form.consent" \
    "tap form.submit" "expect-screen thanks" "tap thanks.home" >&4
for ((t = 0; t < 400; t++)); do
    grep -q "acknowledged ref=" "$log" && break
    sleep 0.05
done
grep -q "acknowledged ref=" "$log" || { echo "FAIL: the kiosk did not start"; tail "$log"; exit 1; }
first_ref=$(grep -o 'acknowledged ref=[^ ]*' "$log" | head -1 | sed 's/.*ref=//')

"$ctl" --db "$db" watch >"$work/watch.out" 2>"$work/watch.err" &
wpid=$!
# watch is polling once it has written its first heartbeat.
for ((t = 0; t < 200; t++)); do
    [ -n "$(setting watch.heartbeat_ms)" ] && break
    sleep 0.05
done
hb1=$(setting watch.heartbeat_ms)
[ -n "$hb1" ] || failf "watch wrote no heartbeat within 10 s"
[ "$(setting watch.last_seen_id)" = 0 ] ||
    failf "watch.last_seen_id before anything was printed: $(setting watch.last_seen_id)"
diff=$(( $(now_ms) - hb1 ))
((diff >= 0 && diff < 5000)) || failf "heartbeat $hb1 is not a recent Unix time in ms"
if grep -q "$first_ref" "$work/watch.out"; then
    failf "watch printed a request from before it started"
fi

# The urgent alert (tests/scenarios/selfcheck_urgent.script).
printf '%s\n' "tap welcome.selfcheck" "tap session.area.face" "tap nav.next" \
    "tap selfcheck.answer.breathing" "tap nav.next" "expect-screen urgent" >&4
ref=""
for ((t = 0; t < 1000; t++)); do
    line=$(grep -m1 "request committed ref=.* kind=urgent_alert" "$log")
    if [ -n "$line" ]; then
        seen_at=$(now_ms)
        ref=${line#*ref=}
        ref=${ref%% *}
        break
    fi
    sleep 0.02
done
if [ -z "$ref" ]; then
    failf "the kiosk committed no urgent alert: $(tail -3 "$log")"
else
    shown=0
    # Bounded: the requirement is 1 s from the log line.
    while (( $(now_ms) - seen_at <= 1000 )); do
        if grep -q "$ref" "$work/watch.out"; then
            shown=1
            break
        fi
        sleep 0.02
    done
    took=$(( $(now_ms) - seen_at ))
    if ((shown)); then
        echo "watch showed urgent alert $ref ${took} ms after the kiosk's log line"
    else
        failf "watch did not show $ref within 1 s (output: $(cat "$work/watch.out"))"
    fi
    grep "$ref" "$work/watch.out" | grep -q "URGENT" || failf "the alert's line is not marked URGENT"
    grep "$ref" "$work/watch.out" | grep -q $'\a' || failf "the alert's line has no bell"
    id=$(sqlite3 "$db" "SELECT id FROM requests WHERE ref='$ref'")
    for ((t = 0; t < 100; t++)); do
        [ "$(setting watch.last_seen_id)" = "$id" ] && break
        sleep 0.05
    done
    [ "$(setting watch.last_seen_id)" = "$id" ] ||
        failf "watch.last_seen_id is $(setting watch.last_seen_id), not the alert's id $id"
fi
# The heartbeat keeps beating (every second): bounded wait for a newer one.
hb_a=$(setting watch.heartbeat_ms)
for ((t = 0; t < 100; t++)); do
    hb_b=$(setting watch.heartbeat_ms)
    [ -n "$hb_b" ] && [ "$hb_b" -gt "$hb_a" ] && break
    sleep 0.05
done
[ "$hb_b" -gt "$hb_a" ] || failf "the heartbeat did not advance within 5 s"
# Nothing of the patient's goes to stderr (that may end up in a log).
if [ -n "$ref" ] && grep -q "$ref" "$work/watch.err"; then
    failf "watch wrote a request to stderr"
fi

kill -TERM "$wpid"
for ((t = 0; t < 100; t++)); do
    kill -0 "$wpid" 2>/dev/null || break
    sleep 0.05
done
if kill -0 "$wpid" 2>/dev/null; then
    failf "watch did not stop on SIGTERM within 5 s"
else
    wait "$wpid"
    wrc=$?
    [ $wrc -eq 0 ] || failf "watch exited $wrc on SIGTERM"
fi
wpid=""
echo quit >&4
exec 4>&-
for ((t = 0; t < 200; t++)); do
    kill -0 "$kpid" 2>/dev/null || break
    sleep 0.05
done
wait "$kpid" 2>/dev/null
if [ $fail -ne 0 ]; then
    exit 1
fi
echo "ok: watch test passed"

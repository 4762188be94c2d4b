#!/usr/bin/env bash
# Issue 9 through the real binaries: `kioskctl set-pin` sets the PIN, then
# the kiosk is driven by --script (the same path a finger takes):
#  1. a patient's ordinary taps (other corners, four quick ones, five slow
#     ones) never open the pad; five quick taps in the top-left corner do;
#     wrong PINs say so, the pad makes them wait, and locks after ten;
#  2. `kioskctl unlock`, then the right PIN opens the queue (urgent first),
#     a request is claimed, and the panel closes itself after 2 minutes and
#     shows nothing of it; the database has the claim and the audit rows;
#  3. with `kioskctl watch` running, an urgent alert's screen says the team
#     has been told (the watcher saw it), and without one it does not.
# Screenshots of the panel go to WORK_DIR for review.
# Usage: staff_scenario_test.sh KIOSK KIOSKCTL WORK_DIR
set -u
kiosk=$1 ctl=$2 work=$3
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
export SDL_RENDER_DRIVER=software
command -v sqlite3 >/dev/null || { echo "staff scenario: sqlite3 is needed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
db="$work/requests.db"
fail() {
    echo "FAIL: $*"
    exit 1
}
run() { # run NAME SCRIPT-FILE [size]
    "$kiosk" --script "$2" --db "$db" --size "${3:-1280x800}" >"$work/$1.out" 2>"$work/$1.log" ||
        { grep -v '^INFO' "$work/$1.log" | tail -8; fail "script $1 failed"; }
    if grep -q 'does not fit' "$work/$1.log"; then
        grep 'does not fit' "$work/$1.log"
        fail "a panel screen did not fit in $1"
    fi
}
corner5() { for _ in 1 2 3 4 5; do echo "advance 200"; echo "tap-at 4 4"; done; }
pin() { # pin DIGITS
    local d=$1 i
    for ((i = 0; i < ${#d}; i++)); do echo "tap staff.pin.key.${d:i:1}"; done
    echo "tap staff.pin.ok"
}

echo quit | "$kiosk" --script - --db "$db" >/dev/null 2>&1 || fail "the kiosk could not make its database"
printf '246810\n246810\n' | "$ctl" --db "$db" set-pin --pin-stdin >/dev/null || fail "set-pin"

# ---- 1. the gesture, wrong PINs, the delay, the lock -------------------------
{
    echo "expect-screen welcome"
    for _ in 1 2 3 4 5; do echo "tap-at 1276 4"; echo "tap-at 4 796"; echo "tap-at 1276 796"; done
    echo "expect-screen welcome"
    for _ in 1 2 3 4; do echo "tap-at 4 4"; done
    echo "advance 3100"
    echo "tap-at 4 4"
    echo "expect-screen welcome"
    for _ in 1 2 3 4 5; do echo "advance 800"; echo "tap-at 4 4"; done
    echo "expect-screen welcome"
    echo "advance 3100"
    corner5
    echo "expect-screen staff.pin"
    echo "screenshot $work/pin.png"
    pin 111111
    echo "expect-text Wrong PIN"
    echo "expect-text 9 tries left"
    pin 222222
    pin 333333
    echo "expect-text Wait 5 s"
    echo "screenshot $work/pin-wait.png"
    pin 246810 # during the wait: not even checked
    echo "expect-screen staff.pin"
    for wait in 5000 15000 30000 60000 120000 300000 600000; do
        echo "advance $((wait + 1000))"
        corner5 # the panel may have closed itself meanwhile
        echo "expect-screen staff.pin"
        pin 999999
    done
    echo "expect-screen staff.locked"
    echo "screenshot $work/locked.png"
    echo "advance 130000"
    corner5
    echo "expect-screen staff.locked"
} >"$work/one.script"
run one "$work/one.script"
fails=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action IN ('pin_fail','pin_locked');")
[ "$fails" = 10 ] || fail "expected 10 checked wrong PINs in the audit, found $fails"
echo "ok: corner taps of a patient never opened the pad; 10 wrong PINs, waits shown, locked"

# ---- 2. unlock, the right PIN, claim, idle close ------------------------------
"$ctl" --db "$db" unlock --by test >/dev/null || fail "unlock"
{
    echo "tap welcome.consultation"
    echo "tap form.name"
    echo "type Rania Haddad"
    echo "tap form.field.next"
    echo "type 501234567"
    echo "tap form.field.next"
    echo "tap form.time.morning"
    echo "tap form.consent"
    echo "tap form.submit"
    echo "expect-screen thanks"
    echo "tap thanks.home"
    echo "tap welcome.selfcheck"
    echo "tap session.area.face"
    echo "tap nav.next"
    echo "tap selfcheck.answer.breathing"
    echo "tap nav.next"
    echo "expect-screen urgent"
    echo "tap urgent.finish"
    echo "tap done.home"
    echo "expect-screen welcome"
    corner5
    pin 246810
    echo "expect-screen staff.queue"
    echo "expect-text URGENT"
    echo "expect-text Rania Haddad"
    echo "screenshot $work/queue.png"
    echo "tap staff.queue.item.1"
    echo "expect-screen staff.request"
    echo "tap staff.request.claim"
    echo "expect-text claimed"
    echo "screenshot $work/request.png"
    echo "advance 119000"
    echo "expect-screen staff.request"
    echo "advance 2000"
    echo "expect-screen welcome"
    echo "expect-no-text Rania"
} >"$work/two.script"
run two "$work/two.script"
run two-portrait <(sed "s#$work/\([a-z]*\).png#$work/\1-portrait.png#" "$work/two.script" |
    sed 's/^tap staff.queue.item.1$/tap staff.queue.item.3/; s/^expect-text claimed$/expect-text claimed/') 800x1280
status=$(sqlite3 "$db" "SELECT status||' '||claimed_by FROM requests WHERE id=1;")
[ "$status" = "claimed kiosk panel" ] || fail "request 1 is \"$status\", not claimed by the panel"
for action in pin_ok claim pin_unlock; do
    n=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action='$action';")
    [ "$n" -ge 1 ] || fail "no $action row in the audit"
done
order=$("$ctl" --db "$db" list --status open --format csv | sed -n 2p | cut -d, -f4)
[ "$order" = urgent_alert ] || fail "the queue's first open request is $order, not the urgent alert"
echo "ok: unlocked, right PIN, queue urgent first, claimed, closed itself after 2 min"

# ---- 3. a kioskctl watcher counts as delivery ----------------------------------
urgent_script() {
    echo "tap welcome.selfcheck"
    echo "tap session.area.face"
    echo "tap nav.next"
    echo "tap selfcheck.answer.breathing"
    echo "tap nav.next"
    echo "expect-screen urgent"
    echo "$1"
}
urgent_script "expect-text Your alert is saved" >"$work/three-alone.script"
run three-alone "$work/three-alone.script"
grep -q "clinic team has been told" "$work/three-alone.out" && fail "told, with no watcher"
"$ctl" --db "$db" watch >"$work/watch.out" 2>"$work/watch.err" &
watch=$!
trap 'kill $watch 2>/dev/null' EXIT
urgent_script "wait-text The clinic team has been told" >"$work/three.script"
echo "screenshot $work/urgent-told.png" >>"$work/three.script"
run three "$work/three.script"
kill -TERM "$watch"
wait "$watch" 2>/dev/null
trap - EXIT
grep -q "URGENT" "$work/watch.out" || fail "the watcher did not print the alert"
echo "ok: with kioskctl watch running the urgent screen says the team was told; alone it does not"

#!/usr/bin/env bash
# Issue 9, "the urgent screen says 'The clinic team has been told' when
# nothing has told anyone": the real kiosk, driven by --script to the urgent
# screen with a notify_command in a temporary config (a copy of
# data/config.yaml):
#   1. a command that records its arguments and exits 0: it received the
#      alert's reference (from the log's "request committed ref=..."), and
#      the screen says the team has been told;
#   2. a command that exits 1, 3. one that hangs (sleep, notify_timeout_s: 1)
#      and 4. one that does not exist: the screen says "tell the front desk
#      now" with the reference, the next taps still work, and the hanging
#      command's whole group is killed (no sleep left);
#   5. no command, and a front-desk watcher played through the database
#      protocol (the watch.heartbeat_ms and watch.last_seen_id settings
#      written with the sqlite3 CLI, as `kioskctl watch` will): the screen
#      changes to delivered. A stale heartbeat first changes nothing.
# Every wait is bounded; the pass conditions are what the kiosk shows and logs.
#
# Usage: notify_test.sh KIOSK_BINARY SOURCE_DIR WORK_DIR
set -u
kiosk=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
fails=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

SAVED="Please tell the front desk now. Your alert is saved: reference"
TOLD="The clinic team has been told. Reference"

# config FILE TIMEOUT_S NOTIFY_COMMAND_YAML
config() {
    sed -e "s|^notify_command: \[\]|notify_command: $3|" \
        -e "s|^notify_timeout_s: 10|notify_timeout_s: $2|" "$src/data/config.yaml" >"$1"
    grep -qxF "notify_command: $3" "$1" || { echo "cannot edit the config" >&2; exit 2; }
}

to_urgent='tap welcome.selfcheck
tap session.area.face
tap nav.next
tap selfcheck.answer.breathing
tap nav.next
expect-screen urgent'

# run NAME: runs the kiosk on $work/NAME.yaml with $work/NAME.script.
run() {
    "$kiosk" --script "$work/$1.script" --config "$work/$1.yaml" --db "$work/$1.db" \
        >"$work/$1.out" 2>"$work/$1.log"
}

ref_of() {
    sed -n 's/.*request committed ref=\([A-Z0-9-]*\) kind=urgent_alert.*/\1/p' "$work/$1.log" | head -1
}

# A recording command: its arguments, one line, into $work/NAME.args.
recorder() {
    cat >"$work/$1.sh" <<EOF
#!/bin/sh
echo "\$@" > "$work/$1.args"
$2
EOF
    chmod +x "$work/$1.sh"
}

# ---- 1. the command exits 0 ---------------------------------------------------
recorder ok "exit 0"
config "$work/ok.yaml" 10 "[\"$work/ok.sh\", \"--ref\", \"{ref}\", \"{kind}\", \"{urgency}\"]"
printf '%s\nexpect-text %s\nexpect-no-text %s\ntap urgent.finish\nexpect-screen done\n' \
    "$to_urgent" "$TOLD" "$SAVED" >"$work/ok.script"
run ok || fail "ok: script failed: $(tail -3 "$work/ok.out")"
ref=$(ref_of ok)
[ -n "$ref" ] || fail "ok: no committed urgent alert in the log"
[ "$(cat "$work/ok.args" 2>/dev/null)" = "--ref $ref urgent_alert urgent" ] ||
    fail "ok: the command got \"$(cat "$work/ok.args" 2>/dev/null)\", expected \"--ref $ref urgent_alert urgent\""
grep -q "notify_command for ref=$ref exited 0 in [0-9]* ms" "$work/ok.log" ||
    fail "ok: no exit line in the log"

# ---- 2. the command exits 1 ---------------------------------------------------
recorder bad "exit 1"
config "$work/bad.yaml" 10 "[\"$work/bad.sh\"]"
printf '%s\nexpect-text %s\nexpect-no-text has been told\ntap urgent.finish\nexpect-screen done\n' \
    "$to_urgent" "$SAVED" >"$work/bad.script"
run bad || fail "bad: script failed: $(tail -3 "$work/bad.out")"
ref=$(ref_of bad)
# No placeholder used: ref, kind, urgency appended.
[ "$(cat "$work/bad.args" 2>/dev/null)" = "$ref urgent_alert urgent" ] ||
    fail "bad: the command got \"$(cat "$work/bad.args" 2>/dev/null)\""
grep -q "notify_command for ref=$ref exited 1 in" "$work/bad.log" || fail "bad: no exit 1 line"
grep -q "urgent alert ref=$ref: no one confirmed it" "$work/bad.log" ||
    fail "bad: no 'no one confirmed' line"

# ---- 3. the command hangs: killed after notify_timeout_s ---------------------------
marker="1000.$$"
recorder hang "sleep $marker"
config "$work/hang.yaml" 1 "[\"$work/hang.sh\", \"{ref}\"]"
printf '%s\nexpect-text %s\nexpect-no-text has been told\ntap urgent.finish\nexpect-screen done\ntap done.home\nexpect-screen welcome\n' \
    "$to_urgent" "$SAVED" >"$work/hang.script"
run hang || fail "hang: script failed: $(tail -3 "$work/hang.out")"
ref=$(ref_of hang)
[ "$(cat "$work/hang.args" 2>/dev/null)" = "$ref" ] || fail "hang: the command got no ref"
grep -q "notify_command for ref=$ref timed out after 1 s, killed" "$work/hang.log" ||
    fail "hang: no timeout line: $(grep notify "$work/hang.log")"
if pgrep -f "sleep $marker" >/dev/null; then
    fail "hang: the command's sleep is still running"
fi

# ---- 4. the command does not exist ---------------------------------------------
config "$work/missing.yaml" 10 "[\"$work/no-such-pager\", \"{ref}\"]"
printf '%s\nexpect-text %s\nexpect-no-text has been told\ntap urgent.finish\nexpect-screen done\n' \
    "$to_urgent" "$SAVED" >"$work/missing.script"
run missing || fail "missing: script failed: $(tail -3 "$work/missing.out")"
ref=$(ref_of missing)
grep -q "notify_command for ref=$ref could not start: No such file" "$work/missing.log" ||
    fail "missing: no 'could not start' line"

# Nothing personal in any log line about alerts (there is no name or phone
# in an alert; the log must not grow one either).
if grep -h "notify_command\|urgent alert" "$work"/*.log | grep -qi "name=\|phone="; then
    fail "a notify log line names a person"
fi

# ---- 5. a watcher through the database protocol --------------------------------
config "$work/watch.yaml" 30 "[]"
mkfifo "$work/watch.in" "$work/watch.pipe" || exit 2
"$kiosk" --script - --config "$work/watch.yaml" --db "$work/watch.db" \
    <"$work/watch.in" >"$work/watch.pipe" 2>"$work/watch.log" &
pid=$!
exec 3>"$work/watch.in" 4<"$work/watch.pipe"
trap 'kill -KILL "$pid" 2>/dev/null' EXIT
printf '%s\nexpect-text %s\necho at-urgent\n' "$to_urgent" "$SAVED" >&3
if ! read -r -t 30 got <&4 || [ "$got" != at-urgent ]; then
    fail "watch: the urgent screen did not show ($got)"
else
    id=$(sqlite3 "$work/watch.db" "SELECT id FROM requests WHERE kind = 'urgent_alert'" 2>/dev/null)
    [ -n "$id" ] || fail "watch: no urgent row in the database"
    now_ms=$(($(date +%s%3N)))
    put() {
        sqlite3 "$work/watch.db" ".timeout 2000" "INSERT INTO settings (key, value, updated_at) VALUES ('$1', '$2', '2026-01-01T00:00:00.000Z') ON CONFLICT (key) DO UPDATE SET value = excluded.value" >/dev/null
    }
    # A watcher that stopped a minute ago: its last_seen_id does not count.
    put watch.last_seen_id "$id"
    put watch.heartbeat_ms "$((now_ms - 60000))"
    printf 'advance 10\nexpect-text %s\necho stale-ok\n' "$SAVED" >&3
    read -r -t 30 got <&4 && [ "$got" = stale-ok ] || fail "watch: a stale watcher changed the screen"
    grep -q "shown on a front-desk watcher" "$work/watch.log" && fail "watch: a stale heartbeat counted"
    # A live watcher that printed the alert: it counts within a few polls.
    put watch.heartbeat_ms "$(date +%s%3N)"
    seen=0
    for _ in $(seq 1 100); do
        if grep -q "shown on a front-desk watcher" "$work/watch.log"; then
            seen=1
            break
        fi
        sleep 0.1
    done
    [ "$seen" = 1 ] || fail "watch: the kiosk did not see the watcher within 10 s"
    printf 'advance 10\nexpect-text %s\nexpect-no-text %s\ntap urgent.finish\nexpect-screen done\necho watch-done\n' \
        "$TOLD" "$SAVED" >&3
    read -r -t 30 got <&4 && [ "$got" = watch-done ] ||
        fail "watch: the screen did not change to delivered ($got)"
fi
echo quit >&3
exec 3>&-
timeout 20 tail --pid="$pid" -f /dev/null
wait "$pid" || fail "watch: the kiosk exited $?: $(tail -5 "$work/watch.log")"
trap - EXIT

if [ "$fails" -ne 0 ]; then
    echo "--- logs ---" >&2
    tail -n 20 "$work"/*.log >&2
    exit 1
fi
echo "ok: notify_command delivered/failed/hung/missing and the watcher protocol"

#!/usr/bin/env bash
# Issue 10, item 4 (the device part): "nothing one patient typed is visible
# to, or left in memory for, the next". One real kiosk, driven by
# `--script -` on a pipe kept open, goes through every way a session ends;
# after each, while the kiosk waits on its pipe, every present page of the
# live process is read (tests/tools/memscan.py, /proc/PID/mem) for every
# canary typed so far, in UTF-8 and UTF-16LE: each must be found 0 times.
#   1. idle reset: a canary name typed with taps on the on-screen keyboard
#      (kbd.* keys) and a canary phone with taps on its digit keys, then the
#      idle wipe (90 s + 20 s countdown);
#   2. done/home after a submitted request: a name on the keyboard, a phone
#      as one `type` line (a paste), the request committed to SQLite, then
#      "Home" on the thanks screen. The request is in the database file,
#      which is its purpose; it must not be in the process (the worker's
#      buffers, SQLite's page cache, the text cache, the widget list);
#   3. the same with a follow-up request, back to welcome by the thanks
#      screen's own timeout;
#   4. the staff panel (PIN set with kioskctl set-pin): the request of 2
#      opened, then the panel's 2-minute idle close (advance 121000): the
#      name the staff saw must be gone from the process too.
# Skips (77) without python3.
#
# Usage: wipe_session_test.sh KIOSK KIOSKCTL WORK_DIR
set -u
kiosk=$1
ctl=$2
work=$3
if ! command -v python3 >/dev/null 2>&1; then
    echo "wipe session test: python3 is missing (Debian package python3)" >&2
    exit 77
fi
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
db="$work/requests.db"
mkfifo "$work/in" "$work/out" || exit 2

"$kiosk" --script - --db "$db" <"$work/in" >"$work/out" 2>"$work/kiosk.log" &
pid=$!
exec 3>"$work/in" 4<"$work/out"
cleanup() { kill "$pid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

# Canaries: letters the keyboard capitalises at the start of each word, and
# digits. What is scanned is what the field showed.
name1_keys="qzxvkj wypfmh"
name1="Qzxvkj Wypfmh"
phone1=5557301946
name2_keys="jvqkzx hwmpyf"
name2="Jvqkzx Hwmpyf"
phone2=5552864019
name3_keys="xkqjvz fmhwpy"
name3="Xkqjvz Fmhwpy"
phone3=5559176420

keys() { # taps on the on-screen keyboard for the characters of $1
    local s=$1 i c
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [ "$c" = " " ]; then echo "tap kbd.space"; else echo "tap kbd.$c"; fi
    done
}

failed=0
say() { echo "$1" >&3; }
expect() { # waits for the kiosk to print $1
    local got
    if ! read -r -t 60 got <&4 || [ "$got" != "$1" ]; then
        echo "FAIL: kiosk said \"${got:-nothing}\", not \"$1\"" >&2
        cat "$work/kiosk.log" >&2
        exit 1
    fi
}
scan() { # $1: what was done; the rest: canaries
    local what=$1 st=0
    shift
    python3 "$(dirname "$0")/tools/memscan.py" "$pid" "$@" >"$work/scan.txt" 2>&1 || st=$?
    echo "after $what: $(head -1 "$work/scan.txt")"
    if [ "$st" -eq 2 ]; then
        cat "$work/scan.txt" >&2
        echo "FAIL: the memory scan could not run" >&2
        exit 1
    elif [ "$st" -ne 0 ]; then
        sed 1d "$work/scan.txt"
        echo "FAIL: a canary is still in the process after $what" >&2
        failed=1
    fi
}

# 1. Idle reset.
{
    echo "tap welcome.consultation"
    echo "expect-screen form.consultation"
    echo "tap form.name"
    keys "$name1_keys"
    echo "expect-text $name1"
    echo "tap form.field.next"
    keys "$phone1"
    echo "expect-text $phone1"
    echo "advance 115000"
    echo "expect-screen welcome"
    echo "expect-no-text $name1"
    echo "echo idle-done"
} >&3
expect idle-done
scan "the idle reset" "$name1" "$phone1"

# 2. A consultation submitted, then Home on the thanks screen.
{
    echo "tap welcome.consultation"
    echo "tap form.name"
    keys "$name2_keys"
    echo "expect-text $name2"
    echo "tap form.field.next"
    echo "type $phone2"
    echo "tap form.field.next"
    echo "tap form.time.morning"
    echo "tap form.consent"
    echo "tap form.submit"
    echo "expect-screen thanks"
    echo "tap thanks.home"
    echo "expect-screen welcome"
    echo "echo home-done"
} >&3
expect home-done
scan "a submitted request and Home" "$name1" "$phone1" "$name2" "$phone2"

# 3. A follow-up submitted, then the thanks screen's own return.
{
    echo "tap welcome.follow_up"
    echo "tap form.name"
    keys "$name3_keys"
    echo "tap form.field.next"
    keys "$phone3"
    echo "tap form.field.next"
    echo "tap form.time.evening"
    echo "tap form.consent"
    echo "tap form.submit"
    echo "expect-screen thanks"
    echo "advance 120000"
    echo "expect-screen welcome"
    echo "echo done-done"
} >&3
expect done-done
scan "a submitted request and the done timeout" "$name1" "$phone1" "$name2" "$phone2" \
    "$name3" "$phone3"

# 4. The staff panel (the PIN set now: kioskctl never creates a database,
# the kiosk created it at start).
printf '246810\n246810\n' | "$ctl" --db "$db" set-pin --pin-stdin >/dev/null || {
    echo "FAIL: kioskctl set-pin" >&2
    exit 1
}
# The panel shows request 2, then closes itself after 2 minutes.
id2=$(sqlite3 "$db" "SELECT id FROM requests WHERE phone LIKE '%${phone2: -7}'" 2>/dev/null)
[ -n "$id2" ] || id2=1
{
    for _ in 1 2 3 4 5; do echo "advance 200"; echo "tap-at 4 4"; done
    echo "expect-screen staff.pin"
    for d in 2 4 6 8 1 0; do echo "tap staff.pin.key.$d"; done
    echo "tap staff.pin.ok"
    echo "expect-screen staff.queue"
    echo "tap staff.queue.item.$id2"
    echo "expect-screen staff.request"
    echo "expect-text $name2"
    echo "advance 121000"
    echo "expect-screen welcome"
    echo "echo staff-done"
} >&3
expect staff-done
scan "the staff panel's idle close" "$name1" "$phone1" "$name2" "$phone2" "$name3" "$phone3"

say quit
exec 3>&-
timeout 20 tail --pid="$pid" -f /dev/null
wait "$pid"
status=$?
pid=
[ "$status" -eq 0 ] || { echo "FAIL: kiosk exited $status" >&2; cat "$work/kiosk.log" >&2; exit 1; }
n=$(sqlite3 "$db" "SELECT count(*) FROM requests" 2>/dev/null || echo 2)
[ "$n" = 2 ] || { echo "FAIL: $n requests in the database, not 2" >&2; exit 1; }
[ "$failed" -eq 0 ] || exit 1
echo "ok: 0 copies of any canary after the idle reset, Home, the done timeout and the staff panel"

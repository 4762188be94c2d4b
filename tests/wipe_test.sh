#!/usr/bin/env bash
# Issue 8, "typed text outlives the wipe": the real kiosk, driven by
# `--script -` on a pipe kept open, types a canary phone number into the
# form as one `type` line (one multi-character SDL_TEXTINPUT, as a paste or
# an input method delivers it), lets the idle wipe happen (idle timeout
# 90 s + countdown 20 s), says `ready`, and waits. The test then reads every
# page of the live process that a core dump would hold (tests/tools/
# memscan.py, through /proc/PID/mem; gdb's gcore writes out the terabytes
# AddressSanitizer reserves) and counts the canary in ASCII/UTF-8 and in
# UTF-16LE: it must be 0. Skips (77) without python3.
#
# Usage: wipe_test.sh KIOSK_BINARY WORK_DIR
set -u
kiosk=$1
work=$2
canary=5559876543
if ! command -v python3 >/dev/null 2>&1; then
    echo "wipe test: python3 is missing (Debian package python3)" >&2
    exit 77
fi
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
mkfifo "$work/in" "$work/out" || exit 2

"$kiosk" --script - --db "$work/requests.db" <"$work/in" >"$work/out" 2>"$work/kiosk.log" &
pid=$!
exec 3>"$work/in" 4<"$work/out"
cleanup() { kill "$pid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

# The canary never appears literally in this script's own lines either way:
# it is sent to the kiosk and not kept in anything the core could contain.
cat >&3 <<SCRIPT
tap welcome.consultation
expect-screen form.consultation
tap form.name
type Ana Lima
tap form.field.next
type $canary
expect-text $canary
echo typed
advance 115000
expect-screen welcome
expect-no-text $canary
echo ready
SCRIPT
for want in typed ready; do
    if ! read -r -t 30 got <&4 || [ "$got" != "$want" ]; then
        echo "FAIL: kiosk said \"${got:-nothing}\", not \"$want\"" >&2
        cat "$work/kiosk.log" >&2
        exit 1
    fi
done

# Every present page of the live process, read through /proc/PID/mem (see
# tests/tools/memscan.py): what a core dump would hold, without writing the
# terabytes AddressSanitizer reserves.
scan_status=0
python3 "$(dirname "$0")/tools/memscan.py" "$pid" "$canary" >"$work/scan.txt" 2>&1 || scan_status=$?
cat "$work/scan.txt"
echo quit >&3
exec 3>&-
timeout 10 tail --pid="$pid" -f /dev/null
wait "$pid"
status=$?
pid=
[ "$status" -eq 0 ] || { echo "FAIL: kiosk exited $status" >&2; exit 1; }
if [ "$scan_status" -eq 2 ]; then
    echo "FAIL: the memory scan could not run" >&2
    exit 1
fi
if [ "$scan_status" -ne 0 ]; then
    echo "FAIL: the canary is still in the process after the wipe" >&2
    exit 1
fi


#!/usr/bin/env bash
# Issue 8, "typed text outlives the wipe": the real kiosk, driven by
# `--script -` on a pipe kept open, types a canary phone number into the
# form as one `type` line (one multi-character SDL_TEXTINPUT, as a paste or
# an input method delivers it), lets the idle wipe happen (idle timeout
# 90 s + countdown 20 s), says `ready`, and waits. The test then dumps the
# process's memory with gdb's gcore and counts the canary in the core, in
# ASCII/UTF-8 and in UTF-16LE: it must be 0. Skips (77) without gdb or
# without ptrace rights.
#
# Usage: wipe_test.sh KIOSK_BINARY WORK_DIR
set -u
kiosk=$1
work=$2
canary=5559876543
if ! command -v gdb >/dev/null 2>&1; then
    echo "wipe test: gdb is missing (Debian package gdb)" >&2
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

if ! gdb -p "$pid" -batch -ex "gcore $work/core" >"$work/gdb.log" 2>&1 || [ ! -s "$work/core" ]; then
    if grep -qi "ptrace\|not permitted" "$work/gdb.log"; then
        echo "wipe test: gdb cannot attach here (ptrace not permitted)" >&2
        cat "$work/gdb.log" >&2
        exit 77
    fi
    echo "FAIL: gcore failed" >&2
    cat "$work/gdb.log" >&2
    exit 1
fi
echo quit >&3
exec 3>&-
timeout 10 tail --pid="$pid" -f /dev/null
wait "$pid"
status=$?
pid=
[ "$status" -eq 0 ] || { echo "FAIL: kiosk exited $status" >&2; exit 1; }

# Occurrences, not lines (-o | wc -l); UTF-16LE as a byte pattern, since
# bash cannot hold the NUL bytes in a variable.
ascii=$(LC_ALL=C grep -a -o "$canary" "$work/core" | wc -l)
utf16_pattern=$(printf '%s' "$canary" | sed 's/./&\\x00/g')
utf16_hits=$(LC_ALL=C grep -a -o -P "$utf16_pattern" "$work/core" | wc -l)
echo "canary copies in the core: ascii/utf-8 $ascii, utf-16le $utf16_hits"
if [ "$ascii" -ne 0 ] || [ "$utf16_hits" -ne 0 ]; then
    LC_ALL=C grep -a -b -o ".\{0,40\}$canary.\{0,40\}" "$work/core" | head -n 10 | cat -v >&2
    exit 1
fi
rm -f "$work/core"

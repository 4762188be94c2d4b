#!/usr/bin/env bash
# Issue 10, item 6 ("its memory stays flat over weeks"): SESSIONS scripted
# patient sessions through one kiosk process (`--script -` on a pipe kept
# open): a walk through the guide, a self-check, a form submission and an
# idle reset each. After the first 100 sessions (the caches warm) and after
# the last, the kiosk prints a mark and waits on its pipe while this script
# reads VmRSS (/proc/PID/status) and the open descriptors (/proc/PID/fd).
# VmRSS must not grow by more than SOAK_RSS_KIB (default 2048; falling is
# fine: that is no leak) and the descriptors must match exactly. With
# SOAK_EVERY=N the figures are also printed every N sessions (the long run).
# Under ASan (SOAK_ASAN=1, set by CMake for a KIOSK_SANITIZE build) the
# allocator's quarantine would hold up to 256 MiB of freed blocks and make
# VmRSS wander by megabytes, so it is switched off for this test, and
# LeakSanitizer checks the exit: a leak report makes the kiosk exit non-zero.
#
# Usage: soak_test.sh KIOSK WORK_DIR [SESSIONS]   (default 300; 10000 by hand)
set -u
kiosk=$1
work=$2
sessions=${3:-300}
rss_slack=${SOAK_RSS_KIB:-2048}
every=${SOAK_EVERY:-0}
if [ "${SOAK_ASAN:-0}" = 1 ]; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:detect_leaks=1"
fi
warm=100
[ "$sessions" -gt "$warm" ] || { echo "soak: SESSIONS must be more than $warm" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
mkfifo "$work/in" "$work/out" || exit 2
"$kiosk" --script - --db "$work/requests.db" <"$work/in" >"$work/out" 2>"$work/kiosk.log" &
pid=$!
exec 3>"$work/in" 4<"$work/out"
cleanup() { kill "$pid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

session() { # one patient: guide, self-check, a request, then nobody there
    local i=$1 kind=consultation letters=abcdefghij name="" d n
    ((i % 2)) && kind=follow_up
    n=$i
    while ((n > 0)); do # the session number in letters: names have no digits
        d=$((n % 10))
        name=${letters:d:1}$name
        n=$((n / 10))
    done
    cat <<SCRIPT
tap welcome.start
tap session.area.face
tap nav.next
tap nav.next
tap nav.next
tap nav.next
tap nav.next
tap nav.next
tap nav.next
tap nav.next
expect-screen next
tap next.selfcheck
tap selfcheck.answer.emergency_none
tap nav.next
tap selfcheck.answer.warning_none
tap nav.next
tap selfcheck.answer.redness
tap nav.next
expect-screen result.expected
tap result.finish
tap teachback.skip
tap done.home
tap welcome.$kind
tap form.name
type Soak Patient-$name
tap form.field.next
type 50$(printf '%07d' "$i")
tap form.field.next
tap form.time.morning
tap form.area.face
tap form.consent
tap form.submit
expect-screen thanks
tap thanks.home
tap welcome.start
advance 115000
expect-screen welcome
SCRIPT
}

figures() { # VmRSS in KiB and the number of open descriptors
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" | wc -l)
}
mark() { # sends sessions [$1, $2], then waits for the kiosk to say $3
    local i got
    for ((i = $1; i <= $2; i++)); do session "$i"; done >&3
    echo "echo $3" >&3
    if ! read -r -t 3600 got <&4 || [ "$got" != "$3" ]; then
        echo "FAIL: kiosk said \"${got:-nothing}\", not \"$3\"" >&2
        tail -20 "$work/kiosk.log" >&2
        exit 1
    fi
}

start=$(date +%s)
mark 1 "$warm" warm
figures
rss1=$rss fds1=$fds
echo "after $warm sessions: VmRSS $rss1 KiB, $fds1 descriptors"
ls -l "/proc/$pid/fd" | awk 'NR > 1 {print "  fd", $9, $11}' >"$work/fds1.txt"
done_so_far=$warm
if [ "$every" -gt 0 ]; then
    while ((done_so_far + every < sessions)); do
        mark $((done_so_far + 1)) $((done_so_far + every)) "at$((done_so_far + every))"
        done_so_far=$((done_so_far + every))
        figures
        echo "after $done_so_far sessions: VmRSS $rss KiB, $fds descriptors ($(($(date +%s) - start)) s)"
    done
fi
mark $((done_so_far + 1)) "$sessions" end
figures
echo "after $sessions sessions: VmRSS $rss KiB, $fds descriptors ($(($(date +%s) - start)) s)"
ls -l "/proc/$pid/fd" | awk 'NR > 1 {print "  fd", $9, $11}' >"$work/fds2.txt"
echo quit >&3
exec 3>&-
timeout 60 tail --pid="$pid" -f /dev/null
wait "$pid"
status=$?
pid=
failed=0
if [ "$status" -ne 0 ]; then
    echo "FAIL: kiosk exited $status (a LeakSanitizer report exits non-zero)" >&2
    grep -A20 "LeakSanitizer\|ERROR:" "$work/kiosk.log" | head -40 >&2
    failed=1
fi
n=$(grep -c "request committed" "$work/kiosk.log")
[ "$n" -eq "$sessions" ] || { echo "FAIL: $n requests committed, not $sessions" >&2; failed=1; }
diff=$((rss - rss1))
if [ "$diff" -gt "$rss_slack" ]; then
    echo "FAIL: VmRSS grew by $diff KiB (more than $rss_slack)" >&2
    failed=1
fi
if [ "$fds" -ne "$fds1" ]; then
    echo "FAIL: $fds1 descriptors after $warm sessions, $fds after $sessions" >&2
    diff "$work/fds1.txt" "$work/fds2.txt" >&2
    failed=1
fi
[ "$failed" -eq 0 ] && echo "ok: VmRSS within $rss_slack KiB ($diff KiB) and $fds descriptors both times"
exit "$failed"

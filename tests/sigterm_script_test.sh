#!/usr/bin/env bash
# Issue 8, "the scripted mode ignores SIGTERM": `kiosk --script -` fed by a
# pipe that stays open says an `echo` line, is sent SIGTERM while it waits
# for its next line, and must exit 0 as the interactive loop does. The
# wait is bounded by `timeout`; the pass condition is the exit status.
#
# Usage: sigterm_script_test.sh KIOSK_BINARY WORK_DIR
set -u
kiosk=$1
work=$2
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
mkfifo "$work/in" "$work/out" || exit 2
"$kiosk" --script - --db "$work/requests.db" <"$work/in" >"$work/out" 2>"$work/kiosk.log" &
pid=$!
exec 3>"$work/in" 4<"$work/out"
trap 'kill -KILL "$pid" 2>/dev/null' EXIT
echo "echo waiting" >&3
if ! read -r -t 30 got <&4 || [ "$got" != waiting ]; then
    echo "FAIL: no echo from the kiosk" >&2
    cat "$work/kiosk.log" >&2
    exit 1
fi
kill -TERM "$pid"
if ! timeout 10 tail --pid="$pid" -f /dev/null; then
    echo "FAIL: the kiosk still runs 10 s after SIGTERM" >&2
    exit 1
fi
wait "$pid"
status=$?
trap - EXIT
exec 3>&-
if [ "$status" -ne 0 ]; then
    echo "FAIL: exit status $status after SIGTERM, expected 0" >&2
    cat "$work/kiosk.log" >&2
    exit 1
fi
echo "ok: --script - stopped cleanly on SIGTERM"

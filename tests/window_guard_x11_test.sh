#!/usr/bin/env bash
# Issue 8, "another program can hide the kiosk": the real kiosk in
# --fullscreen on a real X server (Xvfb) while another X client (xdotool)
# unmaps (minimise: SDL sees MINIMIZED and HIDDEN), moves and resizes its
# window. Each time the kiosk must log that it took the screen back and
# the window must be mapped, at 0,0, at its own size again. Skips (77)
# without Xvfb or xdotool (Debian packages xvfb, xdotool, x11-utils). Waits
# are bounded polls on the kiosk's log and on the X server's answers, never
# a fixed sleep as the pass condition.
#
# Usage: window_guard_x11_test.sh KIOSK_BINARY WORK_DIR
set -u
kiosk=$1
work=$2
for tool in Xvfb xdotool xwininfo; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "window guard X11 test: $tool is missing (Debian: xvfb xdotool x11-utils)" >&2
        exit 77
    fi
done
rm -rf "$work"
mkdir -p "$work" || exit 2
log="$work/kiosk.log"
xvfb_pid=
kiosk_pid=
cleanup() {
    [ -n "$kiosk_pid" ] && kill "$kiosk_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT

# Xvfb picks a free display and writes its number on the pipe.
exec 3<> <(:)
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r -t 10 display_no <&3 || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$display_no"
unset SDL_VIDEODRIVER

"$kiosk" --fullscreen --db "$work/requests.db" >"$log" 2>&1 &
kiosk_pid=$!

# wait_for COMMAND...: up to 10 s of 0.05 s polls until COMMAND succeeds.
wait_for() {
    for _ in $(seq 200); do
        "$@" && return 0
        kill -0 "$kiosk_pid" 2>/dev/null || { echo "kiosk died" >&2; cat "$log" >&2; exit 1; }
        sleep 0.05
    done
    return 1
}
count() { grep -c "kiosk window was $1 by another program: restored" "$log"; }
at_least() { [ "$(count "$1")" -ge "$2" ]; }

win=$(xdotool search --sync --onlyvisible --name '^Aftercare$' | head -n 1)
[ -n "$win" ] || { echo "no kiosk window" >&2; exit 1; }
home_w=$(xwininfo -id "$win" | awk '/Width:/ {print $2}')
home_h=$(xwininfo -id "$win" | awk '/Height:/ {print $2}')
is_home() {
    local info
    info=$(xwininfo -id "$win") || return 1
    grep -q 'Map State: IsViewable' <<<"$info" &&
        grep -q "Absolute upper-left X:  0$" <<<"$info" &&
        grep -q "Absolute upper-left Y:  0$" <<<"$info" &&
        grep -q "Width: $home_w$" <<<"$info" && grep -q "Height: $home_h$" <<<"$info"
}
fails=0
check() { # NAME: the log line came and the window is home again
    if wait_for at_least "$1" 1 && wait_for is_home; then
        echo "ok: $1 -> restored"
    else
        echo "FAIL: after being $1 the kiosk did not take its screen back" >&2
        xwininfo -id "$win" >&2
        fails=$((fails + 1))
    fi
}

xdotool windowminimize "$win" 2>/dev/null # needs a window manager: may do nothing
xdotool windowunmap "$win"
check minimised
xdotool windowmove "$win" 200 150
check moved
xdotool windowsize "$win" 300 200
check resized
# Spaced so the fighting cap (3 a second) does not defer them: another unmap.
sleep 1.1
xdotool windowunmap "$win"
wait_for at_least minimised 2 && wait_for is_home || { echo "FAIL: second unmap" >&2; fails=$((fails + 1)); }

kill -TERM "$kiosk_pid"
timeout 10 tail --pid="$kiosk_pid" -f /dev/null
wait "$kiosk_pid"
status=$?
kiosk_pid=
[ "$status" -eq 0 ] || { echo "FAIL: kiosk exited $status on SIGTERM" >&2; fails=$((fails + 1)); }
echo "--- kiosk log"; cat "$log"
[ "$fails" -eq 0 ]

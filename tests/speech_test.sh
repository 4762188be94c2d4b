#!/usr/bin/env bash
# Issue 12, read aloud. Under SDL's disk audio driver (SDL_AUDIODRIVER=disk,
# SDL_DISKAUDIOFILE) what the kiosk plays is written to a file, 16-bit mono
# at 22,050 Hz. The script goes in through a pipe so the test can look at
# that file between steps (bounded waits for content, as chime_test does):
#  - English: the speaker button (chrome.speak) is on the welcome screen;
#    a tap reads it aloud (the file gets loud samples, the button says
#    Stop); a second tap stops it: the device is paused at once and closed
#    right after the next frame; past the frames the kiosk logged as played
#    the file holds only silence, and it does not grow while the kiosk goes
#    on;
#  - Arabic (--set language=ar): the same button in Arabic reads aloud;
#    moving on to the next screen stops it the same way;
#  - no sound device (dummy driver, a driver that does not exist) or
#    speech_volume 0: no speaker button and the script passes.
# The test sets its own SDL_AUDIODRIVER.
#
# Usage: speech_test.sh KIOSK_BINARY WORK_DIR
set -u
kiosk=$1
work=$2
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software
fails=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
loud_samples() {
    od -An -v -td2 -w2 "$1" 2>/dev/null | awk '$1 > 2000 || $1 < -2000 { n++ } END { print n + 0 }'
}
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null' EXIT

# Reads the kiosk's output into $out_log until the line MARKER (30 s at most).
wait_for() {
    local line
    while read -r -t 30 line <&4; do
        echo "$line" >> "$out_log"
        [ "$line" = "$1" ] && return 0
    done
    return 1
}
# The label of widget ID in the last dump before MARKER in $out_log.
label_before() { # ID MARKER
    awk -v id="$1" -v m="$2" '$0 == m { print last; exit }
        $1 == "widget" && $2 == id { last = ""; for (i = 8; i <= NF; i++) last = last (i > 8 ? " " : "") $i }' \
        "$out_log"
}
# Waits (10 s at most) until the audio file holds loud samples.
wait_loud() {
    local loud=0
    for _ in $(seq 1 100); do
        loud=$(loud_samples "$1")
        [ "$loud" -gt 2000 ] && break
        sleep 0.1
    done
    echo "$loud"
}

# One run: LANG NAME STOP_ACTIONS WHY READ_LABEL
run_one() {
    local lang=$1 name=$2 stop=$3 why=$4 read_label=$5
    local dir="$work/$name"
    mkdir -p "$dir"
    out_log="$dir/out.txt"
    : > "$out_log"
    mkfifo "$dir/in" "$dir/out" || exit 2
    SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$dir/audio.raw" \
        "$kiosk" --set "language=$lang" --script - --db "$dir/db.sqlite" \
        <"$dir/in" >"$dir/out" 2>"$dir/log.txt" &
    pid=$!
    exec 3>"$dir/in" 4<"$dir/out"
    printf 'dump\necho ready\ntap chrome.speak\ndump\necho speaking\n' >&3
    wait_for speaking || { fail "$name: the kiosk did not answer"; return; }
    [ "$(label_before chrome.speak ready)" = "$read_label" ] ||
        fail "$name: speaker button '$(label_before chrome.speak ready)', wanted '$read_label'"
    grep -q "speech: reading the screen aloud ($lang, " "$dir/log.txt" ||
        fail "$name: not read in $lang: $(grep speech "$dir/log.txt")"
    local loud
    loud=$(wait_loud "$dir/audio.raw")
    [ "$loud" -gt 2000 ] || fail "$name: only $loud loud samples after 10 s of reading aloud"
    printf '%s\ndump\necho stopped\n' "$stop" >&3
    wait_for stopped || { fail "$name: no answer after the stop"; return; }
    local frames size
    frames=$(grep -o "speech: stopped ($why), [0-9]* frames played" "$dir/log.txt" | grep -o '[0-9]* frames' | grep -o '[0-9]*')
    size=$(size_of "$dir/audio.raw")
    if [ -z "$frames" ]; then
        fail "$name: no 'stopped ($why)' in the log: $(grep speech "$dir/log.txt")"
    elif [ $((size / 2)) -gt $((frames + 8192)) ]; then
        fail "$name: $((size / 2)) frames in the file, far more than the $frames played when it stopped"
    else
        # The paused device writes silence only (before the first and after
        # the last frame the kiosk fed it): every loud sample lies within
        # the `frames` frames from the first sound on.
        local span
        span=$(od -An -v -td2 -w2 "$dir/audio.raw" | awk '
            $1 != 0 && first == "" { first = NR }
            $1 > 2000 || $1 < -2000 { last = NR }
            END { print (last == "" ? 0 : last - first + 1) }')
        [ "$span" -le "$frames" ] ||
            fail "$name: sound over $span frames, more than the $frames played before the stop"
    fi
    # More kiosk work: had the reading gone on, the file would grow.
    printf 'advance 1000\ndump\necho later\n' >&3
    wait_for later || fail "$name: no answer later"
    [ "$(size_of "$dir/audio.raw")" = "$size" ] ||
        fail "$name: the audio file grew after the stop ($size -> $(size_of "$dir/audio.raw"))"
    [ "$(label_before chrome.speak later)" = "$read_label" ] ||
        fail "$name: after the stop the button says '$(label_before chrome.speak later)'"
    echo quit >&3
    exec 3>&- 4<&-
    timeout 20 tail --pid="$pid" -f /dev/null
    wait "$pid" || fail "$name: the kiosk exited $?"
    pid=
    echo "ok: $name: $loud loud samples, stopped after $frames frames"
}

run_one en en-tap-again 'tap chrome.speak' 'tapped again' 'Read aloud'
run_one ar ar-move-on 'tap welcome.start' 'the screen changed' 'استمع'
grep -q '^screen session' "$work/ar-move-on/out.txt" || fail "ar: did not move on to the session screen"

# ---- no sound device, or read aloud off: no button, no error ----------------
printf 'dump\ntap welcome.start\nexpect-screen session\ndump\n' > "$work/quiet.script"
for setup in dummy no-such-driver off; do
    driver=$setup extra=()
    if [ "$setup" = off ]; then driver=disk extra=(--set speech_volume=0); fi
    SDL_AUDIODRIVER=$driver SDL_DISKAUDIOFILE="$work/$setup.raw" "$kiosk" "${extra[@]}" \
        --script "$work/quiet.script" --db "$work/$setup.db" >"$work/$setup.out" 2>"$work/$setup.log" ||
        fail "$setup: the script failed"
    grep -q 'chrome.speak' "$work/$setup.out" && fail "$setup: a speaker button is shown"
    grep -q 'speech: \(no read aloud\|off\)' "$work/$setup.log" ||
        fail "$setup: not logged: $(grep speech "$work/$setup.log")"
    grep -q 'ERROR' "$work/$setup.log" && fail "$setup: an error was logged"
done

if [ "$fails" -ne 0 ]; then
    tail -n 15 "$work"/*/log.txt >&2
    exit 1
fi
echo "speech: all passed"

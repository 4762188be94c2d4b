#!/usr/bin/env bash
# Issue 9: the urgent screen sounds the alert chime. Under SDL's disk audio
# driver (SDL_AUDIODRIVER=disk, SDL_DISKAUDIOFILE) what the kiosk plays is
# written to a file: once the urgent screen is up, that file must hold
# non-silent 16-bit samples (waited for, bounded). With an audio driver
# that does not exist, or `chime: false`, the kiosk logs it once and the
# same script passes. The test sets its own SDL_AUDIODRIVER.
#
# Usage: chime_test.sh KIOSK_BINARY SOURCE_DIR WORK_DIR
set -u
kiosk=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work" || exit 2
export SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software
fails=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
to_urgent='tap welcome.selfcheck
tap session.area.face
tap nav.next
tap selfcheck.answer.breathing
tap nav.next
expect-screen urgent'

loud_samples() {
    od -An -v -td2 -w2 "$1" 2>/dev/null | awk '$1 > 2000 || $1 < -2000 { n++ } END { print n + 0 }'
}

# ---- the disk driver: samples are written ----------------------------------
mkfifo "$work/in" "$work/out" || exit 2
SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$work/audio.raw" \
    "$kiosk" --script - --db "$work/disk.db" <"$work/in" >"$work/out" 2>"$work/disk.log" &
pid=$!
exec 3>"$work/in" 4<"$work/out"
trap 'kill -KILL "$pid" 2>/dev/null' EXIT
printf '%s\necho at-urgent\n' "$to_urgent" >&3
if ! read -r -t 30 got <&4 || [ "$got" != at-urgent ]; then
    fail "disk: the urgent screen did not show"
else
    loud=0
    for _ in $(seq 1 100); do
        loud=$(loud_samples "$work/audio.raw")
        [ "$loud" -gt 1000 ] && break
        sleep 0.1
    done
    [ "$loud" -gt 1000 ] ||
        fail "disk: only $loud loud samples in $work/audio.raw after 10 s on the urgent screen"
fi
printf 'tap urgent.finish\nexpect-screen done\necho left\n' >&3
read -r -t 30 got <&4 && [ "$got" = left ] || fail "disk: Close did not work ($got)"
echo quit >&3
exec 3>&-
timeout 20 tail --pid="$pid" -f /dev/null
wait "$pid" || fail "disk: the kiosk exited $?"
trap - EXIT
grep -q "chime: .*alert-chime.wav" "$work/disk.log" || fail "disk: the chime was not loaded"

# ---- no usable audio: the kiosk runs the same --------------------------------
printf '%s\ntap urgent.finish\nexpect-screen done\n' "$to_urgent" >"$work/quiet.script"
SDL_AUDIODRIVER=no-such-driver "$kiosk" --script "$work/quiet.script" --db "$work/none.db" \
    >"$work/none.out" 2>"$work/none.log" || fail "no driver: the script failed"
[ "$(grep -c "chime: no sound" "$work/none.log")" = 1 ] ||
    fail "no driver: expected one 'chime: no sound' line: $(grep chime "$work/none.log")"
SDL_AUDIODRIVER=dummy "$kiosk" --script "$work/quiet.script" --db "$work/dummy.db" \
    >"$work/dummy.out" 2>"$work/dummy.log" || fail "dummy: the script failed"
SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$work/off.raw" "$kiosk" --script "$work/quiet.script" \
    --db "$work/off.db" --set chime=false >"$work/off.out" 2>"$work/off.log" ||
    fail "chime false: the script failed"
grep -q "chime: off" "$work/off.log" || fail "chime false: not logged"
[ ! -s "$work/off.raw" ] || [ "$(loud_samples "$work/off.raw")" = 0 ] ||
    fail "chime false: sound was played"
SDL_AUDIODRIVER=dummy "$kiosk" --script "$work/quiet.script" --db "$work/nofile.db" \
    --assets "$work/no-assets" >"$work/nofile.out" 2>"$work/nofile.log" ||
    fail "missing WAV: the script failed"
grep -q "chime: no sound, cannot load" "$work/nofile.log" || fail "missing WAV: not logged"

if [ "$fails" -ne 0 ]; then
    tail -n 15 "$work"/*.log >&2
    exit 1
fi
echo "ok: the chime plays on the urgent screen; no audio changes nothing else"

#!/usr/bin/env bash
# Issue 10, the log: a scripted walk that types a name and a phone logs one
# line per screen change ("screen welcome -> form.consultation"), the start,
# the queued request by reference and the stop with its reason, and never
# the name or the phone typed.
set -u
kiosk=$1 work=$2
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; cat "$work/log.txt"; exit 1; }
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
name=Zorbalinde phone=501239876
cat > "$work/walk.script" <<SCRIPT
tap welcome.start
tap session.area.face
tap nav.next
tap nav.home
tap welcome.consultation
tap form.name
type $name
tap form.field.next
type $phone
tap form.field.next
tap form.time.afternoon
tap form.area.scalp
tap form.consent
tap form.submit
expect-screen thanks
SCRIPT
"$kiosk" --script "$work/walk.script" --db "$work/requests.db" --size 1280x800 \
    > "$work/out.txt" 2> "$work/log.txt" || fail "the walk failed"
grep -qx "INFO: screen start -> welcome" "$work/log.txt" || fail "no first screen"
grep -qx "INFO: screen welcome -> session" "$work/log.txt" || fail "no welcome -> session"
grep -qx "INFO: screen session -> guide.do-dont" "$work/log.txt" || fail "no session -> guide"
grep -qx "INFO: screen welcome -> form.consultation" "$work/log.txt" || fail "no form"
grep -qx "INFO: screen form.consultation -> thanks" "$work/log.txt" || fail "no thanks"
grep -q "^INFO: kiosk started" "$work/log.txt" || fail "no start line"
grep -q "^INFO: request committed ref=" "$work/log.txt" || fail "no request line"
grep -q "^INFO: kiosk stopping: the script ended" "$work/log.txt" || fail "no stop line"
[ "$(grep -c '^INFO: kiosk stopping' "$work/log.txt")" = 1 ] || fail "stop logged more than once"
grep -v '^\(INFO\|WARN\|ERROR\): ' "$work/log.txt" && fail "a line without a level"
grep -qi "$name" "$work/log.txt" && fail "the typed name is in the log"
grep -q "$phone" "$work/log.txt" && fail "the typed phone is in the log"
echo "ok: log"

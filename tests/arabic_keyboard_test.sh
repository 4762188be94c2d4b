#!/usr/bin/env bash
# Issue 12: with the Arabic content, names are typed on the Arabic keyboard
# (data/keyboards/arabic.yaml, named by the content's keyboard.layout): its
# letters in the standard order, left to right (ض top-left, not mirrored),
# Arabic letters typed into the name field byte for byte, a key to Latin
# letters and one back. English keeps the Latin keyboard.
# Usage: arabic_keyboard_test.sh KIOSK WORK
set -u
kiosk=$1 work=$2
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
cat > "$work/ar.txt" <<SCRIPT
tap welcome.consultation
tap form.name
expect-widget kbd.u0636
dump
tap kbd.u0645
tap kbd.u062d
tap kbd.u0645
tap kbd.u062f
tap kbd.layer-latin
expect-widget kbd.q
expect-widget kbd.layer-arabic
dump
tap kbd.latin-space
tap kbd.a
tap kbd.layer-arabic
expect-widget kbd.u0636
dump
SCRIPT
"$kiosk" --set language=ar --script "$work/ar.txt" --db "$work/ar.db" --size 1280x800 \
    > "$work/ar-dump.txt" 2> "$work/ar-log.txt" || { cat "$work/ar-log.txt"; fail "kiosk (ar)"; }
x_of() { awk -v id="$1" '$1=="widget" && $2==id {print $4; exit}' "$work/ar-dump.txt"; }
(( $(x_of kbd.u0636) < $(x_of kbd.u062f) )) || fail "ض is not left of د (keyboard mirrored?)"
(( $(x_of kbd.u0634) < $(x_of kbd.u0637) )) || fail "ش is not left of ط"
label=$(awk '$1=="widget" && $2=="form.name" {for (i=8;i<=NF;i++) printf "%s%s", (i>8?" ":""), $i; print ""}' \
    "$work/ar-dump.txt" | tail -1)
[ "$label" = "محمد A" ] || fail "name field shows '$label', wanted 'محمد A'"
echo "ok: Arabic keyboard, Latin layer and back"

printf 'tap welcome.consultation\ntap form.name\nexpect-widget kbd.q\ndump\n' > "$work/en.txt"
"$kiosk" --script "$work/en.txt" --db "$work/en.db" --size 1280x800 > "$work/en-dump.txt" \
    2> "$work/en-log.txt" || { cat "$work/en-log.txt"; fail "kiosk (en)"; }
grep -q '^widget kbd.u0636 ' "$work/en-dump.txt" && fail "English shows the Arabic keyboard"
echo "arabic_keyboard: all passed"

#!/usr/bin/env bash
# A right-to-left language is content and a font, not code: the shipped data
# with only `direction: rtl` (and one Arabic title) must lay every screen out
# mirrored (Back on the right, Next and Home on the left, choices read from
# the right) with Arabic shaped by HarfBuzz. Usage: rtl_test.sh KIOSK SRC WORK
set -u
kiosk=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
cp -r "$src/data" "$work/data"
sed -i 's/^direction: ltr/direction: rtl/; s/^    title: Aftercare for your mesotherapy/    title: العناية بعد جلسة الميزوثيرابي/' \
    "$work/data/en/content.yaml"
grep -q '^direction: rtl' "$work/data/en/content.yaml" || { echo "FAIL: fixture edit"; exit 1; }
cat > "$work/script.txt" <<SCRIPT
expect-text العناية
screenshot $work/welcome.png
tap welcome.start
tap session.area.face
dump
tap nav.next
tap nav.next
tap nav.next
expect-screen guide.plan
dump
SCRIPT
"$kiosk" --content "$work/data" --script "$work/script.txt" --db "$work/db.sqlite" --size 1280x800 \
    > "$work/dump.txt" 2> "$work/log.txt" || { cat "$work/log.txt"; echo "FAIL: kiosk"; exit 1; }
x_of() { awk -v id="$1" '$1=="widget" && $2==id {print $4; exit}' "$work/dump.txt"; }
fail=0
check() { # DESCRIPTION CONDITION
    if (( $2 )); then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
check "Back is right of Next" "$(x_of nav.back) > $(x_of nav.next)"
check "Home is on the left" "$(x_of nav.home) < 640"
check "first area choice is on the right" "$(x_of session.area.face) > $(x_of session.area.body)"
check "first plan stage is the rightmost card" "$(x_of guide.section.1) > $(x_of guide.section.3)"
[ -s "$work/welcome.png" ] || { echo "FAIL: no screenshot"; fail=1; }
exit $fail

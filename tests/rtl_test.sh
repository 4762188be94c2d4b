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
welcome_png=$work/welcome.png
fail=0
check() { # DESCRIPTION CONDITION
    if (( $2 )); then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
check "Back is right of Next" "$(x_of nav.back) > $(x_of nav.next)"
check "Home is on the left" "$(x_of nav.home) < 640"
check "first area choice is on the right" "$(x_of session.area.face) > $(x_of session.area.body)"
check "first plan stage is the rightmost card" "$(x_of guide.section.1) > $(x_of guide.section.3)"
[ -s "$welcome_png" ] || { echo "FAIL: no screenshot"; fail=1; }

# Issue 12: the shipped Arabic, picked with the language switch, mirrors the
# whole layout in both orientations: the switch, back/next, the do/don't
# columns, choices and tick boxes of the form; the English screen keeps the
# reading order left to right.
for size in 1280x800 800x1280; do
    W=${size%x*}
    cat > "$work/ar-$size.txt" <<SCRIPT
dump
tap welcome.language.ar
dump
tap welcome.start
tap session.area.face
dump
tap nav.next
expect-screen guide.do-dont
dump
tap nav.home
expect-selected welcome.language.ar
tap welcome.consultation
expect-screen form.consultation
dump
SCRIPT
    "$kiosk" --content "$src/data" --script "$work/ar-$size.txt" --db "$work/ar-$size.db" \
        --size "$size" > "$work/dump.txt" 2> "$work/log-$size.txt" \
        || { cat "$work/log-$size.txt"; echo "FAIL: kiosk ($size)"; exit 1; }
    # The n-th dump's x of a widget.
    xn() { awk -v id="$1" -v n="$2" '$1=="screen" {k++} k==n && $1=="widget" && $2==id {print $4; exit}' "$work/dump.txt"; }
    check "$size: English: the switch is at the left (the start)" "$(xn welcome.language.en 1) < $W / 2"
    check "$size: English: English comes before Arabic" "$(xn welcome.language.en 1) < $(xn welcome.language.ar 1)"
    check "$size: Arabic: the switch is at the right (the start)" "$(xn welcome.language.ar 2) > $W / 2"
    check "$size: Arabic: English is read first, at the right" "$(xn welcome.language.en 2) > $(xn welcome.language.ar 2)"
    check "$size: Arabic: Back is right of Next" "$(xn nav.back 3) > $(xn nav.next 3)"
    check "$size: Arabic: Home is on the left" "$(xn nav.home 3) < $W / 2"
    check "$size: Arabic: first area is on the right (or above)" \
        "$(xn session.area.face 3) >= $(xn session.area.body 3)"
    check "$size: Arabic: the first column (do) is on the right" \
        "$(xn guide.section.1 4) >= $(xn guide.section.2 4)"
    check "$size: Arabic: first contact time on the right" \
        "$(xn form.time.morning 5) > $(xn form.time.evening 5)"
    check "$size: Arabic: first treated area on the form on the right" \
        "$(xn form.area.face 5) > $(xn form.area.body 5)"
    grep -q 'does not fit' "$work/log-$size.txt" && { echo "FAIL: $size: a screen does not fit"; fail=1; }
done
exit $fail

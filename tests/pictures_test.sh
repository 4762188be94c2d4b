#!/usr/bin/env bash
# Issue 11: the pictures are where the screens say, at every window size.
#  1. With the shipped assets, at 1280x800, 800x1280, 1920x1080 and 1024x600:
#     the welcome logo, an icon in each area choice (inside it, at its
#     trailing edge, clear of its words), the do and don't marks on every
#     do/don't line, a calendar per day-plan stage, the two reactions
#     illustrations, the self-check pictograms (none on "None of these");
#     no screen clipped; nothing logged about pictures.
#  2. With an empty assets folder and a logo that is not there: the same
#     screens show without any picture and still fit; each missing file is
#     named in the log once; the kiosk exits 0. At 1024x600 the plan's and
#     reactions page's lines are as tall as with pictures (they took no type
#     size). A broken SVG is logged once and the other pictures still show.
# Usage: pictures_test.sh KIOSK SRC WORK
set -u
kiosk=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail=0
check() { # DESCRIPTION CONDITION
    if (( $2 )); then :; else echo "FAIL: $1"; fail=1; fi
}

cat > "$work/script.txt" <<'SCRIPT'
dump
tap welcome.start
tap session.area.face
dump
tap nav.next
expect-screen guide.do-dont
dump
tap nav.next
expect-screen guide.why
tap nav.next
expect-screen guide.plan
dump
tap nav.next
expect-screen guide.reactions
dump
tap nav.home
tap welcome.selfcheck
tap session.area.face
tap nav.next
expect-screen selfcheck.emergency
dump
tap selfcheck.answer.emergency_none
tap nav.next
expect-screen selfcheck.warning
dump
tap selfcheck.answer.warning_none
tap nav.next
expect-screen selfcheck.feel
tap selfcheck.answer.redness
dump
SCRIPT

# The rectangle of widget ID on screen SCREEN: "x y w h" (empty: none).
rect_of() { # DUMP SCREEN ID
    awk -v s="$2" -v id="$3" '$1=="screen"{cur=$2} $1=="widget" && cur==s && $2==id {print $4, $5, $6, $7; exit}' "$1"
}
kind_of() {
    awk -v s="$2" -v id="$3" '$1=="screen"{cur=$2} $1=="widget" && cur==s && $2==id {print $3; exit}' "$1"
}
pictures_on() { # DUMP SCREEN: how many picture widgets
    awk -v s="$2" '$1=="screen"{cur=$2} $1=="widget" && cur==s && $3=="picture" {n++} END {print n+0}' "$1"
}
count_on() { # DUMP SCREEN PREFIX
    awk -v s="$2" -v p="$3" '$1=="screen"{cur=$2} $1=="widget" && cur==s && index($2, p)==1 {n++} END {print n+0}' "$1"
}

for size in 1280x800 800x1280 1920x1080 1024x600; do
    dump="$work/dump-$size.txt"
    log="$work/log-$size.txt"
    "$kiosk" --script "$work/script.txt" --db "$work/db-$size.sqlite" --size "$size" \
        > "$dump" 2> "$log" || { echo "FAIL: kiosk at $size"; tail -n 5 "$log"; fail=1; continue; }
    grep -q 'does not fit' "$log" && { echo "FAIL: a screen does not fit at $size"; fail=1; }
    grep -qE '^(WARN|ERROR).*pictur' "$log" && { echo "FAIL: pictures logged at $size:"; grep -E '^(WARN|ERROR)' "$log"; fail=1; }

    check "$size: welcome.logo is a picture" "$([ "$(kind_of "$dump" welcome welcome.logo)" = picture ] && echo 1 || echo 0)"
    for area in face scalp body; do
        read -r cx cy cw ch <<< "$(rect_of "$dump" session session.area.$area)"
        read -r px py pw ph <<< "$(rect_of "$dump" session session.area.$area.icon)"
        if [ -z "${px:-}" ]; then
            echo "FAIL: $size: no session.area.$area.icon"; fail=1; continue
        fi
        check "$size: $area icon inside its choice" \
            "$px >= $cx && $py >= $cy && $px + $pw <= $cx + $cw && $py + $ph <= $cy + $ch"
        check "$size: $area icon at the trailing half" "$px > $cx + $cw / 2"
        check "$size: $area icon at least 40 px" "$pw >= 40 && $ph >= 40"
    done
    # Every do/don't line has its mark, and no line a dot.
    items=$(count_on "$dump" guide.do-dont guide.section.1.item.)
    marks=$(count_on "$dump" guide.do-dont guide.section.1.mark.)
    check "$size: a do mark per do line ($marks of $items)" "$items > 0 && $marks == $items"
    items=$(count_on "$dump" guide.do-dont guide.section.2.item.)
    marks=$(count_on "$dump" guide.do-dont guide.section.2.mark.)
    check "$size: a don't mark per don't line ($marks of $items)" "$items > 0 && $marks == $items"
    check "$size: no dots on the do/don't page" "$(count_on "$dump" guide.do-dont guide.section.1.bullet.) == 0"
    grep -q 'guide.section.1.mark.1 picture .* mark-do$' "$dump" || { echo "FAIL: $size: mark-do"; fail=1; }
    grep -q 'guide.section.2.mark.1 picture .* mark-dont$' "$dump" || { echo "FAIL: $size: mark-dont"; fail=1; }
    # The day plan: a calendar per stage, inside its card; the reactions page:
    # the two illustrations. On a short screen they may shrink or go, never
    # at the other sizes.
    for n in 1 2 3; do
        icon=$(rect_of "$dump" guide.plan guide.section.$n.icon)
        if [ "$size" != 1024x600 ] && [ -z "$icon" ]; then
            echo "FAIL: $size: no guide.section.$n.icon on the plan"; fail=1
        fi
        if [ -n "$icon" ]; then
            read -r px py pw ph <<< "$icon"
            read -r cx cy cw ch <<< "$(rect_of "$dump" guide.plan guide.section.$n)"
            check "$size: stage $n icon inside its card" \
                "$px >= $cx && $py >= $cy && $px + $pw <= $cx + $cw && $py + $ph <= $cy + $ch"
        fi
    done
    grep -q 'guide.section.2.icon picture .* stage-2$' "$dump" || [ "$size" = 1024x600 ] ||
        { echo "FAIL: $size: stage-2"; fail=1; }
    if [ "$size" != 1024x600 ]; then
        check "$size: both reactions illustrations" "$(pictures_on "$dump" guide.reactions) == 2"
    fi
    # Self-check: a pictogram on each answer but "None of these", or (where a
    # label would need smaller type beside one: on the short screen) none on
    # the whole question, never some.
    for q in emergency warning; do
        answers=$(count_on "$dump" selfcheck.$q selfcheck.answer.)
        icons=$(pictures_on "$dump" selfcheck.$q)
        if [ "$size" = 1024x600 ] && [ "$icons" = 0 ]; then
            continue
        fi
        check "$size: selfcheck.$q pictograms ($icons for $answers widgets)" "$icons > 0 && $icons * 2 + 1 == $answers"
        check "$size: no pictogram on none" "$(count_on "$dump" selfcheck.$q selfcheck.answer.${q}_none.icon) == 0"
    done
    # A picked answer's pictogram is drawn on the picked colour.
    check "$size: feel pictograms" "$(pictures_on "$dump" selfcheck.feel) == 4"
done

# Without any picture file, and a logo that is not there.
mkdir -p "$work/no-assets/sounds"
cp "$src/assets/sounds/alert-chime.wav" "$work/no-assets/sounds/"
"$kiosk" --script "$work/script.txt" --db "$work/db-none.sqlite" --size 1024x600 \
    --assets "$work/no-assets" --set logo=/nonexistent/logo.svg \
    > "$work/dump-none.txt" 2> "$work/log-none.txt" || { echo "FAIL: kiosk without pictures"; fail=1; }
grep -q 'does not fit' "$work/log-none.txt" && { echo "FAIL: does not fit without pictures"; fail=1; }
check "no picture widgets without pictures" "$(grep -c ' picture ' "$work/dump-none.txt") == 0"
check "welcome still shows" "$(grep -c '^widget welcome.start ' "$work/dump-none.txt") == 1"
check "the bad logo logged once" "$(grep -c 'picture /nonexistent/logo.svg: not shown: No such file' "$work/log-none.txt") == 1"
check "a missing icon logged once" "$(grep -c 'no-assets/pictures/area-face.svg: not shown' "$work/log-none.txt") == 1"
check "a missing mark logged once" "$(grep -c 'no-assets/pictures/mark-do.svg: not shown' "$work/log-none.txt") == 1"
check "optional pictures not logged" "$(grep -c 'answer-\|stage-\|guide-' "$work/log-none.txt") == 0"

# The pictures take no type size: at 1024x600 every line of the plan and
# reactions pages is as tall with them as without them.
heights() { # DUMP SCREEN: the items' heights
    awk -v s="$2" '$1=="screen"{cur=$2} $1=="widget" && cur==s && $2 ~ /\.item\./ {printf "%s=%s ", $2, $7}' "$1"
}
for page in guide.plan guide.reactions; do
    with=$(heights "$work/dump-1024x600.txt" $page)
    without=$(heights "$work/dump-none.txt" $page)
    if [ -z "$with" ] || [ "$with" != "$without" ]; then
        echo "FAIL: $page at 1024x600: text sizes differ with pictures"
        echo "  with:    $with"; echo "  without: $without"; fail=1
    fi
done

# A broken SVG where an icon should be: logged once, the kiosk carries on.
mkdir -p "$work/broken-assets/pictures"
cp "$src"/assets/pictures/*.svg "$work/broken-assets/pictures/"
echo 'not an svg' > "$work/broken-assets/pictures/area-scalp.svg"
# Under ASan, SDL keeps 16 bytes of its own after SDL_image's failed load (SDL
# 2.26; test_picture_cache looks away from exactly that call): this one run
# does not count leaks; every other kiosk run in the suite does.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
"$kiosk" --script "$work/script.txt" --db "$work/db-broken.sqlite" --size 1280x800 \
    --assets "$work/broken-assets" > "$work/dump-broken.txt" 2> "$work/log-broken.txt" ||
    { echo "FAIL: kiosk with a broken picture"; fail=1; }
check "the broken picture logged once" "$(grep -c 'area-scalp.svg: not shown: cannot draw it' "$work/log-broken.txt") == 1"
check "the other icons still show" "$(grep -c '^widget session.area.face.icon picture' "$work/dump-broken.txt") == 1"

[ "$fail" = 0 ] && echo "ok: pictures at every size"
exit $fail

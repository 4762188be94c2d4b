#!/usr/bin/env bash
# Issue 12, large text, at every window size: the scenario
# tests/scenarios/large_text.script runs clean (nothing clipped: no "does
# not fit"), every target in every dump it prints (buttons, choices, tick
# boxes, fields, keys) is at least 60 px each way, and after the idle wipe
# the welcome screen is laid out exactly as before "Aa" was tapped.
# Usage: large_text_test.sh KIOSK SOURCE_DIR WORKDIR
set -u
kiosk=$1 src=$2 work=$3
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
fail() { echo "FAIL: $*"; exit 1; }
for size in 1280x800 800x1280 1920x1080 1024x600; do
    out="$work/$size"
    rm -rf "$out"
    mkdir -p "$out"
    sed "s#@OUT@#$out#g" "$src/tests/scenarios/large_text.script" > "$out/script.txt"
    "$kiosk" --script "$out/script.txt" --size "$size" --db "$out/requests.db" \
        > "$out/stdout.txt" 2> "$out/stderr.txt" || { tail -n 5 "$out/stderr.txt"; fail "kiosk exited non-zero at $size"; }
    if grep -q 'does not fit' "$out/stderr.txt"; then
        grep 'does not fit' "$out/stderr.txt"
        fail "a large-text screen did not fit at $size"
    fi
    screens=$(grep -c '^screen ' "$out/stdout.txt")
    [ "$screens" -ge 25 ] || fail "only $screens screens dumped at $size"
    # The split pages really were split (the guide has more parts than pages).
    grep -q '^screen guide\.[a-z-]*\.2$' "$out/stdout.txt" || fail "no guide page was split at $size"
    small=$(awk '$1 == "screen" { s = $2 }
        $1 == "widget" && ($3 == "button" || $3 == "choice" || $3 == "check" || $3 == "field" || $3 == "key") && ($6 < 60 || $7 < 60) {
            print s ": " $2 " is " $6 "x" $7 }' "$out/stdout.txt")
    [ -z "$small" ] || { echo "$small"; fail "targets under 60 px at $size"; }
    # Each screen's dump: the first welcome (normal), the second (large), the last (after the wipe).
    awk -v dir="$out" '$1 == "screen" { n++; f = dir "/dump-" n ".txt" } f { print > f }' "$out/stdout.txt"
    last="$out/dump-$screens.txt"
    head -n 1 "$last" | grep -q '^screen welcome$' || fail "the last dump is not the welcome at $size"
    cmp -s "$out/dump-1.txt" "$last" || { diff "$out/dump-1.txt" "$last" | head; fail "after the idle wipe the welcome is not back to normal text at $size"; }
    cmp -s "$out/dump-1.txt" "$out/dump-2.txt" && fail "Aa changed nothing on the welcome at $size"
    grep -q '^widget chrome.textsize ' "$out/dump-1.txt" || fail "no Aa button on the welcome at $size"
    for d in "$out"/dump-*.txt; do
        id=$(head -n 1 "$d" | cut -d' ' -f2)
        case "$id" in idle | leave) continue ;; esac
        grep -q '^widget chrome.textsize ' "$d" || fail "no Aa button on $id at $size"
    done
    echo "ok large text at $size ($screens screens)"
done

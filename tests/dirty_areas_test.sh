#!/usr/bin/env bash
# Issue 11, dirty areas: a key press on the form redraws only what changed
# (measure-keys reports every one of its frames as partial), and what a run
# of partial frames leaves on screen is pixel for pixel what a full redraw
# draws (a resize to the same size repaints everything).
# Usage: dirty_areas_test.sh KIOSK IMGDIFF WORKDIR
set -u
kiosk=$1 imgdiff=$2 work=$3
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
fail() { echo "FAIL: $*"; exit 1; }
for size in 1280x800 800x1280; do
    out="$work/$size"
    rm -rf "$out"
    mkdir -p "$out"
    w=${size%x*} h=${size#*x}
    cat > "$out/script.txt" <<SCRIPT
tap welcome.consultation
tap form.name
type Jane
measure-keys 5
type  Doe
key Left
tap kbd.shift
screenshot $out/partial.png
resize $w $h
screenshot $out/full.png
SCRIPT
    "$kiosk" --script "$out/script.txt" --size "$size" --db "$out/requests.db" \
        > "$out/stdout.txt" 2> "$out/stderr.txt" || { tail -n 5 "$out/stderr.txt"; fail "kiosk exited non-zero at $size"; }
    grep -q '^measure-keys .* n=10 .* partial=10$' "$out/stdout.txt" ||
        { grep measure-keys "$out/stdout.txt"; fail "key presses were not drawn in part at $size"; }
    "$imgdiff" "$out/partial.png" "$out/full.png" "$out/diff.png" ||
        fail "partial frames left other pixels than a full redraw at $size (see $out/diff.png)"
    echo "ok dirty areas at $size"
done

#!/usr/bin/env bash
# Issue 10: a broken content or config file after an edit never leaves the
# kiosk blank. The real kiosk: started on good data it keeps last good
# copies (0700 folder, 0600 files); with content.yaml then broken it shows
# the welcome screen from the copy, logs the file, line and reason and the
# copy it used, and leaves the broken file byte for byte as it was; a broken
# config runs on its copy too; with no copy (a fresh state folder) it shows
# the out-of-service screen as before.
set -u
kiosk=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}

cp -r "$src/data" "$work/data"
run() { # NAME SCRIPT-TEXT [ARGS...]
    local name=$1 text=$2
    shift 2
    printf '%s\n' "$text" > "$work/$name.script"
    "$kiosk" --script "$work/$name.script" --content "$work/data" --db "$work/state/requests.db" \
        --size 1280x800 "$@" > "$work/$name.out" 2> "$work/$name.log"
}

run good 'expect-screen welcome' || { cat "$work/good.log"; fail "good data did not start"; }
copies="$work/state/last-good"
[ -f "$copies/en_content.yaml" ] || fail "no last good copy of content.yaml in $copies"
[ -f "$copies/config.yaml" ] || fail "no last good copy of config.yaml"
[ "$(stat -c %a "$copies")" = 700 ] || fail "copies folder is $(stat -c %a "$copies"), not 700"
[ "$(stat -c %a "$copies/en_content.yaml")" = 600 ] || fail "copy is not 0600"
cmp -s "$copies/en_content.yaml" "$src/data/en/content.yaml" || fail "copy differs from the file"
ls "$copies" | grep -q '\.tmp\.' && fail "a temporary file was left"

# An edit that breaks the content: the first "title:" (the welcome title)
# emptied; the log must name its line.
title_line=$(grep -n -m1 'title:' "$src/data/en/content.yaml" | cut -d: -f1)
sed '0,/title:/s/title:.*/title: ""/' "$src/data/en/content.yaml" > "$work/data/en/content.yaml"
cp "$work/data/en/content.yaml" "$work/broken.yaml"
run broken 'expect-screen welcome
expect-text Aftercare for your mesotherapy' || { cat "$work/broken.log"; fail "broken content did not run on its copy"; }
grep -q "ERROR: .*content.yaml:$title_line:.*must not be empty" "$work/broken.log" || { cat "$work/broken.log"; fail "the log does not name the file, line and reason"; }
grep -q "WARN: .*content.yaml is broken: running on its last good copy .*last-good/en_content.yaml" \
    "$work/broken.log" || { cat "$work/broken.log"; fail "the log does not name the copy"; }
cmp "$work/data/en/content.yaml" "$work/broken.yaml" || fail "the broken file was modified"
cmp -s "$copies/en_content.yaml" "$src/data/en/content.yaml" || fail "a broken set replaced the copy"

# A broken config runs on its copy as well (the content fixed again).
cp "$src/data/en/content.yaml" "$work/data/en/content.yaml"
cp "$work/data/config.yaml" "$work/config.good"
printf 'idle_timeout_s: 5\n' >> "$work/data/config.yaml"
run config 'expect-screen welcome' || { cat "$work/config.log"; fail "broken config did not run on its copy"; }
grep -q "config.yaml:.*idle_timeout_s" "$work/config.log" || fail "config error not logged"
grep -q "last good copy .*last-good/config.yaml" "$work/config.log" || fail "config copy not named"
cp "$work/config.good" "$work/data/config.yaml"

# No good copy (a fresh state folder): out of service, as without copies.
cp "$work/broken.yaml" "$work/data/en/content.yaml"
run fresh 'expect-screen error' --db "$work/fresh/requests.db" || { cat "$work/fresh.log"; fail "no copy: not the out-of-service screen"; }
grep -q "no last good copy" "$work/fresh.log" || fail "no copy: not logged"
[ -e "$work/fresh/last-good/en_content.yaml" ] && fail "a broken set was saved as last good"
# Issue 12: the Arabic file has its copy too; broken, the switch still
# offers Arabic from the copy.
cp "$src/data/en/content.yaml" "$work/data/en/content.yaml"
[ -f "$copies/ar_content.yaml" ] || fail "no last good copy of ar/content.yaml"
sed '0,/start:/s/start:.*/start: ""/' "$src/data/ar/content.yaml" > "$work/data/ar/content.yaml"
run arabic 'tap welcome.language.ar
expect-text ابدأ' || { cat "$work/arabic.log"; fail "broken Arabic did not run on its copy"; }
grep -q "last good copy .*last-good/ar_content.yaml" "$work/arabic.log" || { cat "$work/arabic.log"; fail "Arabic copy not named"; }
echo "ok: last good copies"

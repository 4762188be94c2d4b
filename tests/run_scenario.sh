#!/usr/bin/env bash
# Runs one scenario script through the real kiosk binary, headless, then
#  - fails if any screen did not fit the window (text clipped or cut off),
#  - compares every screenshot it saved with tests/golden/<size>/<name>.png
#    when that folder exists (KIOSK_UPDATE_GOLDENS=1 rewrites the references
#    instead; review them),
#  - runs the scenario's database checks (tests/scenarios/<name>.check).
# Usage: run_scenario.sh KIOSK IMGDIFF SCENARIO SIZE WORKDIR GOLDEN_DIR
set -u
kiosk=$1 imgdiff=$2 scenario=$3 size=$4 work=$5 golden=$6
name=$(basename "$scenario" .script)
out="$work/$name-$size"
rm -rf "$out"
mkdir -p "$out"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
# Issue 13: a fixed day for the take-home calendar code and the weekly counts.
export KIOSK_TODAY=${KIOSK_TODAY:-2026-12-02}

sed "s#@OUT@#$out#g" "$scenario" > "$out/script.txt"
# A scenario may add arguments (one a line, e.g. a --db that cannot work).
extra=()
if [ -f "${scenario%.script}.args" ]; then
    mapfile -t extra < <(grep -v '^#' "${scenario%.script}.args")
fi
status=0
"$kiosk" --script "$out/script.txt" --size "$size" --db "$out/requests.db" "${extra[@]}" \
    > "$out/stdout.txt" 2> "$out/stderr.txt" || status=$?
if [ "$status" -ne 0 ]; then
    echo "FAIL $name at $size: kiosk exited $status"
    grep -v '^INFO' "$out/stderr.txt" | tail -n 20
    exit 1
fi
if grep -q 'does not fit' "$out/stderr.txt"; then
    echo "FAIL $name at $size: a screen did not fit:"
    grep 'does not fit' "$out/stderr.txt"
    exit 1
fi

failed=0
# Sizes with no reference folder (1920x1080, 1024x600) check screens, fit and
# rows, not pixels: two orientations of goldens are enough to review.
compare=1
if [ ! -d "$golden/$size" ] && [ "${KIOSK_UPDATE_GOLDENS:-0}" != 1 ]; then
    compare=0
fi
for shot in "$out"/*.png; do
    [ "$compare" = 1 ] || break
    [ -e "$shot" ] || continue
    base=$(basename "$shot")
    case "$base" in *.nogold.png) continue ;; esac
    ref="$golden/$size/$name-$base"
    if [ "${KIOSK_UPDATE_GOLDENS:-0}" = 1 ]; then
        mkdir -p "$golden/$size"
        cp "$shot" "$ref"
        continue
    fi
    if [ ! -e "$ref" ]; then
        echo "FAIL $name at $size: no reference $ref (run with KIOSK_UPDATE_GOLDENS=1 and review it)"
        failed=1
        continue
    fi
    if ! "$imgdiff" "$shot" "$ref" "$out/${base%.png}.diff.png"; then
        cp "$shot" "$out/${base%.png}.actual.png"
        echo "FAIL $name at $size: $base differs from $ref (actual: $out/${base%.png}.actual.png)"
        failed=1
    fi
done

check="${scenario%.script}.check"
if [ -f "$check" ]; then
    # Each check: a line "SQL" then a line "=> EXPECTED" (rows joined with " / ").
    sql=""
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            ''|'#'*) continue ;;
            '=> '*)
                expected=${line#=> }
                actual=$(sqlite3 -batch "$out/requests.db" "$sql" 2>&1 | paste -sd'/' - | sed 's#/# / #g')
                if [ "$actual" != "$expected" ]; then
                    echo "FAIL $name at $size: database check"
                    echo "  sql:      $sql"
                    echo "  expected: $expected"
                    echo "  actual:   $actual"
                    failed=1
                fi
                sql="" ;;
            *) sql="$sql $line" ;;
        esac
    done < "$check"
fi
if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "ok $name at $size"

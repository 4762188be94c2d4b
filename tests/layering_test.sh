#!/usr/bin/env bash
# Issue 7: the layers stay layers.
#  - No binary but the touchscreen's own (kiosk, its tests and the image
#    differ) links libSDL2: kiosk-bench and kioskctl must run on a box with
#    no display libraries at all. Checked on the ELF's DT_NEEDED list (not
#    ldd, which would also list what a library pulls in transitively).
#  - No file under kiosk/core or kiosk/host includes an SDL header.
# Usage: layering_test.sh SOURCE_DIR BINARY...
set -u
src=$1
shift
fail=0
for bin in "$@"; do
    if [ ! -x "$bin" ]; then
        echo "FAIL: $bin is not built"
        fail=1
        continue
    fi
    if readelf -d "$bin" | grep -q 'NEEDED.*libSDL2'; then
        echo "FAIL: $(basename "$bin") links SDL:"
        readelf -d "$bin" | grep 'NEEDED.*SDL'
        fail=1
    fi
    # Statically linked kiosk_ui code would show as SDL symbols.
    if nm -u "$bin" 2>/dev/null | grep -q ' SDL_'; then
        echo "FAIL: $(basename "$bin") calls SDL functions:"
        nm -u "$bin" | grep ' SDL_' | head -5
        fail=1
    fi
done
bad=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"]SDL' "$src/kiosk/core" "$src/kiosk/host" || true)
if [ -n "$bad" ]; then
    echo "FAIL: core or host files include SDL headers:"
    echo "$bad"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "ok: $# non-UI binaries link no SDL; core and host include no SDL header"

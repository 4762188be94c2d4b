#!/usr/bin/env bash
# Issue 14's benchmark figures: starts a PostgreSQL 15 in a temporary folder
# (tests/central/pg_lib.sh) and the fault proxy in "hang" mode, then runs
# `kiosk-bench --central`: forwarding throughput and the drain time of a
# 10,000-request backlog to the local server, and the worst tap-to-frame
# time at the kiosk while its forwarder is held by a server that sends
# nothing. Usage: central_bench.sh BUILD_DIR [--quick]
set -u
BUILD=$(cd "$1" && pwd)
shift
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../central/pg_lib.sh"
PG=$(mktemp -d /tmp/central-bench-pg.XXXXXX)
PROXY=
cleanup() {
    [ -n "$PROXY" ] && kill "$PROXY" 2>/dev/null
    pg_stop "$PG" immediate
    rm -rf "$PG"
}
trap cleanup EXIT
pg_init "$PG" tcp || exit 1
"$BUILD/kioskctl" --config <(pg_config_yaml bench "$PG/sock" "$(pg_port "$PG")") central init \
    >/dev/null || exit 1
HANG=$(($(pg_port "$PG") + 1))
echo hang >"$PG/control"
python3 "$HERE/../tools/fault_proxy.py" "$HANG" "$(pg_port "$PG")" "$PG/control" "$PG/stats" &
PROXY=$!
for ((t = 0; t < 100; t++)); do
    [ -s "$PG/stats" ] && break
    sleep 0.05
done
SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy} \
    "$BUILD/kiosk-bench" "$@" --central "$PG/sock" "$(pg_port "$PG")" "$HANG"

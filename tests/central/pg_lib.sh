# Helpers for the central PostgreSQL tests (issue 14): a real PostgreSQL 15
# server in a temporary folder, started and stopped by the test itself.
# initdb refuses root, so as root the server runs as the `postgres` user
# (runuser); otherwise as the current user. Source this file.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_init DIR [tcp]: a cluster in DIR/data with a Unix socket in DIR/sock
# (and a loopback TCP port when "tcp" is given); a role "kiosk" and a
# database "aftercare". Writes DIR/port.
pg_init() {
    local dir=$1 tcp=${2:-}
    mkdir -p "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
    chmod 755 "$dir"
    pg_as "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
    local port=$((20000 + RANDOM % 30000))
    echo "$port" >"$dir/port"
    local listen="''"
    [ "$tcp" = tcp ] && listen="'localhost'"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = $listen
port = $port
unix_socket_directories = '$dir/sock'
fsync = off
full_page_writes = off
max_connections = 40
log_min_messages = warning
CONF
    pg_start "$dir" || return 1
    pg_sql "$dir" postgres "CREATE ROLE kiosk LOGIN PASSWORD 'kiosk-secret-pw'" >/dev/null &&
        pg_sql "$dir" postgres "CREATE DATABASE aftercare OWNER kiosk" >/dev/null
}

pg_port() { cat "$1/port"; }

pg_start() {
    pg_as "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null ||
        { tail -20 "$1/server.log"; return 1; }
}

# pg_stop DIR [fast|immediate]
pg_stop() {
    pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m "${2:-fast}" -w -t 60 stop >/dev/null 2>&1 || true
}

# pg_sql DIR DBNAME SQL: one value per line, no headers.
pg_sql() {
    "$PG_BIN/psql" -h "$1/sock" -p "$(pg_port "$1")" -U postgres -d "$2" -XAtq -v ON_ERROR_STOP=1 \
        -c "$3"
}

# pg_config_yaml DIR HOST PORT [extra central lines]: a kiosk config on stdout.
pg_config_yaml() {
    local kiosk=$1 host=$2 port=$3
    shift 3
    printf 'format: kiosk-config/1\nkiosk_id: %s\ncentral:\n  host: "%s"\n  port: %s\n' \
        "$kiosk" "$host" "$port"
    printf '  connect_timeout_s: 3\n  query_timeout_s: 3\n  backoff_max_s: 1\n'
    for line in "$@"; do printf '  %s\n' "$line"; done
}

# The start every central test shares: an empty WORK (made absolute), a
# fresh server folder in $PG, PIDS for the test's own children, and on exit
# those children killed and the server stopped and removed; fail() and
# elapsed() (seconds since this call). Call once, after sourcing this file.
pg_test_begin() {
    rm -rf "$WORK"
    mkdir -p "$WORK"
    WORK=$(cd "$WORK" && pwd)
    PG=$(mktemp -d /tmp/central-pg.XXXXXX)
    PIDS=()
    T0=$(date +%s.%N)
    trap pg_test_cleanup EXIT
}
pg_test_cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    pg_stop "$PG" immediate
    rm -rf "$PG"
}
fail() { echo "FAIL: $*"; exit 1; }
elapsed() { awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN { printf "%.1f", a - b }'; }

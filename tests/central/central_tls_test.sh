#!/usr/bin/env bash
# Issue 14: TLS and the password, against a real PostgreSQL 15 with ssl=on
# and scram-sha-256 over TCP. With sslmode verify-full:
#   the right CA and host name  -> forwarded;
#   a wrong CA                  -> refused, the log says the certificate failed;
#   a host name not in the cert -> refused, the log says it does not match;
#   a password file others can read -> not used, the log says why;
#   a wrong password            -> refused, the log says authentication failed;
# and no log line ever holds a password.
# Usage: central_tls_test.sh KIOSKCTL DRIVER WORKDIR
set -u
CTL=$1 DRIVER=$2 WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/pg_lib.sh"
[ -x "$PG_BIN/initdb" ] || { echo "SKIP: no PostgreSQL 15 in $PG_BIN"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: no openssl"; exit 77; }
pg_test_begin

# Two CAs; the server's certificate (for "localhost" only) is signed by the first.
cd "$WORK" || exit 1
for ca in ca1 ca2; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Test $ca" \
        -keyout $ca.key -out $ca.crt >/dev/null 2>&1 || fail "openssl $ca"
done
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr \
    >/dev/null 2>&1 || fail "openssl csr"
printf 'subjectAltName=DNS:localhost\n' >san.ext
openssl x509 -req -in server.csr -CA ca1.crt -CAkey ca1.key -CAcreateserial -days 2 \
    -extfile san.ext -out server.crt >/dev/null 2>&1 || fail "openssl sign"
cd - >/dev/null || exit 1

pg_init "$PG" tcp || fail "could not start PostgreSQL"
cp "$WORK/server.crt" "$WORK/server.key" "$PG/data/"
chmod 600 "$PG/data/server.key"
[ "$(id -u)" = 0 ] && chown postgres "$PG/data/server.crt" "$PG/data/server.key"
printf "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n" >>"$PG/data/postgresql.conf"
cat >"$PG/data/pg_hba.conf" <<HBA
local all all trust
hostssl all all 127.0.0.1/32 scram-sha-256
hostssl all all ::1/128 scram-sha-256
host all all all reject
HBA
pg_stop "$PG" fast
pg_start "$PG" || fail "restart with ssl"
PORT=$(pg_port "$PG")
PW=kiosk-secret-pw
printf '%s\n' "$PW" >"$WORK/pw"
chmod 600 "$WORK/pw"
printf 'wrong-pw-5150\n' >"$WORK/badpw"
chmod 600 "$WORK/badpw"
cp "$WORK/pw" "$WORK/openpw"
chmod 644 "$WORK/openpw"
pg_config_yaml direct "$PG/sock" "$PORT" >"$WORK/direct.yaml"
"$CTL" --config "$WORK/direct.yaml" central init >/dev/null || fail "central init"
"$DRIVER" "$WORK/k.db" 3 kiosk-tls >/dev/null 2>&1 || fail "driver"

# try NAME HOST CA PWFILE: forward --once with that config; its log in NAME.log.
try() {
    pg_config_yaml kiosk-tls "$2" "$PORT" "sslmode: verify-full" "sslrootcert: $WORK/$3" \
        "password_file: $WORK/$4" >"$WORK/$1.yaml"
    grep -q "$PW" "$WORK/$1.yaml" && fail "the password is in the config"
    "$CTL" --config "$WORK/$1.yaml" --db "$WORK/k.db" forward --once >"$WORK/$1.out" 2>"$WORK/$1.log"
}
try wrongca localhost ca2.crt pw && fail "a wrong CA was accepted"
grep -q "certificate verify failed" "$WORK/wrongca.log" || fail "wrong CA: $(cat "$WORK/wrongca.log")"
try wronghost 127.0.0.1 ca1.crt pw && fail "a wrong host name was accepted"
grep -q 'does not match host name "127.0.0.1"' "$WORK/wronghost.log" ||
    fail "wrong host: $(cat "$WORK/wronghost.log")"
try openpw localhost ca1.crt openpw && fail "a password file others can read was used"
grep -q "readable only by it" "$WORK/openpw.log" || fail "open password file: $(cat "$WORK/openpw.log")"
try badpw localhost ca1.crt badpw && fail "a wrong password was accepted"
grep -q "password authentication failed" "$WORK/badpw.log" || fail "bad password: $(cat "$WORK/badpw.log")"
[ "$(pg_sql "$PG" aftercare "SELECT count(*) FROM requests")" = 0 ] || fail "rows sent before a good connection"
try good localhost ca1.crt pw || fail "the right CA and host: $(cat "$WORK/good.log")"
[ "$(pg_sql "$PG" aftercare "SELECT count(*) FROM requests")" = 3 ] || fail "not forwarded over TLS"
# What check shows carries the reason, not the password, too.
"$CTL" --db "$WORK/k.db" check >"$WORK/check.out" 2>&1
for f in "$WORK"/*.log "$WORK"/*.out; do
    grep -q -e "$PW" -e "wrong-pw-5150" "$f" && fail "a password in $f"
done
for f in wrongca wronghost openpw badpw; do echo "  $f: $(head -c 200 "$WORK/$f.log")"; done
echo "PASS: wrong CA, wrong host name, open password file and wrong password refused with the reason; no password logged"

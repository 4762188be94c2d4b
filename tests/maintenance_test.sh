#!/usr/bin/env bash
# Issue 10 (items 2-4) with the real kiosk and kioskctl:
#  1. A corrupt database (garbage bytes; a real database cut short): the kiosk
#     comes up, moves it aside byte for byte (cmp), makes a fresh one, says
#     so in the log, saves a request in the fresh one, and `kioskctl check`
#     shows the alert until `kioskctl ack-alert`.
#  2. A database from a newer kiosk (user_version 99): left untouched byte
#     for byte, nothing moved or made beside it, the request goes to the
#     spool and the patient sees "kept".
#  3. An unusable database folder. As root a chmod'ed folder is still
#     writable, so the database path goes under a regular file (mkdir and
#     open fail with ENOTDIR for everyone): the kiosk comes up, keeps the
#     request in a spool elsewhere, and moves nothing.
#  4. A daily backup made by the running kiosk: <db>.backups/requests-<UTC
#     date>.db, folder 0700, file 0600, passing integrity_check. (Rotation
#     over days is tested with an injected clock in test_maintenance.)
#  5. The daily purge at start: a done request older than retention_days is
#     gone from the database file and its -wal (grep -c on the raw files),
#     a request not marked done, as old, stays.
# Usage: maintenance_test.sh KIOSK KIOSKCTL WORK_DIR
set -u
kiosk=$1
ctl=$2
work=$3
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
export SDL_RENDER_DRIVER=software
command -v sqlite3 >/dev/null || { echo "maintenance test: sqlite3 is needed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
chmod 700 "$work"
fail() {
    echo "FAIL: $*"
    exit 1
}

# One consultation request from NAME, ending on screen END (thanks or kept).
form_script() {
    cat <<SCRIPT
expect-screen welcome
tap welcome.consultation
tap form.name
type $1
tap form.field.next
type 501234567
tap form.field.next
tap form.time.morning
tap form.consent
tap form.submit
expect-screen $2
SCRIPT
}

# ---- 1. corrupt: garbage, and a database cut short ---------------------------
head -c 16384 /dev/urandom >"$work/garbage.orig"
sqlite3 "$work/full.db" "PRAGMA page_size=4096; CREATE TABLE t(x); \
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<2000) \
    INSERT INTO t SELECT randomblob(200) FROM c;"
head -c 20000 "$work/full.db" >"$work/truncated.orig"
for kind in garbage truncated; do
    d="$work/$kind"
    mkdir -m 700 "$d"
    cp "$work/$kind.orig" "$d/requests.db"
    form_script "Fresh Start" thanks >"$d/script"
    "$kiosk" --script "$d/script" --db "$d/requests.db" >/dev/null 2>"$d/log" ||
        { tail -5 "$d/log"; fail "$kind: kiosk exited $?"; }
    moved=$(ls "$d" | grep '^requests\.db\.corrupt-[0-9]\{8\}T[0-9]\{6\}Z$')
    [ "$(echo "$moved" | grep -c .)" = 1 ] || fail "$kind: expected one moved-aside file, got: $(ls "$d")"
    cmp "$work/$kind.orig" "$d/$moved" || fail "$kind: the moved file is not the original"
    grep -q "ERROR: database .* is damaged .* moved aside to .*$moved" "$d/log" ||
        fail "$kind: the log does not say it was moved aside"
    [ "$(sqlite3 "$d/requests.db" 'SELECT count(*) FROM requests;')" = 1 ] ||
        fail "$kind: the fresh database does not hold the new request"
    "$ctl" --db "$d/requests.db" check >"$d/check1" 2>&1
    [ $? = 1 ] || fail "$kind: check should report the alert as a problem"
    grep -q "^ALERT .*database damaged.*$moved" "$d/check1" || { cat "$d/check1"; fail "$kind: check shows no alert"; }
    "$ctl" --db "$d/requests.db" check >"$d/check2" 2>&1
    grep -q "^ALERT" "$d/check2" || fail "$kind: the alert went away without an ack"
    "$ctl" --db "$d/requests.db" ack-alert --by it >"$d/ack" 2>&1 || { cat "$d/ack"; fail "$kind: ack-alert failed"; }
    grep -q "1 alert acknowledged" "$d/ack" || fail "$kind: ack-alert said: $(cat "$d/ack")"
    "$ctl" --db "$d/requests.db" check >"$d/check3" 2>&1 || { cat "$d/check3"; fail "$kind: check still fails after the ack"; }
    grep -q "^ALERT" "$d/check3" && fail "$kind: the alert is still shown after the ack"
    sqlite3 "$d/requests.db" "SELECT actor FROM audit WHERE action='alert_ack';" | grep -q "kioskctl:it" ||
        fail "$kind: no alert_ack audit row"
    cmp "$work/$kind.orig" "$d/$moved" || fail "$kind: the moved file changed later"
    echo "ok: $kind database moved aside intact, fresh one used, alert shown until acknowledged"
done
"$ctl" ack-alert --help | grep -q "usage: kioskctl ack-alert" || fail "ack-alert --help"
"$ctl" --help | grep -q "ack-alert" || fail "kioskctl --help does not list ack-alert"

# ---- 2. a database from a newer kiosk --------------------------------------------
d="$work/newer"
mkdir -m 700 "$d"
sqlite3 "$d/requests.db" "CREATE TABLE future(x); INSERT INTO future VALUES (1); PRAGMA user_version=99;"
cp "$d/requests.db" "$work/newer.orig"
form_script "Future Patient" kept >"$d/script"
"$kiosk" --script "$d/script" --db "$d/requests.db" >/dev/null 2>"$d/log" ||
    { tail -5 "$d/log"; fail "newer: kiosk exited $?"; }
cmp "$work/newer.orig" "$d/requests.db" || fail "newer: the database was changed"
ls "$d" | grep -q -e corrupt -e '-wal$' -e '-shm$' -e backups && fail "newer: files were made beside it: $(ls "$d")"
[ -e "$d/requests.db.alerts" ] && fail "newer: an alert about corruption was recorded"
[ "$(ls "$d/requests.db.spool" | grep -c '\.req$')" = 1 ] || fail "newer: the request is not in the spool"
grep -q "moved aside" "$d/log" && fail "newer: the log says it was moved"
echo "ok: a newer version's database left byte for byte, the request kept in the spool"

# ---- 3. a database folder nobody can create (under a regular file) -----------------
d="$work/unusable"
mkdir -m 700 "$d"
echo "not a folder" >"$d/file"
form_script "Kept Elsewhere" kept >"$d/script"
"$kiosk" --script "$d/script" --db "$d/file/requests.db" --spool "$d/spool" >/dev/null 2>"$d/log" ||
    { tail -5 "$d/log"; fail "unusable: kiosk exited $?"; }
[ "$(cat "$d/file")" = "not a folder" ] || fail "unusable: the file was changed"
[ "$(ls "$d/spool" | grep -c '\.req$')" = 1 ] || fail "unusable: the request is not in the spool"
grep -q "moved aside" "$d/log" && fail "unusable: something was moved aside"
echo "ok: an unusable folder: the kiosk comes up and keeps the request in the spool"

# ---- 4. the daily backup, made by the running kiosk ---------------------------------
d="$work/backup"
mkdir -m 700 "$d"
form_script "Backup Person" thanks >"$d/script"
today=$(date -u +%Y-%m-%d)
backup="$d/requests.db.backups/requests-$today.db"
mkfifo "$d/fifo"
"$kiosk" --script "$d/fifo" --db "$d/requests.db" >/dev/null 2>"$d/log" &
pid=$!
exec 3>"$d/fifo"
cat "$d/script" >&3
for _ in $(seq 1 200); do
    grep -q "daily backup made" "$d/log" && break
    sleep 0.1
done
echo quit >&3
exec 3>&-
wait "$pid" || { tail -5 "$d/log"; fail "backup: kiosk exited $?"; }
[ -f "$backup" ] || { tail -5 "$d/log"; fail "backup: no $backup"; }
[ "$(stat -c %a "$d/requests.db.backups")" = 700 ] || fail "backup: folder not 0700"
[ "$(stat -c %a "$backup")" = 600 ] || fail "backup: file not 0600"
[ "$(sqlite3 "$backup" 'PRAGMA integrity_check;')" = ok ] || fail "backup: fails integrity_check"
grep -q "INFO: daily backup made: $backup ([0-9]* requests, integrity checked)" "$d/log" ||
    fail "backup: not logged with its count"
grep -q "Backup Person" "$d/log" && fail "backup: a name reached the log"
echo "ok: the running kiosk made today's backup, private and checked"

# ---- 5. the daily purge ---------------------------------------------------------------
d="$work/purge"
mkdir -m 700 "$d"
{
    form_script "Canarydone Person" thanks
    echo "tap thanks.home"
    form_script "Canaryopen Person" thanks
} >"$d/script"
"$kiosk" --script "$d/script" --db "$d/requests.db" --set retention_days=30 >/dev/null 2>"$d/log1" ||
    { tail -5 "$d/log1"; fail "purge: first run exited $?"; }
"$ctl" --db "$d/requests.db" done 1 --by amira >/dev/null || fail "purge: kioskctl done"
# Both 40 days old; only the first is done.
sqlite3 "$d/requests.db" "UPDATE requests SET created_at='2020-01-01T00:00:00.000Z'; \
    UPDATE requests SET done_at='2020-01-02T00:00:00.000Z' WHERE id=1;" || fail "purge: aging"
grep -c "Canarydone" "$d/requests.db" "$d/requests.db-wal" 2>/dev/null | grep -q ':[1-9]' ||
    fail "purge: the canary is not in the raw files to begin with (test is blind)"
echo quit >"$d/fifo.script"
mkfifo "$d/fifo"
"$kiosk" --script "$d/fifo" --db "$d/requests.db" --set retention_days=30 >/dev/null 2>"$d/log2" &
pid=$!
exec 3>"$d/fifo"
for _ in $(seq 1 200); do
    grep -q "daily purge" "$d/log2" && break
    sleep 0.1
done
echo quit >&3
exec 3>&-
wait "$pid" || { tail -5 "$d/log2"; fail "purge: second run exited $?"; }
grep -q "INFO: daily purge: 1 done request(s) older than 30 days deleted" "$d/log2" ||
    { grep purge "$d/log2"; fail "purge: not logged with its count"; }
for f in "$d/requests.db" "$d/requests.db-wal"; do
    [ -e "$f" ] || continue
    [ "$(grep -c Canarydone "$f")" = 0 ] || fail "purge: the canary is still in $f"
done
[ "$(sqlite3 "$d/requests.db" "SELECT count(*) FROM requests WHERE name='Canaryopen Person';")" = 1 ] ||
    fail "purge: the request not marked done was purged"
[ "$(sqlite3 "$d/requests.db" "SELECT count(*) FROM audit WHERE action='purge' AND actor='kiosk maintenance';")" -ge 1 ] ||
    fail "purge: no audit row by kiosk maintenance"
echo "ok: the daily purge removed the old done request from the file and its -wal, kept the open one"
echo "maintenance test: all passed"

#!/usr/bin/env bash
# Issue 8: "acknowledged or kept means durable", with the real kiosk.
#  1. The database is unusable (a folder stands where its file should be):
#     250 requests in a row (past the old in-memory cap of 64) each show
#     "kept" with a reference. Then the kiosk is restarted with the
#     database usable, and every kept reference is stored exactly once, in
#     the order the patients sent them, and the spool is empty.
#  2. The same with the kiosk killed by SIGTERM and by SIGKILL while
#     requests are spooled: the next start imports them.
#  3. The database and the spool both unusable: the patient sees "could
#     not save", never "kept".
# Usage: spool_test.sh KIOSK WORK_DIR
set -u
kiosk=$1
work=$2
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
export SDL_RENDER_DRIVER=software
command -v sqlite3 >/dev/null || { echo "spool test: sqlite3 is needed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
fail() {
    echo "FAIL: $*"
    exit 1
}

# n submissions, each ending on the "kept" screen and back home.
make_script() {
    local n=$1 out=$2 i
    : >"$out"
    for ((i = 1; i <= n; i++)); do
        cat >>"$out" <<SCRIPT
tap welcome.consultation
tap form.name
type Patient Number $(printf '%04d' "$i" | tr 0-9 A-J)
tap form.field.next
type 50$(printf '%07d' "$i")
tap form.field.next
tap form.time.morning
tap form.consent
tap form.submit
expect-screen kept
tap kept.home
expect-screen welcome
SCRIPT
    done
}

kept_refs() { grep -o 'kept ref=[A-Z0-9-]*' "$1" | sed 's/kept ref=//'; }

# ---- 1. 250 kept, restart, imported once, in order ---------------------------
db="$work/one/requests.db"
mkdir -p "$db" # a folder where the file should be: SQLite can never open it
make_script 250 "$work/one.script"
"$kiosk" --script "$work/one.script" --db "$db" --spool "$work/one/spool" \
    >/dev/null 2>"$work/one.log" || { tail -5 "$work/one.log"; fail "kiosk exited $? while spooling"; }
kept_refs "$work/one.log" >"$work/one.kept"
[ "$(wc -l <"$work/one.kept")" -eq 250 ] || fail "expected 250 kept, got $(wc -l <"$work/one.kept")"
[ "$(ls "$work/one/spool" | grep -c '\.req$')" -eq 250 ] || fail "the spool does not hold 250 files"
grep -q "acknowledged ref=" "$work/one.log" && fail "a request was acknowledged as saved without a database"
rmdir "$db" # the database is usable again
echo quit | "$kiosk" --script - --db "$db" --spool "$work/one/spool" >/dev/null 2>"$work/one-restart.log" ||
    fail "restart failed"
sqlite3 "$db" 'SELECT ref FROM requests ORDER BY id;' >"$work/one.stored"
cmp -s "$work/one.kept" "$work/one.stored" || {
    diff "$work/one.kept" "$work/one.stored" | head
    fail "stored references differ from kept ones (count or order)"
}
dups=$(sqlite3 "$db" 'SELECT count(*) - count(DISTINCT uuid) FROM requests;')
[ "$dups" = 0 ] || fail "$dups duplicate rows"
[ -z "$(ls "$work/one/spool" | grep '\.req$')" ] || fail "the spool was not emptied"
# A second restart imports nothing again.
echo quit | "$kiosk" --script - --db "$db" --spool "$work/one/spool" >/dev/null 2>/dev/null
[ "$(sqlite3 "$db" 'SELECT count(*) FROM requests;')" = 250 ] || fail "rows changed on a second start"
echo "ok: 250 kept while the database was unusable, 250 imported once and in order"

# ---- 2. killed while spooled ----------------------------------------------------
for sig in TERM KILL; do
    d="$work/$sig"
    mkdir -p "$d/requests.db"
    make_script 30 "$d/script"
    fifo="$d/log.fifo"
    mkfifo "$fifo"
    "$kiosk" --script "$d/script" --db "$d/requests.db" --spool "$d/spool" >/dev/null 2>"$fifo" &
    pid=$!
    exec 3<"$fifo"
    kept=0
    : >"$d/kept"
    while IFS= read -r line <&3; do
        case $line in
        *"kept ref="*)
            ref=${line#*kept ref=}
            echo "${ref%% *}" >>"$d/kept"
            kept=$((kept + 1))
            if ((kept == 12)); then
                kill -"$sig" "$pid"
            fi
            ;;
        esac
    done
    exec 3<&-
    wait "$pid" 2>/dev/null
    rc=$?
    if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then
        fail "SIGTERM: kiosk exited $rc, expected a clean 0"
    fi
    n_kept=$(wc -l <"$d/kept")
    ((n_kept >= 12)) || fail "$sig: only $n_kept kept before the kill"
    rmdir "$d/requests.db"
    echo quit | "$kiosk" --script - --db "$d/requests.db" --spool "$d/spool" >/dev/null 2>/dev/null
    missing=0
    while IFS= read -r ref; do
        n=$(sqlite3 "$d/requests.db" "SELECT count(*) FROM requests WHERE ref='$ref';")
        [ "$n" = 1 ] || missing=$((missing + 1))
    done <"$d/kept"
    ((missing == 0)) || fail "SIG$sig: $missing of $n_kept kept requests not stored exactly once"
    echo "ok: SIG$sig after $n_kept kept (exit $rc): all $n_kept imported at the next start"
done

# ---- 3. both unusable --------------------------------------------------------------
cat >"$work/both.script" <<'SCRIPT'
tap welcome.consultation
tap form.name
type Ana Lima
tap form.field.next
type 501234567
tap form.field.next
tap form.time.morning
tap form.consent
tap form.submit
expect-screen save-failed
expect-no-text kept
expect-no-text reference
SCRIPT
"$kiosk" --script "$work/both.script" --db /dev/null/requests.db --spool /dev/null/spool \
    >/dev/null 2>"$work/both.log" || { tail -5 "$work/both.log"; fail "both unusable: wrong screen"; }
grep -q "kept ref=" "$work/both.log" && fail "both unusable, yet a request was called kept"
echo "ok: database and spool both unusable: the patient is told it could not be saved"

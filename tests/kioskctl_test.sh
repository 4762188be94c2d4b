#!/usr/bin/env bash
# kioskctl against the real kiosk: while the kiosk submits many requests
# (tests/crash_test.sh's kind of script), list, show, claim, done, export
# (JSON checked by python's json, CSV by python's csv), backup and check run
# in a loop; none may fail or say "database is locked". A backup must hold
# every request the kiosk acknowledged before it started. Then: the exit
# codes (unknown id 5, missing database 3 and not created, bad filter 2,
# invalid transition 6), set-pin --pin-stdin (an Argon2id hash, never the
# PIN), purge (only done requests), audit (claim/done/export/backup rows),
# and CSV with commas and quotes in names (rows put in by sqlite3).
# No sleep is a pass condition: waits are bounded polls.
#
# Usage: kioskctl_test.sh KIOSK KIOSKCTL WORK_DIR
# Env:   KCTL_REQUESTS (submissions, default 150)
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 KIOSK KIOSKCTL WORK_DIR" >&2
    exit 2
fi
kiosk=$1
ctl=$2
work=$3
n_requests=${KCTL_REQUESTS:-150}
for tool in sqlite3 python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "kioskctl test: $tool is needed" >&2
        exit 77
    fi
done
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
rm -rf "$work"
mkdir -p "$work" || exit 2
db="$work/data/requests.db"
log="$work/kiosk.log"
fail=0
failf() {
    echo "FAIL: $*"
    fail=1
}

# Runs kioskctl; the exit code must be $1. Output in $work/out, $work/err.
expect_rc() {
    local want=$1
    shift
    "$ctl" "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        failf "kioskctl $* exited $rc, expected $want: $(head -c 400 "$work/err")"
        return 1
    fi
    if grep -qi "database is locked" "$work/err"; then
        failf "kioskctl $*: $(grep -i 'database is locked' "$work/err" | head -1)"
        return 1
    fi
    return 0
}

names=("Ana Lima" "José Álvarez" "محمد علي" "O'Brien-Smith" "Zoë Ångström" "Nguyễn Thị Hà"
       "Ibrahim Al-Hashimi" "Émilie Côté")
script="$work/submit.txt"
: >"$script"
for ((i = 1; i <= n_requests; i++)); do
    kind=consultation
    if ((i % 3 == 0)); then kind=follow_up; fi
    printf -v phone '5%08d' "$i"
    {
        echo "tap welcome.$kind"
        echo "tap form.name"
        echo "type ${names[i % ${#names[@]}]}"
        echo "tap form.field.next"
        echo "type $phone"
        echo "tap form.field.next"
        echo "tap form.time.morning"
        echo "tap form.consent"
        echo "tap form.submit"
        echo "expect-screen thanks"
        echo "tap thanks.home"
    } >>"$script"
done

"$kiosk" --script "$script" --db "$db" >"$work/kiosk.out" 2>"$log" &
kpid=$!
# Bounded wait for the first acknowledged request (the database exists).
for ((t = 0; t < 600; t++)); do
    grep -q "acknowledged ref=" "$log" && break
    kill -0 $kpid 2>/dev/null || break
    sleep 0.05
done
if ! grep -q "acknowledged ref=" "$log"; then
    echo "FAIL: the kiosk acknowledged nothing"
    tail -5 "$log"
    kill $kpid 2>/dev/null
    exit 1
fi

acked_refs() {
    grep -o 'acknowledged ref=[^ ]*' "$log" | sed 's/.*ref=//'
}

rounds=0
backups_checked=0
while kill -0 $kpid 2>/dev/null; do
    rounds=$((rounds + 1))
    mapfile -t refs < <(acked_refs)
    ref=${refs[$(( ${#refs[@]} - 1 ))]}
    expect_rc 0 --db "$db" list
    expect_rc 0 --db "$db" list --status new --kind consultation --newest --limit 5
    expect_rc 0 --db "$db" show "$ref" && grep -q "^ref  *$ref" "$work/out" ||
        failf "show $ref does not show it"
    # Each round claims one request and finishes another (the oldest acked).
    pick=${refs[$(( (rounds * 2) % ${#refs[@]} ))]}
    if sqlite3 "$db" "SELECT status FROM requests WHERE ref='$pick'" | grep -q new; then
        expect_rc 0 --db "$db" claim "$pick" --by amira
        expect_rc 0 --db "$db" done "$pick" --by amira --note "called, booked"
    fi
    pick=${refs[$(( (rounds * 2 + 1) % ${#refs[@]} ))]}
    if sqlite3 "$db" "SELECT status FROM requests WHERE ref='$pick'" | grep -q new; then
        expect_rc 0 --db "$db" claim "$pick" --by "Jo O'Neil"
    fi
    expect_rc 0 --db "$db" export --format json
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert isinstance(d, list) and len(d) > 0' \
        <"$work/out" || failf "export json is not a JSON array of requests"
    expect_rc 0 --db "$db" export --format jsonl --by amira
    python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$work/out" ||
        failf "export jsonl has a line that is not JSON"
    expect_rc 0 --db "$db" export --format csv --bom
    python3 - "$work/out" <<'PY' || failf "export csv does not parse"
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
assert rows[0][:3] == ["id", "ref", "uuid"], rows[0]
assert all(len(r) == len(rows[0]) for r in rows), "ragged rows"
assert len(rows) > 1
PY
    # Every request acknowledged before the backup starts must be in it.
    acked_before=$(acked_refs)
    n_before=$(printf '%s\n' "$acked_before" | grep -c .)
    rm -f "$work/backup.db"
    if expect_rc 0 --db "$db" backup "$work/backup.db"; then
        integrity=$(sqlite3 "$work/backup.db" 'PRAGMA integrity_check')
        [ "$integrity" = ok ] || failf "backup integrity_check: $integrity"
        in_list=$(printf "'%s'," $acked_before)
        found=$(sqlite3 "$work/backup.db" "SELECT count(*) FROM requests WHERE ref IN (${in_list%,})")
        [ "$found" = "$n_before" ] ||
            failf "backup holds $found of the $n_before requests acknowledged before it"
        backups_checked=$((backups_checked + 1))
    fi
    expect_rc 0 --db "$db" check
done
wait $kpid
krc=$?
[ $krc -eq 0 ] || failf "the kiosk's script failed (exit $krc): $(tail -3 "$log")"
acked=$(acked_refs | wc -l)
[ "$acked" -eq "$n_requests" ] || failf "the kiosk acknowledged $acked of $n_requests"
echo "kioskctl test: $rounds rounds while the kiosk ran, $backups_checked backups checked," \
     "$acked requests"
[ "$rounds" -ge 1 ] || failf "no round ran while the kiosk worked"

# ---- exit codes ----
expect_rc 5 --db "$db" show 999999
expect_rc 5 --db "$db" claim NOP-EE --by amira
expect_rc 3 --db "$work/nothing/here.db" list
[ ! -e "$work/nothing" ] || failf "kioskctl created $work/nothing"
expect_rc 2 --db "$db" list --status bogus
expect_rc 2 --db "$db" list --since 2026-02-30
expect_rc 2 --db "$db" frobnicate
expect_rc 2 --db "$db" claim 1
done_ref=$(sqlite3 "$db" "SELECT ref FROM requests WHERE status='done' LIMIT 1")
[ -n "$done_ref" ] || failf "no request was marked done"
expect_rc 6 --db "$db" claim "$done_ref" --by amira
expect_rc 6 --db "$db" done "$done_ref" --by amira
new_ref=$(sqlite3 "$db" "SELECT ref FROM requests WHERE status='new' LIMIT 1")
expect_rc 6 --db "$db" reopen "$new_ref" --by amira
expect_rc 0 --db "$db" show "$done_ref"
grep -q "called, booked" "$work/out" || failf "show does not show the note"
grep -q "claim" "$work/out" && grep -q "done" "$work/out" || failf "show lacks the audit rows"
expect_rc 0 --db "$db" --help
grep -q "Exit codes" "$work/out" || failf "--help has no exit code table"
expect_rc 0 --db "$db" list --help
grep -q -- "--status" "$work/out" || failf "list --help lacks --status"
expect_rc 1 --db "$db" list --since 2000-01-01 --until 2000-01-02

# ---- export to a file: private ----
umask 022
expect_rc 0 --db "$db" export --format csv --out "$work/export.csv"
mode=$(stat -c %a "$work/export.csv")
[ "$mode" = 600 ] || failf "export --out made mode $mode, not 600"

# ---- set-pin ----
if command -v setsid >/dev/null 2>&1; then
    setsid -w "$ctl" --db "$db" set-pin </dev/null >"$work/out" 2>"$work/err"
    rc=$?
    [ $rc -eq 2 ] && grep -q "no terminal" "$work/err" ||
        failf "set-pin without a terminal: exit $rc, $(cat "$work/err")"
fi
printf '482915\n482916\n' | "$ctl" --db "$db" set-pin --pin-stdin >/dev/null 2>&1
[ $? -eq 1 ] || failf "set-pin accepted two different PINs"
printf '12a4\n12a4\n' | "$ctl" --db "$db" set-pin --pin-stdin >/dev/null 2>&1
[ $? -eq 1 ] || failf "set-pin accepted a PIN with a letter"
expect_rc 2 --db "$db" set-pin 482915
printf '482915\n482915\n' | "$ctl" --db "$db" set-pin --pin-stdin --by it-admin >"$work/out" 2>&1 ||
    failf "set-pin --pin-stdin failed: $(cat "$work/out")"
hash=$(sqlite3 "$db" "SELECT value FROM settings WHERE key='staff.pin_hash'")
case $hash in
'$argon2id$'*) ;;
*) failf "the stored PIN is not an Argon2id hash: ${hash:0:20}" ;;
esac
if sqlite3 "$db" "SELECT key, value FROM settings; SELECT * FROM audit;" | grep -q 482915; then
    failf "the PIN itself is in the database"
fi
expect_rc 0 --db "$db" unlock

# ---- purge: only done requests ----
before_total=$(sqlite3 "$db" "SELECT count(*) FROM requests")
before_done=$(sqlite3 "$db" "SELECT count(*) FROM requests WHERE status='done'")
before_open=$(sqlite3 "$db" "SELECT group_concat(ref) FROM (SELECT ref FROM requests WHERE status != 'done' ORDER BY ref)")
expect_rc 0 --db "$db" purge --older-than 0
grep -q "purged $before_done done" "$work/out" || failf "purge said: $(cat "$work/out")"
after_total=$(sqlite3 "$db" "SELECT count(*) FROM requests")
after_open=$(sqlite3 "$db" "SELECT group_concat(ref) FROM (SELECT ref FROM requests WHERE status != 'done' ORDER BY ref)")
[ "$after_total" -eq $((before_total - before_done)) ] ||
    failf "purge left $after_total of $before_total ($before_done done)"
[ "$after_open" = "$before_open" ] || failf "purge touched new or claimed requests"
expect_rc 2 --db "$db" purge

# ---- audit ----
expect_rc 0 --db "$db" audit --limit 100000 --format jsonl
for action in claim done export backup pin_set pin_unlock purge; do
    python3 -c "import json,sys; sys.exit(0 if any(json.loads(l)['action']=='$action' for l in sys.stdin) else 1)" \
        <"$work/out" || failf "audit has no $action row"
done
expect_rc 0 --db "$db" audit --format json
python3 -c 'import json,sys; json.load(sys.stdin)' <"$work/out" || failf "audit json invalid"
expect_rc 0 --db "$db" audit --action export --limit 1
grep -q "kioskctl:" "$work/out" || failf "audit table lacks the actor"

# ---- CSV with commas, quotes and line breaks in names (inserted by sqlite3) ----
csvdb="$work/csv/requests.db"
mkdir -p "$work/csv" && chmod 700 "$work/csv"
cp "$work/backup.db" "$csvdb"
sqlite3 "$csvdb" "DELETE FROM requests;
INSERT INTO requests (uuid, ref, kind, urgency, name, phone, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'CSV-01', 'consultation', 'routine',
        'Smith, Jo \"JJ\" Ann', '+971501234567', '2026-11-24T07:33:48.123Z', '2026-11-24T07:33:48.123Z'),
       ('00000000-0000-4000-8000-000000000002', 'CSV-02', 'follow_up', 'concerning',
        'محمد، علي' || char(10) || 'line two', '=1+1', '2026-11-24T08:00:00.000Z', '2026-11-24T08:00:00.000Z');"
expect_rc 0 --db "$csvdb" export --format csv
python3 - "$work/out" <<'PY' || failf "CSV with commas and quotes did not round-trip"
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
by = {r["ref"]: r for r in rows}
assert by["CSV-01"]["name"] == 'Smith, Jo "JJ" Ann', by["CSV-01"]["name"]
assert by["CSV-02"]["name"] == "محمد، علي\nline two", by["CSV-02"]["name"]
assert by["CSV-02"]["phone"] == "=1+1"
PY
expect_rc 0 --db "$csvdb" export --format csv --guard-formulas
python3 - "$work/out" <<'PY' || failf "--guard-formulas did not guard =1+1"
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = {r["ref"]: r for r in csv.DictReader(f)}
assert rows["CSV-02"]["phone"] == "'=1+1", rows["CSV-02"]["phone"]
PY
expect_rc 0 --db "$csvdb" list
grep -q "CSV-02" "$work/out" || failf "list lacks CSV-02"
# The line break in the name must not break the table's line.
[ "$(grep -c 'CSV-0' "$work/out")" -eq 2 ] || failf "a name broke the table's lines"

if [ $fail -ne 0 ]; then
    exit 1
fi
echo "ok: kioskctl test passed"

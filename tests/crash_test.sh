#!/usr/bin/env bash
# Crash test: "a kill never loses an acknowledged request, never corrupts the
# database". Runs the real kiosk (no display: SDL_VIDEODRIVER=offscreen) on a
# generated script of many consecutive request submissions, reads its log line
# by line and SIGKILLs it after a random number of `acknowledged ref=` lines
# plus a small random extra delay (so the kill lands anywhere: mid-commit,
# mid-render, between requests). After each kill, on a copy of the database
# (so the kiosk itself must recover the real file on its next start), every
# reference acknowledged so far must be stored, exactly once, and
# PRAGMA integrity_check must say ok. The last run is not killed and must
# finish its script. Correctness never depends on timing: the kill point is
# counted in log lines; the short sleep only varies where it lands.
#
# Usage: crash_test.sh KIOSK_BINARY WORK_DIR
# Env:   CRASH_SIGNAL (KILL, the default, or TERM: a clean stop during a
#        submission must leave each request committed or not acknowledged,
#        and exit 0), CRASH_SEED (default 20241124), CRASH_RUNS (default 10),
#        CRASH_REQUESTS (submissions per run, default 200).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 KIOSK_BINARY WORK_DIR" >&2
    exit 2
fi
kiosk=$1
work=$2
seed=${CRASH_SEED:-20241124}
runs=${CRASH_RUNS:-10}
signal=${CRASH_SIGNAL:-KILL}
case $signal in KILL) killed_rc=137 ;; TERM) killed_rc=0 ;; *) echo "CRASH_SIGNAL is KILL or TERM" >&2; exit 2 ;; esac
per_run=${CRASH_REQUESTS:-200}

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "crash test: the sqlite3 command-line tool is needed (Debian package sqlite3)" >&2
    exit 77 # ctest SKIP_RETURN_CODE: shown as skipped, not passed
fi
if [ ! -x "$kiosk" ]; then
    echo "crash test: $kiosk is not an executable" >&2
    exit 2
fi

export SDL_VIDEODRIVER=offscreen
export SDL_AUDIODRIVER=dummy
export SDL_RENDER_DRIVER=software

rm -rf "$work"
mkdir -p "$work" || exit 2
db="$work/requests.db"
acked_all="$work/acked.txt" # every reference acknowledged, all runs
: >"$acked_all"
fifo="$work/log.fifo"
mkfifo "$fifo" || exit 2

RANDOM=$seed
echo "crash test: seed $seed (rerun with CRASH_SEED=$seed), $runs runs of $per_run requests"

# Names a patient might type: accents, Arabic, hyphens, apostrophes.
names=("Ana Lima" "José Álvarez" "Zoë Ångström" "محمد علي" "فاطمة الزهراء" "Łukasz Żółć"
       "Nguyễn Thị Hà" "O'Brien-Smith" "Müller Günther" "Aïcha Benali" "Søren Kierkegaard"
       "Émilie Côté" "نور" "Chloé" "Ibrahim Al-Hashimi")
kinds=(consultation follow_up)
times=(morning afternoon evening)
areas=("" face scalp body)

# One run's script: `per_run` submissions, each back to the welcome screen.
make_script() {
    local out=$1 i kind name phone
    : >"$out"
    for ((i = 1; i <= per_run; i++)); do
        kind=${kinds[RANDOM % 2]}
        name=${names[RANDOM % ${#names[@]}]}
        printf -v phone '5%08d' $(((RANDOM * 32768 + RANDOM) % 100000000))
        {
            echo "echo submission $i"
            echo "tap welcome.$kind"
            echo "tap form.name"
            echo "type $name"
            echo "tap form.field.next"
            echo "type $phone"
            echo "tap form.field.next"
            echo "tap form.time.${times[RANDOM % 3]}"
            area=${areas[RANDOM % 4]}
            if [ -n "$area" ]; then
                echo "tap form.area.$area"
            fi
            echo "tap form.consent"
            echo "tap form.submit"
            echo "expect-screen thanks"
            if ((RANDOM % 4 == 0)); then
                echo "advance $((1 + RANDOM % 3000))"
            fi
            echo "tap thanks.home"
            echo "expect-screen welcome"
        } >>"$out"
    done
}

# Checks the database at $1 against every reference acknowledged so far.
# Prints problems; returns the number of lost references (or 1000000 on a
# broken database).
lost_count=0
check_db() {
    local path=$1 sql="$work/check.sql" integrity dups missing
    integrity=$(sqlite3 "$path" 'PRAGMA integrity_check;' 2>&1)
    if [ "$integrity" != "ok" ]; then
        echo "FAIL: integrity_check on $path: $integrity"
        lost_count=1000000
        return
    fi
    dups=$(sqlite3 "$path" 'SELECT (SELECT count(*) - count(DISTINCT uuid) FROM requests)
                                 + (SELECT count(*) - count(DISTINCT ref) FROM requests);' 2>&1)
    if [ "$dups" != "0" ]; then
        echo "FAIL: duplicate uuids/refs in $path: $dups"
        lost_count=1000000
        return
    fi
    # One sqlite3 process for all references: the same question as
    # `SELECT count(*) FROM requests WHERE ref=...` for each of them.
    {
        echo "CREATE TEMP TABLE acked(ref TEXT NOT NULL);"
        echo "BEGIN;"
        while IFS= read -r ref; do
            echo "INSERT INTO acked VALUES ('$ref');"
        done <"$acked_all"
        echo "COMMIT;"
        echo "SELECT a.ref FROM acked a WHERE (SELECT count(*) FROM requests r"
        echo "  WHERE r.ref = a.ref) != 1;"
    } >"$sql"
    missing=$(sqlite3 "$path" <"$sql" 2>&1)
    if [ -n "$missing" ]; then
        echo "FAIL: acknowledged but not stored exactly once:"
        echo "$missing" | sed 's/^/  /'
        lost_count=$(echo "$missing" | wc -l)
    else
        lost_count=0
    fi
}

kills=0
total_acked=0
failed=0
for ((run = 1; run <= runs; run++)); do
    last=$((run == runs))
    script="$work/run$run.txt"
    log="$work/run$run.log"
    make_script "$script"
    target=$((1 + RANDOM % per_run))
    extra_ms=$((RANDOM % 40))

    "$kiosk" --script "$script" --db "$db" >/dev/null 2>"$fifo" &
    pid=$!
    exec 3<"$fifo"
    acked=0
    killed=0
    started=0
    : >"$log"
    while IFS= read -r line <&3; do
        printf '%s\n' "$line" >>"$log"
        case $line in
        *"kiosk started"*) started=1 ;;
        *"acknowledged ref="*)
            # Lines read after the kill were written before it: they count too.
            ref=${line#*acknowledged ref=}
            ref=${ref%% *}
            printf '%s\n' "$ref" >>"$acked_all"
            acked=$((acked + 1))
            if ((!last && !killed && acked >= target)); then
                if ((extra_ms > 0)); then
                    sleep "0.$(printf '%03d' "$extra_ms")"
                fi
                kill -"$signal" "$pid" 2>/dev/null
                killed=1
            fi
            ;;
        esac
    done
    exec 3<&-
    wait "$pid" 2>/dev/null # no "Killed" line from bash: the summary says it
    rc=$?
    total_acked=$((total_acked + acked))

    if ((started == 0)); then
        echo "FAIL: run $run: the kiosk did not start on the database (log: $log)"
        failed=1
    fi
    if grep -q "cannot be opened\|not saved" "$log"; then
        echo "FAIL: run $run: the kiosk could not use the database:"
        grep "cannot be opened\|not saved" "$log" | head -3 | sed 's/^/  /'
        failed=1
    fi
    if ((killed)); then
        kills=$((kills + 1))
        status="killed after $acked acks (target $target +${extra_ms}ms)"
        # A kill that came after the script ended is not a failure, but any
        # other exit is.
        if ((rc != killed_rc && rc != 0)); then
            echo "FAIL: run $run: kiosk exited $rc before the kill"
            failed=1
        fi
    else
        status="finished, $acked acks, exit $rc"
        if ((rc != 0 || acked != per_run)); then
            echo "FAIL: run $run: expected a clean run of $per_run acks (log: $log)"
            tail -5 "$log" | sed 's/^/  /'
            failed=1
        fi
    fi

    # Check a copy, so that the next run has to recover the real file itself
    # (hot WAL and all), the way the kiosk does after a power cut.
    snap="$work/snap"
    rm -rf "$snap"
    mkdir -p "$snap"
    for f in "$db" "$db-wal" "$db-journal"; do
        if [ -e "$f" ]; then
            cp "$f" "$snap/"
        fi
    done
    check_db "$snap/$(basename "$db")"
    rows=$(sqlite3 "$snap/$(basename "$db")" 'SELECT count(*) FROM requests;' 2>&1)
    if ((lost_count != 0 || run % 50 == 0 || last)); then
        echo "run $run: $status; $rows rows stored, lost $lost_count"
    fi
    if ((lost_count != 0)); then
        failed=1
    fi
done

# The real file after the clean last run.
check_db "$db"
acked_total=$(wc -l <"$acked_all")
found=$((acked_total - lost_count))
if ((lost_count >= 1000000)); then
    found=0
fi
echo "crash test: $kills kills (SIG$signal), $acked_total acknowledged, $found found, $lost_count lost" \
     "(seed $seed)"
if ((failed || lost_count != 0)); then
    exit 1
fi
exit 0

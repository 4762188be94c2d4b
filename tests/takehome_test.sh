#!/usr/bin/env bash
# Issue 13: the take-home QR codes, read back by a real decoder. The real
# kiosk walks the guide, skips the teach-back and shows the done screen; a
# second patient sends a follow-up request (a canary name and phone typed
# into the form) and sees the thank-you screen. zbarimg (zbar) decodes both
# screenshots; each must hold exactly two codes:
#  - the day card, byte for byte the expected text
#    (tests/takehome/<lang>/*.txt, @REF@ standing for the request's
#    reference read from the database), with no trace of the name or phone;
#  - an iCalendar VEVENT: CRLF lines, the required properties in order,
#    DTSTART the session day plus followup_days, SUMMARY as expected.
# At every window size it prints the figures README quotes (payload bytes,
# QR version, pixels per module) and fails if a module is under 3 px.
# The kept screen (database unusable, request in the spool) is decoded too
# (the whole plan: the day was not asked). Finally `kioskctl stats` shows
# the teach-back counts the sessions left.
# Usage: takehome_test.sh KIOSK KIOSKCTL SOURCE_DIR WORKDIR [LANG]
set -u
kiosk=$1 kioskctl=$2 src=$3 work=$4 lang=${5:-en}
fixtures="$src/tests/takehome/$lang"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
export KIOSK_TODAY=2026-12-02
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
[ -d "$fixtures" ] || fail "no expected texts in $fixtures"
command -v zbarimg >/dev/null || fail "zbarimg is not installed (zbar-tools)"

walk() { # the guide, from the session screen to "what next", however many pages
    echo "tap-until nav.next next"
    echo "expect-screen next"
}

for size in 1280x800 800x1280 1024x600 1920x1080; do
    out="$work/$size"
    mkdir -p "$out"
    {
        echo "tap welcome.start"
        echo "tap session.area.face"
        walk
        echo "tap next.finish"
        echo "tap teachback.skip"
        echo "expect-screen done"
        echo "screenshot $out/done.png"
        echo "screenshot $out/done.bmp"
        echo "echo DUMP done"
        echo "dump"
        echo "tap done.home"
        echo "tap welcome.start"
        echo "tap session.area.scalp"
        echo "tap session.when.1-3"
        walk
        echo "tap next.follow_up"
        echo "tap form.name"
        echo "type Zelda Quokka"
        echo "key Return"
        echo "type 50 987 6543"
        echo "key Return"
        echo "tap form.time.morning"
        echo "tap form.consent"
        echo "tap form.submit"
        echo "expect-screen thanks"
        echo "screenshot $out/thanks.png"
        echo "screenshot $out/thanks.bmp"
        echo "echo DUMP thanks"
        echo "dump"
    } > "$out/script.txt"
    "$kiosk" --script "$out/script.txt" --size "$size" --db "$work/$size.db" \
        --set language="$lang" --set "clinic_phone=+971 4 123 4567" --set followup_days=14 \
        > "$out/stdout.txt" 2> "$out/stderr.txt" || {
        tail -n 5 "$out/stdout.txt" "$out/stderr.txt"
        fail "the kiosk script failed at $size"
    }
    ref=$(sqlite3 -batch "$work/$size.db" "select ref from requests")
    [ -n "$ref" ] || fail "no request saved at $size"
    for screen in done thanks; do
        zbarimg --xml -q "$out/$screen.png" > "$out/$screen.xml" 2>/dev/null ||
            fail "zbarimg found no code on the $screen screen at $size"
    done
    python3 - "$out" "$fixtures" "$ref" "$size" <<'PY' || exit 1
import base64, re, struct, subprocess, sys, zlib
out, fixtures, ref, size = sys.argv[1:]

def fail(msg):
    print(f"FAIL at {size}: {msg}")
    sys.exit(1)

def symbols(path):
    # zbarimg writes a code's text as CDATA, or, when it is not plain ASCII
    # (the Arabic card and event), as format='base64', which zbar 0.23
    # garbles (bytes over 0x7f come out sign-extended): None stands for those.
    data = open(path, 'rb').read()
    return [None if m.group(1) else m.group(2) for m in
            re.finditer(rb"<data( format='base64')?[^>]*><!\[CDATA\[(.*?)\]\]></data>", data, re.S)]

def png_of(img, rect, path):
    """The screen's pixels inside rect, as a grey PNG for zbarimg."""
    x0, y0, w, h = rect
    rows = b"".join(b"\0" + bytes(sum(img(x, y)) // 3 for x in range(x0, x0 + w))
                    for y in range(y0, y0 + h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))

def codes_of(screen):
    """The codes zbarimg finds on the whole screen. When one is not plain
    ASCII, every qr widget is read again alone, from its own area (quiet
    zone included), with --raw (exact bytes, one code, so no ambiguity)."""
    syms = symbols(f"{out}/{screen}.xml")
    if None not in syms:
        return syms
    img = bmp(f"{out}/{screen}.bmp")
    found = []
    for wid, (kind, rect, _) in dump_of(screen).items():
        if kind != "qr":
            continue
        png_of(img, rect, f"{out}/{screen}.{wid}.png")
        raw = subprocess.run(["zbarimg", "--raw", "-q", f"{out}/{screen}.{wid}.png"],
                             capture_output=True).stdout
        if not raw.endswith(b"\n"):
            fail(f"zbarimg read nothing in {wid} on the {screen} screen")
        found.append(raw[:-1])  # zbarimg ends each code with a newline
    if len(found) != len(syms):
        fail(f"{len(syms)} codes on the {screen} screen but {len(found)} qr widgets")
    return found

def dump_of(screen):
    text = open(f"{out}/stdout.txt", encoding="utf-8").read()
    part = text.split(f"DUMP {screen}\n", 1)[1]
    widgets = {}
    for line in part.splitlines():
        if line.startswith("screen ") and widgets:
            break
        f = line.split(" ", 7)
        if f[0] == "widget":
            widgets[f[1]] = (f[2], [int(v) for v in f[3:7]], f[7] if len(f) > 7 else "")
    return widgets

def bmp(path):
    b = open(path, "rb").read()
    off, = struct.unpack_from("<I", b, 10)
    w, h, _, bpp = struct.unpack_from("<iiHH", b, 18)
    stride = (w * bpp // 8 + 3) & ~3
    bottom_up = h > 0
    h = abs(h)
    def px(x, y):
        row = (h - 1 - y) if bottom_up else y
        i = off + row * stride + x * bpp // 8
        return b[i], b[i + 1], b[i + 2]
    return px

def module_px(img, rect):
    """The finder pattern's top edge is 7 dark modules: its run length / 7."""
    x0, y0, w, h = rect
    for y in range(y0, y0 + h):
        for x in range(x0, x0 + w):
            if sum(img(x, y)) < 200:
                run = 0
                while sum(img(x + run, y)) < 200:
                    run += 1
                # the quiet zone is white and 4 modules wide
                for qx in range(x0, x):
                    if sum(img(qx, y)) < 600:
                        fail("the quiet zone is not white")
                if run % 7:
                    fail(f"the finder pattern is {run} px, not 7 whole modules")
                return run // 7, x - x0
    fail("no dark module in the code")

def check_vevent(ev, date):
    if b"\r\n" not in ev or re.search(rb"(?<!\r)\n", ev):
        fail("the VEVENT lines do not all end in CRLF")
    lines = ev.decode("utf-8").split("\r\n")
    if lines[-1] != "":
        fail("the VEVENT does not end with CRLF")
    lines = lines[:-1]
    names = [l.split(":", 1)[0].split(";", 1)[0] for l in lines]
    want = ["BEGIN", "VERSION", "PRODID", "BEGIN", "UID", "DTSTAMP", "DTSTART", "SUMMARY", "END", "END"]
    if names != want:
        fail(f"VEVENT properties {names}, expected {want}")
    if lines[0] != "BEGIN:VCALENDAR" or lines[3] != "BEGIN:VEVENT" or lines[-2] != "END:VEVENT" \
            or lines[-1] != "END:VCALENDAR" or lines[1] != "VERSION:2.0":
        fail("not one VEVENT inside a VCALENDAR 2.0")
    if lines[6] != f"DTSTART;VALUE=DATE:{date}":
        fail(f"{lines[6]}, expected the follow-up on {date}")
    if not re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", lines[5]) or not lines[4][4:]:
        fail("DTSTAMP or UID malformed")
    summary = open(f"{fixtures}/summary.txt", encoding="utf-8").read().rstrip("\n")
    if lines[7] != "SUMMARY:" + summary:
        fail(f"{lines[7]!r}, expected SUMMARY:{summary!r}")
    if any(len(l.encode()) > 75 for l in lines):
        fail("a VEVENT line is longer than 75 octets")

figures = []
for screen, fixture, date in (("done", "face-today.txt", "20261216"),
                              ("thanks", "scalp-1-3-ref.txt", "20261215")):
    syms = codes_of(screen)
    if len(syms) != 2:
        fail(f"{len(syms)} codes on the {screen} screen, expected 2")
    events = [s for s in syms if s.startswith(b"BEGIN:VCALENDAR")]
    cards = [s for s in syms if not s.startswith(b"BEGIN:VCALENDAR")]
    if len(events) != 1 or len(cards) != 1:
        fail(f"the {screen} screen should hold one day card and one calendar event")
    expected = open(f"{fixtures}/{fixture}", "rb").read().replace(b"@REF@", ref.encode())
    if cards[0] != expected:
        fail(f"the {screen} day card differs from {fixture}:\n{cards[0].decode()}")
    check_vevent(events[0], date)
    for canary in (b"Zelda", b"Quokka", b"987", b"6543"):
        for s in syms:
            if canary in s:
                fail(f"{canary!r} (typed into the form) is in a code on the {screen} screen")
    if screen == "thanks" and b"Your reference: " + ref.encode() not in cards[0] \
            and ref.encode() not in cards[0]:
        fail("the reference is not on the thank-you card")
    widgets = dump_of(screen)
    img = bmp(f"{out}/{screen}.bmp")
    for wid, payload in (("takehome.plan", cards[0]), ("takehome.calendar", events[0])):
        kind, rect, _ = widgets[wid]
        if kind != "qr":
            fail(f"{wid} is a {kind}, not a qr widget")
        mpx, quiet = module_px(img, rect)
        side = rect[2] // mpx - 8
        if quiet != 4 * mpx:
            fail(f"{wid}: quiet zone {quiet} px, expected 4 modules of {mpx} px")
        version = (side - 17) // 4
        if mpx < 3:
            fail(f"{wid} on {screen}: {mpx} px a module, a phone needs at least 3 here")
        figures.append(f"{screen}.{wid.split('.')[1]}: {len(payload)} bytes, version {version} "
                       f"({side}x{side}), {mpx} px/module, {rect[2]} px with the quiet zone")
print(f"figures {size}: " + "; ".join(figures))
PY
done

# The kept screen (the database unusable, the request in the spool) shows
# the codes too, with the reference the log names.
out="$work/kept"
mkdir -p "$out" "$work/kept.db" # a folder where the file should be: SQLite never opens it
{
    echo "tap welcome.follow_up"
    echo "tap form.name"
    echo "type Zelda Quokka"
    echo "key Return"
    echo "type 50 987 6543"
    echo "key Return"
    echo "tap form.time.morning"
    echo "tap form.consent"
    echo "tap form.submit"
    echo "expect-screen kept"
    echo "expect-widget takehome.plan"
    echo "screenshot $out/kept.png"
} > "$out/script.txt"
"$kiosk" --script "$out/script.txt" --size 1280x800 --db "$work/kept.db" --spool "$out/spool" \
    --set language="$lang" --set "clinic_phone=+971 4 123 4567" \
    > "$out/stdout.txt" 2> "$out/stderr.txt" || fail "the kept script failed"
kept_ref=$(grep -o 'kept ref=[A-Z0-9-]*' "$out/stderr.txt" | sed 's/kept ref=//')
[ -n "$kept_ref" ] || fail "no kept reference in the log"
zbarimg --xml -q "$out/kept.png" > "$out/kept.xml" 2>/dev/null || fail "no code on the kept screen"
zbarimg --raw -q "$out/kept.png" > "$out/kept.raw" 2>/dev/null || fail "no code on the kept screen"
python3 - "$out/kept.xml" "$out/kept.raw" "$fixtures/unknown-ref.txt" "$kept_ref" <<'PY' || exit 1
import re, sys
xml, raw, fixture, ref = sys.argv[1:]
# Two codes (the XML counts them; its base64 texts are garbled by zbar when
# not ASCII, so the bytes come from --raw, each code followed by "\n").
syms = re.findall(rb"<data( format='base64')?[^>]*><!\[CDATA\[", open(xml, "rb").read())
raw = open(raw, "rb").read()
want = open(fixture, "rb").read().replace(b"@REF@", ref.encode())
if len(syms) != 2:
    sys.exit(f"FAIL kept: {len(syms)} codes")
if ref.encode() not in want:
    sys.exit("FAIL kept: unknown-ref.txt has no @REF@ line")
if want + b"\n" not in raw or raw.count(b"BEGIN:VCALENDAR") != 1:
    sys.exit("FAIL kept: no day card equal to unknown-ref.txt, or not one event:\n" + raw.decode())
if any(c in raw for c in (b"Zelda", b"Quokka", b"987", b"6543")):
    sys.exit("FAIL kept: the typed name or phone is in a code")
print(f"ok kept screen: reference {ref} on the card, no name or phone")
PY

# The teach-back was skipped on its first question by each first patient.
stats=$("$kioskctl" --db "$work/1280x800.db" stats) || fail "kioskctl stats failed"
echo "$stats"
echo "$stats" | grep -Eq '^2026-W49 +call-clinic +1 +0 +1 +-$' || fail "kioskctl stats does not show the skipped question"
echo "ok takehome ($lang)"

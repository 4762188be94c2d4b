#!/usr/bin/env python3
"""Counts copies of a canary string in a running process's memory.

Usage: memscan.py PID CANARY [CANARY...]

Reads every readable private mapping of PID through /proc/PID/mem (root or
ptrace rights needed), but only the pages that are really there: it asks
/proc/PID/pagemap which pages are present or swapped, so the terabytes that
AddressSanitizer reserves (and a core dump would write out) cost nothing.
Prints "ascii N utf16le M" per canary and, for each hit, the address and
the bytes around it; exits 0 when every count is zero, 1 otherwise, 2 on
error.
"""
import re
import struct
import sys

PAGE = 4096


def regions(pid):
    """Readable mappings with pages in memory, as a core dump would take
    them: not those marked "do not dump" (dd, AddressSanitizer's shadow)."""
    current = None
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            head = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                start, end = (int(x, 16) for x in head[0].split("-"))
                name = head[5] if len(head) > 5 else ""
                current = {"start": start, "end": end, "perms": head[1], "name": name, "rss": 0}
            elif head and head[0] == "Rss:" and current:
                current["rss"] = int(head[1])
            elif head and head[0] == "VmFlags:" and current:
                c = current
                current = None
                if "r" not in c["perms"] or c["name"] in ("[vvar]", "[vsyscall]"):
                    continue
                if "dd" in head[1:] or c["rss"] == 0:
                    continue
                yield c["start"], c["end"], c["name"]


def present_runs(pagemap, start, end):
    """(address, length) runs of pages that are present or swapped."""
    first = start // PAGE
    count = (end - start) // PAGE
    run_start = None
    chunk = 1 << 16  # pages per pagemap read
    for base in range(0, count, chunk):
        n = min(chunk, count - base)
        pagemap.seek((first + base) * 8)
        data = pagemap.read(n * 8)
        for i, (entry,) in enumerate(struct.iter_unpack("<Q", data)):
            here = (entry >> 63) & 1 or (entry >> 62) & 1
            addr = (first + base + i) * PAGE
            if here and run_start is None:
                run_start = addr
            elif not here and run_start is not None:
                yield run_start, addr - run_start
                run_start = None
    if run_start is not None:
        yield run_start, end - run_start


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    pid = int(sys.argv[1])
    patterns = {}
    for canary in sys.argv[2:]:
        patterns[f"{canary} ascii"] = canary.encode()
        patterns[f"{canary} utf16le"] = canary.encode("utf-16-le")
    hits = {k: [] for k in patterns}
    scanned = 0
    with open(f"/proc/{pid}/mem", "rb", 0) as mem, open(f"/proc/{pid}/pagemap", "rb", 0) as pm:
        for start, end, name in regions(pid):
            for addr, length in present_runs(pm, start, end):
                try:
                    mem.seek(addr)
                    data = mem.read(length)
                except OSError:
                    continue
                scanned += len(data)
                for kind, pat in patterns.items():
                    for m in re.finditer(re.escape(pat), data):
                        at = m.start()
                        hits[kind].append((addr + at, name, data[max(0, at - 32): at + len(pat) + 32]))
    if len(sys.argv) == 3:
        counts = f"ascii {len(hits[sys.argv[2] + ' ascii'])} utf16le {len(hits[sys.argv[2] + ' utf16le'])}"
    else:
        counts = ", ".join(f"{k}: {len(v)}" for k, v in hits.items())
    print(f"scanned {scanned} bytes: {counts}")
    for kind, found in hits.items():
        for addr, name, around in found[:10]:
            print(f"  {kind} at {addr:#x} {name}: {around!r}")
    return 0 if not any(hits.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

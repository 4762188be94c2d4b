#!/usr/bin/env python3
"""Writes alert-chime.wav: the kiosk's urgent-alert chime (issue 9).

A two-tone "ding-dong" (E6 then C6, like a doorbell) synthesised from
sine waves with a soft attack and an exponential decay, plus a quieter
second harmonic for a bell-like colour. 16-bit mono PCM at 22,050 Hz,
1.2 s, about 53 KB. Standard library only; run once:

    python3 assets/sounds/make_chime.py assets/sounds/alert-chime.wav

Deterministic: the same file every run, so it can be checked in.
"""
import math
import struct
import sys
import wave

RATE = 22050
LENGTH_S = 1.2
# (start s, frequency Hz, decay time constant s, peak amplitude 0..1)
NOTES = [(0.00, 1318.51, 0.18, 0.55), (0.40, 1046.50, 0.28, 0.55)]
ATTACK_S = 0.008


def sample(t):
    v = 0.0
    for start, freq, decay, amp in NOTES:
        if t < start:
            continue
        u = t - start
        env = amp * math.exp(-u / decay) * min(1.0, u / ATTACK_S)
        v += env * (math.sin(2 * math.pi * freq * u) + 0.3 * math.sin(4 * math.pi * freq * u))
    return max(-1.0, min(1.0, v / 1.3))


def main(path):
    n = int(RATE * LENGTH_S)
    frames = bytearray()
    for i in range(n):
        t = i / RATE
        # The last 20 ms fade to silence: no click at the end.
        fade = min(1.0, (n - i) / (0.02 * RATE))
        frames += struct.pack("<h", int(round(sample(t) * fade * 32767)))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "alert-chime.wav")

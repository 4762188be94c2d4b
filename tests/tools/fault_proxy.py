#!/usr/bin/env python3
"""A loopback TCP proxy that misbehaves on purpose (issue 14 tests).

    fault_proxy.py LISTEN_PORT TARGET_PORT CONTROL_FILE STATS_FILE [SEED]

Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT. What it does is
read from CONTROL_FILE (one word) before every chunk it forwards:
  faults  each chunk may be dropped with the connection closed (3 %), the
          connection reset with an RST (3 %), or held 5 s before it goes on
          (2 %): a stalled network;
  calm    forwards faithfully;
  hang    holds every connection open and sends nothing either way (a
          server that hangs), new ones included.
STATS_FILE gets "drops resets stalls connections" after each event. The
stall is this proxy's own behaviour: tests only poll, bounded."""
import os
import random
import socket
import struct
import sys
import threading
import time

LISTEN, TARGET, CONTROL, STATS = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 14)
lock = threading.Lock()
stats = {"drops": 0, "resets": 0, "stalls": 0, "connections": 0}


def mode():
    try:
        with open(CONTROL) as f:
            return f.read().strip() or "calm"
    except OSError:
        return "calm"


def count(what):
    with lock:
        stats[what] += 1
        tmp = STATS + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d %d %d\n" % (stats["drops"], stats["resets"], stats["stalls"],
                                       stats["connections"]))
        os.replace(tmp, STATS)


def close_both(a, b, reset=False):
    for s in (a, b):
        try:
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        except OSError:
            pass


def pump(src, dst):
    while True:
        try:
            data = src.recv(65536)
        except OSError:
            data = b""
        if not data:
            close_both(src, dst)
            return
        while mode() == "hang":
            time.sleep(0.05)
        if mode() == "faults":
            with lock:
                r = rng.random()
            if r < 0.03:
                count("drops")
                close_both(src, dst)
                return
            if r < 0.06:
                count("resets")
                close_both(src, dst, reset=True)
                return
            if r < 0.08:
                count("stalls")
                time.sleep(5)
        try:
            dst.sendall(data)
        except OSError:
            close_both(src, dst)
            return


def serve(client):
    count("connections")
    while mode() == "hang":
        time.sleep(0.05)
    try:
        upstream = socket.create_connection(("127.0.0.1", TARGET), timeout=5)
        upstream.settimeout(None)
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        client.close()
        return
    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", LISTEN))
    srv.listen(64)
    count("connections")  # writes the stats file: the proxy is up
    with lock:
        stats["connections"] = 0
    while True:
        client, _ = srv.accept()
        threading.Thread(target=serve, args=(client,), daemon=True).start()


if __name__ == "__main__":
    main()

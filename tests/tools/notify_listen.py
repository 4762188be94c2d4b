#!/usr/bin/env python3
"""A stand-in for systemd's notify socket, for tests/watchdog_test.sh.

  notify_listen.py listen PATH   binds an AF_UNIX datagram socket at PATH,
                                 prints "listening PATH", then one line per
                                 datagram: "<monotonic ms> <payload>" (newlines
                                 inside a payload become spaces), flushed.
                                 Runs until killed.
  notify_listen.py send PATH MSG sends MSG as one datagram to PATH (the test's
                                 marker: datagrams arrive in order, so what
                                 comes after it was sent after it).
"""
import os
import socket
import sys
import time


def listen(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    print("listening", path, flush=True)
    while True:
        data = sock.recv(4096)
        ms = time.monotonic_ns() // 1000000
        text = data.decode("utf-8", "replace").strip().replace("\n", " ")
        print(ms, text, flush=True)


def send(path, msg):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.sendto(msg.encode("utf-8"), path)


def main(argv):
    if len(argv) == 3 and argv[1] == "listen":
        listen(argv[2])
    elif len(argv) == 4 and argv[1] == "send":
        send(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""The server-alone reference of the streaming benchmark (Python standard library).

    ws_reader.py --port PORT --bytes BYTES [--token TOKEN] [--timing FILE]

Opens a WebSocket to ws://127.0.0.1:PORT/ws, then reads and discards exactly BYTES bytes after the
101 response (what bench/ws_server.py announced: its N text frames and its close frame) with
recv_into() on one reused buffer, without parsing a frame, and answers the close. So its time is
the server's and the kernel's (plus this interpreter's start): the ceiling any client can reach
against that server. With --timing, appends to FILE the seconds from the connect to the last byte
(the server's delivery time without this interpreter's start). Exit 1 if the server sent fewer
bytes or no 101.
"""

import argparse
import base64
import os
import socket
import sys
import time
from urllib.parse import quote

CLIENT_CLOSE = bytes([0x88, 0x82, 0, 0, 0, 0]) + (1000).to_bytes(2, "big")  # masked, zero key


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bytes", type=int, required=True)
    parser.add_argument("--token")
    parser.add_argument("--timing")
    args = parser.parse_args()

    started = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", args.port))
    path = "/ws" + ("?session_token=" + quote(args.token, safe="") if args.token else "")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                  % (path, args.port, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            print("ws_reader: connection closed during the handshake", file=sys.stderr)
            return 1
        head += chunk
    status, _, rest = head.partition(b"\r\n\r\n")
    if not status.startswith(b"HTTP/1.1 101"):
        print("ws_reader: no upgrade: %r" % status.split(b"\r\n")[0], file=sys.stderr)
        return 1
    left = args.bytes - len(rest)
    buffer = memoryview(bytearray(1 << 20))
    while left > 0:
        got = sock.recv_into(buffer)
        if got == 0:
            print("ws_reader: %d bytes missing" % left, file=sys.stderr)
            return 1
        left -= got
    elapsed = time.perf_counter() - started
    sock.sendall(CLIENT_CLOSE)
    sock.close()
    if args.timing:
        with open(args.timing, "a", encoding="utf-8") as f:
            f.write("%.9f\n" % elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""WebSocket push server for the streaming benchmark of bench/run.sh (Python standard library).

    ws_server.py --messages N [--max-messages M] [--token TOKEN]

Binds 127.0.0.1 on a port the kernel picks and prints "PORT <port> BYTES <bytes>" once it
listens; BYTES is how much a connection to /ws receives after the 101 response (N text frames and
a close frame), so a raw reader knows when it has everything.

Every connection to GET /ws (RFC 6455 handshake: Sec-WebSocket-Accept = base64(sha1(key + GUID)))
is sent N text frames right after the 101, then a close frame (1000), then the server reads what
the client sends (its subscribe message, its close frame) until the client closes or goes quiet.
GET /K/ws does the same with K frames instead of N, for any K up to max(N, M): a client whose base
URL is http://127.0.0.1:PORT/K (hyperoru appends /ws to it) gets K messages, which is how run.sh
compares the memory of `hyperoru watch` over 1 000 and 1 000 000 messages with one server.
With ?after=heartbeat in the URL, the messages are followed by no close frame but by a text frame
{"type": "heartbeat"} every 10 ms until the client goes away (at most 2 minutes): for a client
that must be ended by its reader, as wscat is (it exits at the close frame without writing out
what it still holds for a pipe, so run.sh stops it with `head -n N` and the next heartbeat).
The frames are built once at startup, so sending them is one sendall() of a slice of a prebuilt
buffer (and one of the close frame): the server's per-message cost is near zero and the client is
what is measured (run.sh also times a raw socket reader against this server to show the server's
own ceiling).

Differences from the stand-in (sandbox/hyperoru_sandbox), on purpose:
- it pushes without waiting for `subscribe` and sends no "subscribed" reply, so that N messages are
  exactly N frames for every client (hyperoru watch --count N, websocat, wscat, the raw reader);
  `hyperoru watch` sends its subscribe anyway, and it is read and ignored;
- with --token, the upgrade must carry ?session_token=TOKEN (else 401), which checks that hyperoru
  took the token from its config file; no other authentication.
The pushed messages are the stand-in's trade pushes: {"type": "trades", "seq": i, "data": {...}}.
"""

import argparse
import array
import base64
import hashlib
import re
import socket
import socketserver
import sys
import time
from urllib.parse import parse_qs, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
PUSH = ('{"type": "trades", "seq": %d, "data": {"id": %d, "account_id": 1, "symbol": "BTC", '
        '"side": "buy", "price": 67012.50, "quantity": 0.01}}')
MAX_HEAD = 64 * 1024
DRAIN_TIMEOUT = 10.0  # seconds to wait for the client's close frame after ours
HEARTBEAT_EVERY = 0.01  # seconds
HEARTBEATS_FOR = 120.0  # seconds


def frame(opcode, payload):
    """One unmasked (server-to-client) frame with FIN set."""
    size = len(payload)
    if size < 126:
        head = bytes([0x80 | opcode, size])
    elif size < 65536:
        head = bytes([0x80 | opcode, 126]) + size.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 127]) + size.to_bytes(8, "big")
    return head + payload


CLOSE_FRAME = frame(0x8, (1000).to_bytes(2, "big") + b"done")
HEARTBEAT_FRAME = frame(0x1, b'{"type": "heartbeat"}')


PATH = re.compile(r"/(?:([0-9]+)/)?ws")  # /ws, or /K/ws for K messages


def build_stream(count):
    """The text frames of messages 1..count in one buffer, and where each frame ends: the first K
    messages are stream[:ends[K]] (ends[0] is 0)."""
    stream, ends = bytearray(), array.array("Q", [0])
    for i in range(1, count + 1):
        stream += frame(0x1, (PUSH % (i, i)).encode())
        ends.append(len(stream))
    return bytes(stream), ends


def client_closed(buffer):
    """True once `buffer` (bytes from the client) holds a close frame. Client frames are masked;
    only the headers are walked, the payloads are skipped."""
    at = 0
    while at + 2 <= len(buffer):
        opcode, size = buffer[at] & 0x0F, buffer[at + 1] & 0x7F
        at += 2
        if size == 126:
            if at + 2 > len(buffer):
                return False
            size, at = int.from_bytes(buffer[at:at + 2], "big"), at + 2
        elif size == 127:
            if at + 8 > len(buffer):
                return False
            size, at = int.from_bytes(buffer[at:at + 8], "big"), at + 8
        at += 4 + size  # mask key, payload
        if at > len(buffer):
            return False
        if opcode == 0x8:
            return True
    return False


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk or len(data) > MAX_HEAD:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        target = urlsplit(parts[1] if len(parts) > 1 else "")
        key = headers.get("sec-websocket-key", "")
        path = PATH.fullmatch(target.path)
        count = int(path.group(1)) if path and path.group(1) else self.server.messages
        if parts[0] != "GET" or not path or count >= len(self.server.ends) or (
                "websocket" not in headers.get("upgrade", "").lower()) or not key:
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        query = parse_qs(target.query)
        token = query.get("session_token", [None])[0]
        heartbeats = query.get("after", [None])[0] == "heartbeat"
        if self.server.token is not None and token != self.server.token:
            body = b'{"error": "Invalid or expired session token", "code": "UNAUTHORIZED"}'
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            return
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest())
        sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        try:
            sock.sendall(memoryview(self.server.stream)[:self.server.ends[count]])
            if heartbeats:
                until = time.monotonic() + HEARTBEATS_FOR
                while time.monotonic() < until:
                    sock.sendall(HEARTBEAT_FRAME)
                    time.sleep(HEARTBEAT_EVERY)
                return
            sock.sendall(CLOSE_FRAME)
        except OSError:
            return  # the client went away early (hyperoru --count smaller than N, a Ctrl-C)
        # Our close frame is out; read until the client's close frame or EOF, then close TCP.
        sock.settimeout(DRAIN_TIMEOUT)
        received = bytearray(rest)
        try:
            while not client_closed(received):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--max-messages", type=int, default=0)
    parser.add_argument("--token")
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.stream, server.ends = build_stream(max(args.messages, args.max_messages))
    server.messages = args.messages
    server.token = args.token
    announced = server.ends[args.messages] + len(CLOSE_FRAME)
    print("PORT %d BYTES %d" % (server.server_address[1], announced), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""WebSocket push server for the streaming benchmark of bench/run.sh (Python standard library).

    ws_server.py --messages N [--token TOKEN]

Binds 127.0.0.1 on a port the kernel picks and prints "PORT <port> BYTES <bytes>" once it
listens; BYTES is how much each connection receives after the 101 response (N text frames and a
close frame), so a raw reader knows when it has everything.

Every connection to GET /ws (RFC 6455 handshake: Sec-WebSocket-Accept = base64(sha1(key + GUID)))
is sent N text frames right after the 101, then a close frame (1000), then the server reads what
the client sends (its subscribe message, its close frame) until the client closes or goes quiet.
The frames are built once at startup, so sending them is one sendall() of a prebuilt buffer: the
server's per-message cost is near zero and the client is what is measured (run.sh also times a raw
socket reader against this server to show the server's own ceiling).

Differences from the stand-in (tests/server/standin.py), on purpose:
- it pushes without waiting for `subscribe` and sends no "subscribed" reply, so that N messages are
  exactly N frames for every client (hyperoru watch --count N, websocat, wscat, the raw reader);
  `hyperoru watch` sends its subscribe anyway, and it is read and ignored;
- with --token, the upgrade must carry ?session_token=TOKEN (else 401), which checks that hyperoru
  took the token from its config file; no other authentication.
The pushed messages are the stand-in's trade pushes: {"type": "trades", "seq": i, "data": {...}}.
"""

import argparse
import base64
import hashlib
import socket
import socketserver
import sys
from urllib.parse import parse_qs, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
PUSH = ('{"type": "trades", "seq": %d, "data": {"id": %d, "account_id": 1, "symbol": "BTC", '
        '"side": "buy", "price": 67012.50, "quantity": 0.01}}')
MAX_HEAD = 64 * 1024
DRAIN_TIMEOUT = 10.0  # seconds to wait for the client's close frame after ours


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


def build_stream(count):
    return b"".join(frame(0x1, (PUSH % (i, i)).encode()) for i in range(1, count + 1)) + CLOSE_FRAME


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
        if parts[0] != "GET" or target.path != "/ws" or "websocket" not in headers.get(
                "upgrade", "").lower() or not key:
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        token = parse_qs(target.query).get("session_token", [None])[0]
        if self.server.token is not None and token != self.server.token:
            body = b'{"error": "Invalid or expired session token", "code": "UNAUTHORIZED"}'
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            return
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest())
        sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        try:
            sock.sendall(self.server.stream)
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
    parser.add_argument("--token")
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.stream = build_stream(args.messages)
    server.token = args.token
    print("PORT %d BYTES %d" % (server.server_address[1], len(server.stream)), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A minimal HTTP and WebSocket client for the sandbox's own tests (standard library only)."""

import base64
import json
import os
import socket
import struct
import urllib.request

TOKEN = "hs_test_token_0123456789abcdef"


def http(port, method, path, body=None, token=TOKEN):
    """(status, body text) of one request."""
    data = None if body is None else (body if isinstance(body, bytes) else
                                      json.dumps(body).encode())
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data,
                                     method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class WsClient:
    """One WebSocket connection: send() a JSON message, recv() the next text message."""

    def __init__(self, port, token=TOKEN, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /ws?session_token=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           % (token, key)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.read_some()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(head.decode())

    def read_some(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("the server closed the connection")
        return data

    def need(self, n):
        while len(self.buf) < n:
            self.buf += self.read_some()

    def send(self, message):
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        head = bytes([0x81])
        if len(payload) < 126:
            head += bytes([0x80 | len(payload)])
        else:
            head += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def recv(self):
        """The next text message (control frames are skipped)."""
        while True:
            self.need(2)
            opcode, size = self.buf[0] & 0x0F, self.buf[1] & 0x7F
            at = 2
            if size == 126:
                self.need(4)
                size, at = struct.unpack(">H", self.buf[2:4])[0], 4
            elif size == 127:
                self.need(10)
                size, at = struct.unpack(">Q", self.buf[2:10])[0], 10
            self.need(at + size)
            payload, self.buf = self.buf[at:at + size], self.buf[at + size:]
            if opcode == 0x1:
                return payload.decode()
            if opcode == 0x8:
                raise EOFError("close frame")

    def request(self, message):
        self.send(message)
        return self.recv()

    def close(self):
        self.sock.close()

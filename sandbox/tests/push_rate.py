#!/usr/bin/env python3
"""Measures the market's push rate to one WebSocket client (by hand, not part of the unit tests):

    python3 sandbox/tests/push_rate.py [SECONDS] [INTERVAL]

starts the sandbox with --market --seed 1 --market-interval INTERVAL (default 0.004: 250 ticks
a second), subscribes to every channel and reads for SECONDS (default 60). Each second it prints
the messages received, and how far the pushes lag behind the ticker's schedule: the tick the
last push belongs to (read from its simulated timestamp) against elapsed time / INTERVAL. A
sandbox that keeps up shows a steady rate and a lag that does not grow."""

import os
import subprocess
import sys
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from client import WsClient  # noqa: E402

EPOCH = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)


def tick_of(text):
    at = text.rindex('"timestamp": "') + len('"timestamp": "')
    stamp = datetime.strptime(text[at:at + 20], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return int((stamp - EPOCH).total_seconds() // 60)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    interval = sys.argv[2] if len(sys.argv) > 2 else "0.004"
    launcher = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "hyperoru-sandbox")
    server = subprocess.Popen([sys.executable, launcher, "--test-defaults", "--quiet", "--market",
                               "--seed", "1", "--market-interval", interval, "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        ws = WsClient(port)
        ws.request({"type": "subscribe",
                    "data": {"channels": ["trades", "positions", "model_chat", "asset_curve"]}})
        start = time.monotonic()
        first_tick = None
        total, window, window_start, last = 0, 0, start, None
        rates, lags = [], []
        while time.monotonic() - start < seconds:
            text = ws.recv()
            total += 1
            window += 1
            last = text
            if first_tick is None:
                first_tick = tick_of(text)
            now = time.monotonic()
            if now - window_start >= 1.0:
                lag = (now - start) / float(interval) - (tick_of(last) - first_tick)
                rates.append(window / (now - window_start))
                lags.append(lag)
                print("%5.1f s  %6.0f messages/s  tick %d  lag %.0f ticks"
                      % (now - start, rates[-1], tick_of(last), lag), flush=True)
                window, window_start = 0, now
        elapsed = time.monotonic() - start
        print("total %d messages in %.1f s: %.0f messages/s; lag first %.0f, last %.0f, max %.0f "
              "ticks" % (total, elapsed, total / elapsed, lags[0], lags[-1], max(lags)))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

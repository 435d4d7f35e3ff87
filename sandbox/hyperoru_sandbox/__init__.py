"""hyperoru-sandbox: the local stand-in of the Hyperoru API, for the integration and end-to-end
tests and as the offline sandbox of docs/install.md.

A real HTTP/1.1 server (keep-alive, Content-Length, chunked request bodies) so that the client's
curl transport is exercised exactly as against the real service. It serves every endpoint of the
contract (/work/shared/api/CONTRACT.md, section 2.0: 77 endpoints) with the contract's example
payloads and plausible state. Besides the API routes it offers control endpoints under
/__standin/ to read the log of received requests, to reset the seeded state, to add generated
items and to script responses and connection faults.

Usage: hyperoru-sandbox [--host 127.0.0.1] [--port 0] [--token T]... [--login-token T]
                  [--no-logout] [--envelope] [--sse-framing chunked|close] [--sse-delay SECONDS]
                  [--test-defaults] [--demo | --no-demo] [--ws-demo-interval SECONDS]
                  [--market | --no-market] [--seed N] [--market-interval SECONDS]
                  [--tls-cert FILE --tls-key FILE] [--quiet]
(or python3 -m hyperoru_sandbox with sandbox/ on the path). By default it starts in demo mode
(seeded orders) with the simulated market (market.py: traders 1, 3 and 4 trading BTC, ETH and
SOL, every tick pushed; see HELP_EPILOG in cli.py). The test suites start it with
--test-defaults: no demo mode and no market unless asked for, the seeded state they rely on byte
for byte.
Once listening it prints "PORT <n>" on stdout: the test harness waits for that line instead of
sleeping or polling the port. With --tls-cert/--tls-key (PEM files) everything, REST and /ws, is
served over TLS on that same port.

WebSocket: GET /ws with Upgrade: websocket (contract section 3), authenticated by
?session_token=<token> or, without it, by a first "connect" message; see the section "The
WebSocket side" below for the messages and the close codes.

Control endpoints (never logged, never scripted, no token):
  GET  /__standin/requests  the log of API requests received, oldest first; ?count=N first
                            waits until it holds N (10 s max)
  POST /__standin/reset     back to the seeded state, the demo orders included in demo mode
                            (log and scripts cleared too; also the WebSocket log, counters and
                            switches, open WebSockets dropped)
  POST /__standin/script    {"method", "path", "responses": [...]}: canned responses and faults
                            (each: status, reason, headers, body or json, delay, action, ...)
  POST /__standin/seed      {"kind": "accounts", "count": 250, "fields": {...}}: adds generated
                            items ("Trader 0001", ...) with ids continuing; kinds: SEED_KINDS
  The market (--market; 400 when it is off):
  GET  /__standin/market    {"tick": n, "paused": bool, "prices": {"BTC": 67012.50, ...}}
  POST /__standin/market/tick  {"count": n} (default 1): n ticks at once, every push of them
                            queued to the connections before the reply {"tick": <ticks so far>}
  POST /__standin/market/pause  the ticker stops and no market push is sent (ticks asked for
                            with market/tick still advance the market, silently); the
                            connections stay open. Answers as GET /__standin/market.
  POST /__standin/market/resume  ticks and pushes again
  The WebSocket side ("connection": n picks one open connection, numbered from 1 in the order
  accepted; without it, all open ones; answers {"ok": true, "connections": [n, ...]}):
  GET  /__standin/ws-log    [{"connection": n, "text": "..."}] (binary: "binary" latin-1), every
                            message received; ?count=N first waits until there are N
  GET  /__standin/ws/state  {"open", "accepted", "pongs", "pings"}; ?open=N waits until exactly N
                            are open, ?accepted=N ?pings=N ?pongs=N until at least N (10 s max)
  POST /__standin/ws/push   {"messages": ["<text>", {"binary": size}, {"fragmented": "<text>",
                            "pieces": k, "ping_between": bool}, {"large": total size}]}
  POST /__standin/ws/push-many  {"count": N, "type": "trades"}: N messages, "seq" 1..N, in order
  POST /__standin/ws/drop   TCP close without a close frame
  POST /__standin/ws/close  {"code": 1011, "reason": "going away"}: the close handshake
  POST /__standin/ws/silence  {"on": bool}: nothing is sent (not even pongs) while on
  POST /__standin/ws/ping   {"payload": "..."} (optional): a ping frame
  POST /__standin/ws/reject {"on": bool, "status": 401}: upgrades answered with that status
  POST /__standin/ws/flap   {"on": bool}: every connection accepted is closed at once (1011)
  POST /__standin/ws/flood  {"kind": "empty-fragments" | "pings" | "pongs", "seconds": 10}: for
                            that long (at most 60 s), every open connection and every one
                            accepted meanwhile gets frames as fast as the client takes them:
                            empty pings or unsolicited pongs, or a text frame without FIN and
                            then empty continuation frames without FIN (data frames wait until
                            the flood ends, which ends that message with an empty FIN frame).
                            A connection that closes is no longer flooded; a reset ends it all.

The list endpoints (users, accounts, the three order lists, klines data, backfill tasks,
programs, prompts, custom factors: the handlers that answer through paged()) honour page (from
1), per_page (default: the whole list) and limit (caps the items returned); with --envelope they
answer {"items", "total", "page", "per_page", "next"} instead of a bare array.
The Hyper AI chat (POST /api/hyper-ai/chat) streams SSE in deliberately awkward pieces (see
awkward_pieces); a message with the word "fail" ends in an error event, one with "cut" ends
without done.
Standard library only, so the tests need nothing but a Python 3 interpreter.

Modules: cli (options, main), server (HTTP, dispatch, the WebSocket upgrade), routes, common
(errors, exact JSON, helpers), seed and state (the data a reset restores), one module per API
section (users, accounts, orders, klines, programs, prompts, signals, factors, analytics,
hyperliquid, ai), websocket (frames, hub, connections), ws_messages, ws_control, faults (HTTP
control: log, reset, scripts, seed), market (the simulation) and market_feed (its ticker, pushes
and control endpoints).
"""

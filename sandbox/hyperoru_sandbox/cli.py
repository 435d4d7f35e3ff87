"""The command line: options, --help, start-up and shutdown."""

import argparse
import signal
import socket
import ssl
import sys
import threading

from .routes import api_routes
from .seed import DEMO_ORDERS, DEMO_PUSH_INTERVAL, SANDBOX_NAME, SEEDED_USER
from .server import Handler, Server, Stop, raise_stop
from .state import State
from .market import MARKET_INTERVAL, MARKET_TRADERS
from .market_feed import market_ticker
from .ws_messages import ws_demo_pusher


HELP_DESCRIPTION = """\
Local stand-in of the Hyperoru API: the whole contract (REST under /api, the WebSocket /ws, the
Hyper AI chat stream) on 127.0.0.1, with seeded data, for developing and testing scripts and
programs without touching production. It prints "PORT <n>" on stdout once it listens."""

HELP_EPILOG = """\
seeded data:
  a user (login trader@example.com or username trader1, password: secret), two AI traders
  (accounts 1 "Main Account" and 2 "Hidden Scalper", hidden from the dashboard), prices of BTC,
  ETH, SOL, PEPE and ARB, candles (klines), programs, prompts, signals and factors.

demo mode (--demo; the default when run as hyperoru-sandbox, --no-demo turns it off):
  four orders as well: an open (pending) BTC limit buy (id 42) and a filled (executed) ETH
  market sell (43) on trader 1, a cancelled SOL limit buy (44) and a filled BTC market sell (45)
  on trader 2. Without the market, an asset_curve push (equity and daily PnL) every 3 seconds to
  each WebSocket subscribed to asset_curve; --ws-demo-interval sets another pace, 0 turns the
  pushes off. POST /__standin/reset goes back to this state. With --test-defaults (what the test
  suites use) there is no demo mode, no market, no orders, and no pushes unless
  --ws-demo-interval asks for them.

market (--market; on in demo mode, --no-market turns it off):
  two more traders, 3 "BTC Momentum" (claude-sonnet-4-20250514, on binance) and 4 "ETH Swing"
  (deepseek-chat, on hyperliquid); traders 1, 3 and 4 start with equity 10000.00 and trade BTC
  (from 67012.50), ETH (3450.25) and SOL (142.70) on a seeded random walk. Every tick (each
  --market-interval seconds, default 1) a trader may open or close a position, place or cancel
  a limit order, or hold, and explains it. The WebSocket channels get, in this order: trades
  (fills and cancellations), positions (opened, closed, and each open one's new mark), model_chat
  (the decision and its reasoning) and asset_curve (equity and daily PnL of every trader).
  GET /api/hyperliquid/accounts/{id}/positions and .../balance, the orders routes and the
  WebSocket's bootstrap, get_snapshot and get_asset_curve agree with it at every moment.
  --seed N makes a run reproducible, timestamps included (simulated: 2026-01-05T09:30:00Z plus a
  minute a tick); without it the seed is 1 and timestamps are the clock's.

example session:
  hyperoru-sandbox --port 8080 &
  export HYPERORU_BASE_URL=http://127.0.0.1:8080
  echo secret | hyperoru login --email trader@example.com --password-stdin
  hyperoru order list --user 1      # the demo orders, and the market's
  hyperoru watch                    # the market's pushes, every second; Ctrl-C ends it

control endpoints (no token): GET /__standin/requests (the requests received), POST
/__standin/reset (back to the seeded state), POST /__standin/script (canned responses and
faults), POST /__standin/seed (generated items), POST /__standin/market/tick {"count": n},
/__standin/market/pause and /resume, GET /__standin/market (tick, paused, prices); the
package's docstring (hyperoru_sandbox/__init__.py) lists the rest."""


def positive_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def parser_of(prog):
    parser = argparse.ArgumentParser(prog=prog, description=HELP_DESCRIPTION, epilog=HELP_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", action="append", default=[],
                        help="an extra token accepted for the seeded user (repeatable)")
    parser.add_argument("--login-token", help="the token every successful login issues")
    parser.add_argument("--no-logout", action="store_true",
                        help="answer 404 on POST /api/users/logout, like older servers")
    parser.add_argument("--envelope", action="store_true",
                        help="list endpoints answer {items, total, page, per_page, next}")
    parser.add_argument("--sse-framing", choices=["chunked", "close"], default="chunked",
                        help="frame the chat stream with chunked encoding or by closing")
    parser.add_argument("--sse-delay", type=float, default=0.01,
                        help="seconds between the pieces of the chat stream")
    parser.add_argument("--test-defaults", action="store_true",
                        help="the defaults the test suites rely on: demo mode and the market "
                             "off unless --demo or --market asks for them")
    parser.add_argument("--demo", action=argparse.BooleanOptionalAction, default=None,
                        help="demo mode: seeded orders and WebSocket pushes (default: on, off "
                             "with --test-defaults)")
    parser.add_argument("--ws-demo-interval", type=float, default=None, metavar="SECONDS",
                        help="push an asset_curve message to every WebSocket subscribed to "
                             "asset_curve every SECONDS (0: never; default %g in demo mode "
                             "without the market, else 0)" % DEMO_PUSH_INTERVAL)
    parser.add_argument("--market", action=argparse.BooleanOptionalAction, default=None,
                        help="the simulated market: traders 1, 3 and 4 trade BTC, ETH and SOL "
                             "and every tick is pushed (default: on in demo mode, off with "
                             "--test-defaults)")
    parser.add_argument("--seed", type=positive_int, default=None, metavar="N",
                        help="the market's random seed (default 1); given explicitly, market "
                             "time is simulated too (2026-01-05T09:30:00Z + 1 minute a tick), "
                             "so a run is reproducible")
    parser.add_argument("--market-interval", type=float, default=MARKET_INTERVAL,
                        metavar="SECONDS",
                        help="seconds between market ticks (default %g; 0: only POST "
                             "/__standin/market/tick advances it)" % MARKET_INTERVAL)
    parser.add_argument("--tls-cert", help="PEM certificate (chain) file: serve HTTPS and WSS")
    parser.add_argument("--tls-key", help="PEM private key file of --tls-cert")
    parser.add_argument("--quiet", action="store_true",
                        help="no start-up lines on stderr (PORT <n> is still printed on stdout)")
    return parser


def parse_options(argv=None, prog=SANDBOX_NAME):
    """The options with every default settled (parser errors exit, as argparse does)."""
    parser = parser_of(prog)
    options = parser.parse_args(argv)
    if (options.tls_cert is None) != (options.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    # The sandbox is for people trying things out; the test suites start it with
    # --test-defaults, and rely on that state byte for byte. An explicit flag always wins.
    if options.demo is None:
        options.demo = not options.test_defaults
    if options.market is None:
        options.market = options.demo and not options.test_defaults
    # Simulated time only when the seed was chosen: a reproducible run asked for.
    options.simulated_time = options.seed is not None
    if options.seed is None:
        options.seed = 1
    if not options.market_interval >= 0:  # also refuses nan
        parser.error("--market-interval must be 0 or more seconds")
    if options.ws_demo_interval is None:
        options.ws_demo_interval = (DEMO_PUSH_INTERVAL if options.demo and not options.market
                                    else 0.0)
    if not options.ws_demo_interval >= 0:
        parser.error("--ws-demo-interval must be 0 or more seconds")
    if options.market:
        options.ws_demo_interval = 0.0  # the market's asset_curve pushes replace the demo's
    options.prog = parser.prog
    return options


def make_server(options, ssl_context=None):
    """The server, bound and with its state, not yet serving (its threads not yet started)."""
    if ":" in options.host:
        Server.address_family = socket.AF_INET6
    server = Server((options.host, options.port), Handler)
    server.state = State(options)
    server.routes = api_routes(options)
    server.ssl_context = ssl_context  # with --tls-cert: every connection is TLS
    return server


def start_pushers(server):
    options = server.state.options
    if options.ws_demo_interval > 0:
        threading.Thread(target=ws_demo_pusher, args=(server.state, options.ws_demo_interval),
                         daemon=True).start()
    if options.market and options.market_interval > 0:
        threading.Thread(target=market_ticker, args=(server.state, options.market_interval),
                         daemon=True).start()


def main(argv=None, prog=SANDBOX_NAME):
    options = parse_options(argv, prog)
    context = None
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(options.tls_cert, options.tls_key)
        except (OSError, ssl.SSLError) as e:
            parser_of(prog).error("cannot load --tls-cert/--tls-key: %s" % e)
    server = make_server(options, context)
    start_pushers(server)
    port = server.server_address[1]
    try:
        # Installed before announcing the port, so a stop right after start-up is still clean.
        signal.signal(signal.SIGTERM, raise_stop)
        signal.signal(signal.SIGINT, raise_stop)
        print("PORT %d" % port, flush=True)
        if not options.quiet:
            scheme = "https" if options.tls_cert else "http"
            print("hyperoru stand-in listening on %s://%s:%d" % (scheme, options.host, port),
                  file=sys.stderr, flush=True)
            if options.demo:
                pushes = ("an asset_curve push every %g s" % options.ws_demo_interval
                          if options.ws_demo_interval > 0 else "no WebSocket pushes")
                if options.market:
                    pushes = "the market's pushes"
                print("demo mode: %d seeded orders on 2 traders, %s; log in as %s "
                      "(%s --help shows the password and an example session)"
                      % (len(DEMO_ORDERS), pushes, SEEDED_USER["email"], options.prog),
                      file=sys.stderr, flush=True)
            if options.market:
                pace = ("a tick every %g s" % options.market_interval
                        if options.market_interval > 0 else "ticks on POST /__standin/market/tick")
                print("market: traders %s trade BTC, ETH and SOL, %s (seed %d%s)"
                      % (", ".join(str(t.account_id) for t in MARKET_TRADERS), pace,
                         options.seed, ", simulated time" if options.simulated_time else ""),
                      file=sys.stderr, flush=True)
        server.serve_forever()
    except Stop:
        pass
    finally:
        # A second signal during the shutdown must not end in a traceback either.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.server_close()
    return 0

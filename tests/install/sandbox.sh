#!/usr/bin/env bash
# The installed hyperoru-sandbox starts in demo mode, with the market, without being asked: its
# --help and start-up lines say so. With --no-market, the installed hyperoru logs in and lists the
# demo orders, and `hyperoru watch` receives the demo's asset_curve push (every 3 s) within a
# bounded time; with the defaults, the market's traders are listed and `hyperoru watch` receives a
# market push (a tick a second) within a bounded time.
# Usage: sandbox.sh PREFIX WORK_DIR
set -euo pipefail
prefix=$1 work=$2

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rm -rf "$work"
mkdir -p "$work"
hyperoru="$prefix/bin/hyperoru"
sandbox="$prefix/bin/hyperoru-sandbox"

"$sandbox" --help >"$work/help" || fail "hyperoru-sandbox --help failed"
for text in 'usage: hyperoru-sandbox ' \
    'demo mode (--demo; the default when run as hyperoru-sandbox, --no-demo turns it off):' \
    'a user (login trader@example.com or username trader1, password: secret)' \
    'hyperoru-sandbox --port 8080 &' 'export HYPERORU_BASE_URL=http://127.0.0.1:8080' \
    'echo secret | hyperoru login --email trader@example.com --password-stdin' \
    'hyperoru order list --user 1' 'hyperoru watch ' \
    'market (--market; on in demo mode, --no-market turns it off):' '--seed N' \
    '--market-interval SECONDS' '/__standin/market/tick'; do
    grep -qF -- "$text" "$work/help" || { cat "$work/help" >&2; fail "hyperoru-sandbox --help lacks '$text'"; }
done

start_sandbox "$work/sandbox.err" "$sandbox" --port 0 --no-market

export HYPERORU_CONFIG_DIR="$work/config" HYPERORU_BASE_URL="http://127.0.0.1:$port"
unset HYPERORU_TOKEN HYPERORU_CONTEXT

printf 'secret\n' | "$hyperoru" login --email trader@example.com --password-stdin >/dev/null 2>"$work/login.err" ||
    { cat "$work/login.err" >&2; fail "hyperoru login against the sandbox failed"; }

"$hyperoru" order list --user 1 >"$work/orders" 2>"$work/orders.err" ||
    { cat "$work/orders.err" >&2; fail "hyperoru order list --user 1 failed"; }
cat >"$work/expected-orders" <<'EXPECTED'
[
  {
    "id": 42,
    "account_id": 1,
    "symbol": "BTC",
    "side": "buy",
    "order_type": "limit",
    "price": 66500.0,
    "quantity": 0.01,
    "status": "pending"
  },
  {
    "id": 43,
    "account_id": 1,
    "symbol": "ETH",
    "side": "sell",
    "order_type": "market",
    "quantity": 0.5,
    "status": "executed"
  },
  {
    "id": 44,
    "account_id": 2,
    "symbol": "SOL",
    "side": "buy",
    "order_type": "limit",
    "price": 135.5,
    "quantity": 2.0,
    "status": "cancelled"
  },
  {
    "id": 45,
    "account_id": 2,
    "symbol": "BTC",
    "side": "sell",
    "order_type": "market",
    "quantity": 0.005,
    "status": "executed"
  }
]
EXPECTED
diff -u "$work/expected-orders" "$work/orders" || fail "hyperoru order list --user 1 does not show the demo orders"
[[ ! -s "$work/orders.err" ]] || { cat "$work/orders.err" >&2; fail "hyperoru order list wrote to stderr"; }

# --count counts updates: the reply to the subscription is printed first but not counted, so
# --count 1 ends after the first push. The push comes 3 s after the sandbox started; 15 s bounds a
# sandbox that never pushes.
status=0
timeout 15 "$hyperoru" watch --count 1 >"$work/watch" 2>"$work/watch.err" || status=$?
[[ $status -ne 124 ]] || fail "hyperoru watch received no push within 15 s"
[[ $status -eq 0 ]] || { cat "$work/watch.err" >&2; fail "hyperoru watch --count 1: exit $status"; }
# Off a terminal, watch prints each message as one line of compact JSON, numbers as sent.
subscribed='{"type":"subscribed","request_id":"1","data":{"channels":["trades","positions","model_chat","asset_curve"]}}'
[[ "$(sed -n 1p "$work/watch")" == "$subscribed" ]] || { cat "$work/watch" >&2; fail "watch: unexpected first line"; }
push='^\{"type":"asset_curve","data":\{"account_id":1,"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z","equity":10012\.50,"daily_pnl":12\.50\}\}$'
[[ "$(sed -n 2p "$work/watch")" =~ $push ]] || { cat "$work/watch" >&2; fail "watch: the second line is not the first push"; }
[[ "$(wc -l <"$work/watch")" -eq 2 ]] || { cat "$work/watch" >&2; fail "watch: not exactly two lines"; }

cat >"$work/expected-err" <<EXPECTED
hyperoru stand-in listening on http://127.0.0.1:$port
demo mode: 4 seeded orders on 2 traders, an asset_curve push every 3 s; log in as trader@example.com (hyperoru-sandbox --help shows the password and an example session)
EXPECTED
diff -u "$work/expected-err" "$work/sandbox.err" || fail "unexpected start-up lines from hyperoru-sandbox"
stop_sandbox

# The defaults: demo mode with the market.
start_sandbox "$work/market.err" "$sandbox" --port 0
export HYPERORU_BASE_URL="http://127.0.0.1:$port"
printf 'secret\n' | "$hyperoru" login --email trader@example.com --password-stdin >/dev/null 2>"$work/login.err" ||
    { cat "$work/login.err" >&2; fail "hyperoru login against the sandbox with the market failed"; }
"$hyperoru" account list -o ndjson --fields id,name,exchange >"$work/accounts" 2>"$work/accounts.err" ||
    { cat "$work/accounts.err" >&2; fail "hyperoru account list failed"; }
cat >"$work/expected-accounts" <<'EXPECTED'
{"id":1,"name":"Main Account","exchange":"hyperliquid"}
{"id":3,"name":"BTC Momentum","exchange":"binance"}
{"id":4,"name":"ETH Swing","exchange":"hyperliquid"}
EXPECTED
diff -u "$work/expected-accounts" "$work/accounts" || fail "hyperoru account list does not show the market's traders"
status=0
timeout 15 "$hyperoru" watch --count 1 >"$work/market-watch" 2>"$work/market-watch.err" || status=$?
[[ $status -ne 124 ]] || fail "hyperoru watch received no market push within 15 s"
[[ $status -eq 0 ]] || { cat "$work/market-watch.err" >&2; fail "hyperoru watch --count 1 (market): exit $status"; }
push='^\{"type":"(trade|position|model_chat|asset_curve)","data":\{"account_id":[134],.*"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z".*\}\}$'
[[ "$(sed -n 2p "$work/market-watch")" =~ $push ]] || { cat "$work/market-watch" >&2; fail "watch: the second line is not a market push"; }
cat >"$work/expected-market-err" <<EXPECTED
hyperoru stand-in listening on http://127.0.0.1:$port
demo mode: 4 seeded orders on 2 traders, the market's pushes; log in as trader@example.com (hyperoru-sandbox --help shows the password and an example session)
market: traders 1, 3, 4 trade BTC, ETH and SOL, a tick every 1 s (seed 1)
EXPECTED
diff -u "$work/expected-market-err" "$work/market.err" || fail "unexpected start-up lines from hyperoru-sandbox with the market"
echo "the installed hyperoru-sandbox ran in demo mode, without and with the market"

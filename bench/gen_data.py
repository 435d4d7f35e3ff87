#!/usr/bin/env python3
"""Writes the static files nginx serves for bench/run.sh (Python standard library only).

    gen_data.py --root DIR --pages N --large-bytes B

DIR/price/BTC.json      GET /api/crypto/price?symbol=BTC. The contract documents no example body
                        for the price (section 2.4), so this is the stand-in's shape
                        (sandbox/hyperoru_sandbox): {"symbol", "price", "timestamp"}.
DIR/pages/list_K.json   GET /api/account/list?page=K&per_page=100, K = 1..N: pages 1..N-1 hold
                        100 accounts and page N holds 99, so `hyperoru account list --all` stops
                        after exactly N requests (it stops at a short page, see paginate() in
                        src/cli/commands/spec.cpp) and curl fetches the same N URLs.
DIR/large.json          GET /api/account/list (no page): one array of accounts of at least B bytes,
                        the file `jq .` is given too.

Accounts have every field of the contract's Account object (section 2.3), written compactly as a
FastAPI server sends them, with number text such as 10012.50 that a float round trip would rewrite.
Prints one line: "ACCOUNTS <count in large.json> BYTES <size of large.json>".
"""

import argparse
import os

PER_PAGE = 100
MODELS = ("gpt-4o", "claude-sonnet-4-20250514", "deepseek-chat", "qwen-max")
PRICE_BODY = '{"symbol": "BTC", "price": 67012.50, "timestamp": "2026-11-25T12:00:00Z"}'


def account(i):
    """The JSON text of account number i (from 1)."""
    cash_cents = 100000 + (i * 7919) % 9000000
    frozen_cents = (i * 104729) % 50000
    return (
        '{"id":%d,"user_id":%d,"name":"Trader %06d","account_type":"%s","model":"%s",'
        '"base_url":"https://api.openai.com/v1","initial_capital":%d.0,"current_cash":%d.%02d,'
        '"frozen_cash":%d.%02d,"is_active":%s,"show_on_dashboard":%s,"hyperliquid_enabled":%s,'
        '"hyperliquid_environment":"mainnet","default_leverage":%d,"max_leverage":%d,'
        '"avatar_preset_id":%d}'
        % (i, 1 + i % 7, i, "prompt" if i % 3 else "program", MODELS[i % len(MODELS)],
           1000 * (1 + i % 50), cash_cents // 100, cash_cents % 100, frozen_cents // 100,
           frozen_cents % 100, "true" if i % 11 else "false", "true" if i % 5 else "false",
           "true" if i % 2 else "false", 1 + i % 3, 5 + i % 20, 1 + i % 12))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--large-bytes", type=int, required=True)
    args = parser.parse_args()

    write(os.path.join(args.root, "price", "BTC.json"), PRICE_BODY)

    next_id = 1
    for page in range(1, args.pages + 1):
        count = PER_PAGE if page < args.pages else PER_PAGE - 1
        items = [account(i) for i in range(next_id, next_id + count)]
        next_id += count
        write(os.path.join(args.root, "pages", "list_%d.json" % page), "[" + ",".join(items) + "]")

    parts, size, i = [], 2, 0  # size counts the brackets and the commas
    while size < args.large_bytes:
        i += 1
        text = account(i)
        parts.append(text)
        size += len(text) + (1 if i > 1 else 0)
    write(os.path.join(args.root, "large.json"), "[" + ",".join(parts) + "]")
    print("ACCOUNTS %d BYTES %d" % (i, os.path.getsize(os.path.join(args.root, "large.json"))))


if __name__ == "__main__":
    main()

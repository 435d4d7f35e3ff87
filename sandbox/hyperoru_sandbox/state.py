"""The server's state: everything a reset restores."""

import collections
import threading

from .common import Collection
from .seed import (DEMO_NEXT_ORDER_ID, DEMO_ORDERS, FIRST_ORDER_ID, PASSWORD, SEEDED_ACCOUNTS,
    SEEDED_BACKFILLS, SEEDED_FACTORS, SEEDED_POOLS, SEEDED_PROGRAMS, SEEDED_PROMPTS, SEEDED_SIGNALS,
    SEEDED_TOKEN, SEEDED_USER)
from .market import MARKET_ACCOUNTS, MARKET_EXCHANGES, MARKET_HYPERLIQUID, Market
from .websocket import WsHub
from .ws_messages import ws_answer


class State:
    """Everything a reset restores. Callers hold `lock` while touching any of it."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.logged = threading.Condition(self.lock)  # notified when a request is logged
        self.ws = WsHub(ws_answer)  # the WebSocket side; it has its own lock (see WsHub)
        self.reset()

    def reset(self):
        self.users = Collection("User", "USER_NOT_FOUND", [SEEDED_USER], 2)
        self.passwords = {1: PASSWORD}
        self.accounts = Collection("Account", "ACCOUNT_NOT_FOUND", SEEDED_ACCOUNTS, 3)
        self.market = None  # the simulated market (--market), see market.py
        if self.options.market:
            # Two more visible traders, and every account says which exchange it trades on.
            self.accounts.items += [dict(a) for a in MARKET_ACCOUNTS]
            self.accounts.next_id = 5
            for account in self.accounts.items:
                if account["id"] in MARKET_HYPERLIQUID:
                    account["hyperliquid_enabled"] = True
                account["exchange"] = MARKET_EXCHANGES[account["id"]]
            self.market = Market(self.options.seed, self.options.simulated_time)
        self.deleted_accounts = set()  # soft-deleted: still listed with include_hidden, else 404
        # Tokens issued by login are forgotten too: a reset is a fresh server. Token -> user id.
        self.tokens = {token: 1 for token in [SEEDED_TOKEN, *self.options.token]}
        self.exchange_config = {"selected_exchange": "hyperliquid"}
        if self.options.demo:
            self.orders = Collection("Order", "ORDER_NOT_FOUND", DEMO_ORDERS, DEMO_NEXT_ORDER_ID)
        else:
            self.orders = Collection("Order", "ORDER_NOT_FOUND", [], FIRST_ORDER_ID)
        self.backfills = Collection("Backfill task", "TASK_NOT_FOUND", SEEDED_BACKFILLS, 123)
        self.programs = Collection("Program", "PROGRAM_NOT_FOUND", SEEDED_PROGRAMS, 2)
        self.program_backtests = Collection("Backtest", "BACKTEST_NOT_FOUND", [], 1)
        self.prompts = Collection("Prompt", "PROMPT_NOT_FOUND", SEEDED_PROMPTS, 2)
        self.prompt_backtests = Collection("Backtest task", "TASK_NOT_FOUND", [], 1)
        self.signals = Collection("Signal definition", "SIGNAL_NOT_FOUND", SEEDED_SIGNALS, 2)
        self.pools = Collection("Signal pool", "POOL_NOT_FOUND", SEEDED_POOLS, 2)
        self.factors = Collection("Factor", "FACTOR_NOT_FOUND", SEEDED_FACTORS, 2)
        # Conversation ids start above 2**53, where a double can no longer hold them exactly.
        self.conversations = Collection("Conversation", "CONVERSATION_NOT_FOUND", [],
                                        2 ** 53 + 1)
        self.ai_tasks = {}  # task id -> {"chunks", "polls", "failed"}
        self.seeded = collections.Counter()  # generated items per seed kind, for their names
        self.log = []
        self.scripts = collections.defaultdict(collections.deque)  # (method, path) -> responses
        self.error_count = 0
        self.ws.reset()  # its log and switches; open WebSocket connections are dropped

    def next_request_id(self):
        self.error_count += 1
        return "req_%06d" % self.error_count

#!/usr/bin/env python3
"""Turns the measurements of bench/run.sh into BENCHMARKS.md (Python standard library only).

    report.py --results DIR --out FILE

DIR holds what run.sh wrote:
  meta.env           KEY=VALUE lines: machine, load, tool versions, sizes, runs, values to hide
  commands.tsv       SECTION<TAB>ROLE<TAB>LABEL<TAB>COMMAND for every benchmarked command (LABEL is
                     the hyperfine name; ROLE such as "call.curl" is what this script looks results
                     up by)
  SECTION.R.json     hyperfine --export-json of round R (1, 2, ...) of each section (startup, call,
                     httpie, pages, large, stream, stream_pipe)
  rss.tsv            ROLE<TAB>KBYTES<TAB>STAGES: peak resident set size (GNU time), the largest of
                     the runs; for a pipeline the sum of its stages' peaks, each listed in STAGES
  watch_memory.tsv   COUNT<TAB>KBYTES<TAB>LINES: peak memory of `watch` over COUNT messages and the
                     fewest lines it printed
  server_delivery.txt  the WebSocket server's delivery times, seconds, one a line
Writes the Markdown to FILE (through a temporary file and a rename) and prints it on stdout, and
writes DIR/missed.txt: one line per measured target that is missed (empty when none is).
Medians and ratios are computed here from the individual run times, not taken from hyperfine: a
ratio is computed within each round (the two medians of that round) and the verdict uses the
median of the rounds' ratios; their range is the spread reported.
"""

import argparse
import json
import os
import shlex
import statistics
import sys

MB = 1000 * 1000
IDLE_LOAD = 0.5  # 1-minute load average at the start above which the machine was not idle


def read_meta(path):
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                meta[key] = value
    return meta


class Results:
    def __init__(self, folder, meta):
        self.meta = meta
        self.commands = {}  # role -> (section, label, command)
        with open(os.path.join(folder, "commands.tsv"), encoding="utf-8") as f:
            for line in f:
                section, role, label, command = line.rstrip("\n").split("\t", 3)
                self.commands[role] = (section, label, command)
        self.rounds = {}  # role -> [run times of round 1, of round 2, ...]
        for role, (section, label, _) in self.commands.items():
            number = 1
            while True:
                path = os.path.join(folder, "%s.%d.json" % (section, number))
                if not os.path.exists(path):
                    break
                with open(path, encoding="utf-8") as f:
                    for result in json.load(f)["results"]:
                        if result["command"] == label:
                            self.rounds.setdefault(role, []).append(result["times"])
                number += 1
        self.delivery, self.delivery_runs = None, 0  # the server's delivery time (§5)
        path = os.path.join(folder, "server_delivery.txt")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                times = [float(line) for line in f if line.strip()]
            if times:
                self.delivery, self.delivery_runs = statistics.median(times), len(times)
        self.rss = {}  # role -> (kbytes, [kbytes of each stage])
        path = os.path.join(folder, "rss.tsv")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    role, kbytes, stages = line.rstrip("\n").split("\t")
                    self.rss[role] = (int(kbytes), [int(k) for k in stages.split()])
        self.watch_memory = []  # (messages, kbytes, fewest lines printed)
        path = os.path.join(folder, "watch_memory.tsv")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    self.watch_memory.append(tuple(int(x) for x in line.split("\t")))

    def measured(self, role):
        return role in self.rounds

    def medians(self, role):
        """The median of each round, or None."""
        rounds = self.rounds.get(role)
        return [statistics.median(times) for times in rounds] if rounds else None

    def median(self, role):
        """The median of the rounds' medians."""
        medians = self.medians(role)
        return statistics.median(medians) if medians else None

    def ratios(self, role, base):
        """role's median ÷ base's median, in each round."""
        a, b = self.medians(role), self.medians(base)
        if not a or not b:
            return None
        return [x / y for x, y in zip(a, b)]

    def all_times(self, role):
        return [t for times in self.rounds[role] for t in times]

    def label(self, role):
        return self.commands[role][1]

    def kbytes(self, role):
        return self.rss[role][0] if role in self.rss else None

    def pipeline(self, role):
        return role in self.rss and len(self.rss[role][1]) > 1

    def shown_command(self, role):
        """The command line with the session's port, token and paths replaced by names; a
        pipeline as the line its `sh -c` runs."""
        text = self.commands[role][2]
        if self.pipeline(role):
            text = shlex.split(text)[2]
        meta = self.meta
        replacements = [
            (meta["binary"], "hyperoru"),
            (meta["bench_dir"], "bench"),
            (meta["work"] + "/simdjson-print", "simdjson-print"),
            (meta["work"], "$WORK"),
            (meta["token"], "$TOKEN"),
            ("http://127.0.0.1:" + meta["port"], "$URL"),
            ("ws://127.0.0.1:" + meta["ws_port"], "ws://127.0.0.1:$WS_PORT"),
            ("--port " + meta["ws_port"], "--port $WS_PORT"),
            (meta["python"], "python3"),
        ]
        for old, new in replacements:
            if old:
                text = text.replace(old, new)
        return text


def duration(seconds):
    if seconds is None:
        return "—"
    ms = seconds * 1000
    if ms < 10:
        return "%.2f ms" % ms
    if ms < 10000:
        return "%.1f ms" % ms
    return "%.2f s" % seconds


def mem_text(kbytes):
    return "—" if kbytes is None else "%.1f MB" % (kbytes * 1024 / MB)


def spread(values, form="%.2f"):
    """The range of the rounds' values: "1.19–1.24", or the one value of a single round."""
    if len(values) == 1:
        return form % values[0]
    return (form + "–" + form) % (min(values), max(values))


def ratio_with_spread(values):
    return "%.2f× (%s)" % (statistics.median(values), spread(values)) if len(values) > 1 \
        else "%.2f×" % values[0]


def rate(messages, seconds):
    return format(int(messages / seconds), ",")


def cell(text):
    """Text for a Markdown table cell: a | would end the cell, even inside backquotes."""
    return text.replace("|", "\\|")


def runs_text(count):
    return "%s run%s" % (count, "" if str(count) == "1" else "s")


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def rss_cell(res, role):
    if role not in res.rss:
        return "—"
    kbytes, stages = res.rss[role]
    if len(stages) > 1:
        return "%s (%s)" % (mem_text(kbytes), " + ".join("%.1f" % (k * 1024 / MB) for k in stages))
    return mem_text(kbytes)


def timing_table(res, roles, baseline, baseline_name, body_bytes=None):
    lines = ["| Command | Median | Medians of the rounds | Min … Max | Runs | Peak RSS |%s × %s |"
             % (" × body |" if body_bytes else "", baseline_name),
             "|---|---:|---:|---:|---:|---:|%s---:|" % ("---:|" if body_bytes else "")]
    for role in roles:
        if not res.measured(role):
            continue
        times = res.all_times(role)
        medians = res.medians(role)
        ratios = res.ratios(role, baseline)
        body = ""
        if body_bytes:
            kbytes = res.kbytes(role)
            body = " %s |" % ("—" if kbytes is None else "%.2f×" % (kbytes * 1024 / body_bytes))
        lines.append("| %s | %s | %s | %s … %s | %d | %s |%s %s |" % (
            cell(res.label(role)), duration(res.median(role)),
            duration(medians[0]) if len(medians) == 1
            else "%s – %s" % (duration(min(medians)), duration(max(medians))),
            duration(min(times)), duration(max(times)), len(times), rss_cell(res, role), body,
            ratio_with_spread(ratios) if ratios else "—"))
    return lines


def command_block(res, roles):
    lines = ["```sh"]
    for role in roles:
        if role in res.commands and res.measured(role):
            line = "$ " + res.shown_command(role)
            if line not in lines:
                lines.append(line)
    return lines + ["```"]


class Targets:
    def __init__(self, res):
        self.res = res
        self.rows = []  # (section, target text, measured text, ok or None)

    def add(self, section, text, measured, ok):
        self.rows.append((section, text, measured, ok))

    def ratio(self, section, text, role, base, limit, base_name):
        """role's median ≤ limit × base's median, the ratio taken in each round."""
        ratios = self.res.ratios(role, base)
        if not ratios:
            self.add(section, text, "not measured", None)
            return
        middle = statistics.median(ratios)
        self.add(section, text, "%.3f× %s (rounds: %s; %s vs %s)" % (
            middle, base_name, spread(ratios, "%.3f"), duration(self.res.median(role)),
            duration(self.res.median(base))), middle <= limit)

    def missed(self):
        return ["§%s %s: %s" % (s, t, v) for s, t, v, ok in self.rows if ok is False]


def evaluate(res):
    m = res.meta
    pages, messages = int(m["pages"]), int(m["messages"])
    large_bytes = int(m["large_bytes"])
    mem_runs = m["mem_runs"]
    targets = Targets(res)

    targets.ratio("1", "startup ≤ 1.0× `curl --version`", "startup.hyperoru", "startup.curl", 1.0,
                  "curl")
    targets.ratio("2", "one call ≤ 1.05× curl", "call.hyperoru", "call.curl", 1.05, "curl")
    targets.ratio("3", "`--all`, %d pages ≤ 1.5× curl's single invocation" % pages,
                  "pages.hyperoru", "pages.curl", 1.5, "curl")
    for role, name in (("large.json", "JSON"), ("large.ndjson", "NDJSON")):
        targets.ratio("4", "%s output ≤ 1.3× `curl | simdjson-print`" % name, role,
                      "large.simdjson", 1.3, "the reference")
    targets.ratio("4", "table output ≤ 1.5× JSON output", "large.table", "large.json", 1.5, "JSON")
    for role, name in (("large.json", "JSON"), ("large.ndjson", "NDJSON")):
        kbytes = res.kbytes(role)
        text = "peak memory ≤ 1.5× the body size (%s)" % name
        if kbytes is None:
            targets.add("4", text, "not measured", None)
            continue
        times = kbytes * 1024 / large_bytes
        targets.add("4", text, "%.2f× (%s for a %.1f MB body; largest of %s)" % (
            times, mem_text(kbytes), large_bytes / MB, runs_text(mem_runs)), times <= 1.5)
    raw, curl = res.kbytes("large.raw"), res.kbytes("large.curl")
    text = "`-o raw` peak memory within 2 MB of curl's"
    if raw is None or curl is None:
        targets.add("4", text, "not measured", None)
    else:
        excess = (raw - curl) * 1024
        targets.add("4", text, "%+.2f MB (%s vs %s)" % (excess / MB, mem_text(raw), mem_text(curl)),
                    excess <= 2 * MB)

    rates = [messages / t for t in res.medians("stream.hyperoru") or []]
    text = "`watch` ≥ 500 000 messages/s to /dev/null"
    if rates:
        middle = statistics.median(rates)
        targets.add("5", text, "%s messages/s (rounds: %s; %s messages, start included)" % (
            format(int(middle), ","), spread([r / 1000 for r in rates], "%.0fk"),
            format(messages, ",")), middle >= 500000)
    else:
        targets.add("5", text, "not measured", None)
    if res.measured("stream_pipe.wscat"):
        other, name = "stream_pipe.wscat", "wscat"
    elif res.measured("stream_pipe.websocat"):
        other, name = "stream_pipe.websocat", "websocat (wscat %s)" % m["wscat_version"]
    else:
        other, name = None, "wscat"
    text = "`watch` ≥ 2× %s's rate, to a pipe" % name
    speedups = res.ratios(other, "stream_pipe.hyperoru") if other else None
    if speedups:
        middle = statistics.median(speedups)
        targets.add("5", text, "%.2f× (rounds: %s; %s vs %s messages/s)" % (
            middle, spread(speedups), rate(messages, res.median("stream_pipe.hyperoru")),
            rate(messages, res.median(other))), middle >= 2.0)
    else:
        targets.add("5", text, "not measured: wscat %s" % m["wscat_version"], None)
    memory = {count: (kbytes, lines) for count, kbytes, lines in res.watch_memory}
    small, large = int(m["watch_small"]), int(m["watch_large"])
    text = "`watch` memory flat: peak over %s messages ≤ over %s + 1 MB" % (
        format(large, ","), format(small, ","))
    if small in memory and large in memory:
        growth = (memory[large][0] - memory[small][0]) * 1024
        targets.add("5", text, "%+.2f MB (%s vs %s; largest of %s)" % (
            growth / MB, mem_text(memory[large][0]), mem_text(memory[small][0]),
            runs_text(mem_runs)),
            growth <= MB)
        targets.add("5", "`watch` loses no message (lines printed = messages sent)",
                    "%s of %s and %s of %s lines" % (
                        format(memory[small][1], ","), format(small, ","),
                        format(memory[large][1], ","), format(large, ",")),
                    memory[small][1] == small and memory[large][1] == large)
    else:
        targets.add("5", text, "not measured", None)
        targets.add("5", "`watch` loses no message (lines printed = messages sent)", "not measured",
                    None)

    stripped = int(m["stripped_bytes"])
    targets.add("6", "stripped binary ≤ 3.0 MB (3 000 000 bytes)",
                "%s bytes (%.2f MB)" % (format(stripped, ","), stripped / MB), stripped <= 3 * MB)
    return targets


def build(res, targets):
    m = res.meta
    quick = m["mode"] == "quick"
    pages, per_page = int(m["pages"]), int(m["per_page"])
    large_bytes, messages = int(m["large_bytes"]), int(m["messages"])
    rounds = int(m["rounds"])
    load_start = float(m["load_start"])

    out = ["# Benchmarks", "",
           "Generated by `bench/run.sh%s` on %s. Do not edit by hand: run `bench/run.sh` again "
           "(it builds the release preset, starts nginx and a WebSocket server on loopback, "
           "measures with hyperfine and rewrites this file). Ratios of medians from the same run "
           "are what matter; absolute times depend on the machine." % (
               " --quick" if quick else "", m["date"]), ""]
    if load_start > IDLE_LOAD:
        out += ["> **Not an idle machine.** The 1-minute load average was %s when the run started "
                "(above %.1f): other work competed for the CPU, so these numbers are not for "
                "committing." % (m["load_start"], IDLE_LOAD), ""]
    else:
        out += ["Produced on an otherwise idle machine: the 1-minute load average was %s when the "
                "run started (at most %.1f)." % (m["load_start"], IDLE_LOAD), ""]
    if quick:
        out += ["> **Quick mode** (a smoke run: %d rounds of %s runs, %d pages, a %.1f MB "
                "response, %d messages). The numbers are not stable and the memory ratios are dominated "
                "by fixed costs; only a full run says whether a target is met." % (
                    rounds, m["runs_fast"], pages, large_bytes / MB, messages), ""]
    out += ["## Machine", "",
            "| | |", "|---|---|",
            "| Date (UTC) | %s |" % m["date"],
            "| CPU | %s, %s cores |" % (m["cpu"], m["cores"]),
            "| Kernel | %s |" % m["kernel"],
            "| Load (1-minute average) | %s at the start, %s at the end |" % (
                m["load_start"], m["load_end"]),
            "| OS | %s |" % m["os"],
            "| hyperoru | %s, commit %s, %s |" % (m["hyperoru_version"], m["commit"], m["build"]),
            "| Reference | simdjson %s (Debian's libsimdjson-dev), g++ %s |" % (
                m["simdjson_version"], m["gxx_version"]),
            "| Tools | curl %s, hyperfine %s, nginx %s, jq %s, Python %s, HTTPie %s, websocat %s, "
            "wscat %s |" % (m["curl_version"], m["hyperfine_version"], m["nginx_version"],
                            m["jq_version"], m["python_version"], m["httpie_version"],
                            m["websocat_version"], m["wscat_version"]),
            "", "## Targets", "",
            "| § | Target | Measured | Result |",
            "|---|---|---|---|"]
    out += ["| %s | %s | %s | %s |" % (s, cell(t), cell(v), verdict(ok))
            for s, t, v, ok in targets.rows]
    met = sum(1 for t in targets.rows if t[3] is True)
    missed = sum(1 for t in targets.rows if t[3] is False)
    out += ["", "%d met, %d missed, %d not measured. A ratio is the median of the %d rounds' "
            "ratios (their range in brackets), each of medians from the same round; see Method. "
            "`bench/run.sh --check` exits 1 when a measured target is missed." % (
                met, missed, len(targets.rows) - met - missed, rounds), ""]

    same = ("prints the same bytes as `hyperoru account list -o json`"
            if m["simdjson_same"] == "yes" else
            "prints the same items as `hyperoru account list -o json`, but not the same bytes")
    out += ["## Method", "",
            "- Server: nginx %s on 127.0.0.1 (one worker, `access_log off`) serving files generated "
            "by `bench/gen_data.py`, so the server's own cost is near zero. nginx checks no token; "
            "every request still carries one, as it would against the real API." % m["nginx_version"],
            "- hyperoru takes its base URL and session token from a config file "
            "(`HYPERORU_CONFIG_DIR=$WORK/config`), exactly as after `hyperoru login`. `$URL` is "
            "the nginx base URL and `$TOKEN` that token. §5 uses the file's other contexts, "
            "whose base URL is the WebSocket server's (hyperoru derives the stream URL from the "
            "base URL and sends a stored token only to its own context's server).",
            "- Before timing, every command is run once and its output checked (items, lines, "
            "messages, the raw bytes), so a command that fails fast can never pass for a fast one.",
            "- hyperfine %s with `-N` (no intermediate shell; the curl loop and the pipelines run "
            "in an explicit `sh -c`), warm-up runs first, then the runs counted below. §1–§4 and "
            "the second table of §5: every command's standard output goes to a pipe "
            "(`--output=pipe`, the same for every command), so hyperoru prints as it does in a "
            "script. The first table of §5: standard output is /dev/null." % m["hyperfine_version"],
            "- Rounds: each section's hyperfine set is run %d times in a row, each time with its "
            "warm-up. A ratio is computed within each round, from that round's two medians; the "
            "report gives the median of the rounds' ratios and their range (min–max), and the "
            "verdict uses that median. A row's median is the median of its rounds' medians."
            % rounds,
            "- Peak memory (Peak RSS): GNU time's \"Maximum resident set size\" of every command "
            "in every table, the largest of %s, outside hyperfine and with the same output. A "
            "pipeline's processes run at the same time, so its peak is the sum of theirs (each "
            "shown in brackets); the curl loop's is its largest process's. MB = 1 000 000 bytes. "
            "Pipelines are timed as `sh -c 'A | B'` and shown as `A | B`."
            % runs_text(m["mem_runs"]),
            "- The reference pipeline, `curl -s $URL/api/account/list | simdjson-print`: "
            "`bench/simdjson_print.cpp`, compiled by run.sh (`g++ -O2 -std=c++17 "
            "bench/simdjson_print.cpp -lsimdjson`, g++ %s) against Debian's libsimdjson-dev "
            "(simdjson %s, picked at run time for this CPU). It reads all of standard input, "
            "validates it with simdjson's On Demand API (every number and string decoded, every "
            "key unescaped, nothing after the root value) and prints it indented with two spaces, "
            "each number, string and key as its original text (`raw_json_token`): the work of an "
            "exact printer, with one of the fastest parsers. Checked before timing: it %s."
            % (m["gxx_version"], m["simdjson_version"], same),
            "- Load: the 1-minute load average is read when the run starts (before it builds or "
            "starts anything) and when it ends; the run itself keeps about one core busy, which "
            "the second value includes. Above %.1f at the start, the machine was not idle and the "
            "report says so." % IDLE_LOAD,
            ""]

    out += ["## 1. Startup", ""]
    roles = ["startup.hyperoru", "startup.curl"]
    out += timing_table(res, roles, "startup.curl", "curl")
    out += [""] + command_block(res, roles) + [""]

    out += ["## 2. One call", "",
            "`GET /api/crypto/price?symbol=BTC` (%s bytes, the stand-in's price body; the contract "
            "documents none)." % m["price_bytes"], ""]
    roles = ["call.hyperoru", "call.curl", "call.httpie"]
    out += timing_table(res, roles, "call.curl", "curl")
    if res.measured("call.httpie"):
        out += ["", "HTTPie %s was timed in its own hyperfine set (%s runs a round), since each of "
                "its runs takes a few hundred milliseconds." % (m["httpie_version"],
                                                                m["runs_httpie"])]
    else:
        out += ["", "HTTPie: %s, not compared (`apt-get install httpie`)." % m["httpie_version"]]
    out += [""] + command_block(res, roles) + [""]

    out += ["## 3. %d pages in one process" % pages, "",
            "`GET /api/account/list?page=N&per_page=%d` for N = 1…%d: pages 1…%d hold %d accounts "
            "and page %d holds %d, so `--all` stops after exactly those %d requests (it stops at a "
            "short page) and curl fetches the same %d URLs (its `[1-%d]` URL glob); %d accounts, "
            "%s bytes in all." % (per_page, pages, pages - 1, per_page, pages, per_page - 1, pages,
                                  pages, pages, pages * per_page - 1,
                                  format(int(m["pages_bytes"]), ",")), ""]
    roles = ["pages.hyperoru", "pages.curl", "pages.loop", "pages.ndjson", "pages.raw"]
    out += timing_table(res, roles, "pages.curl", "curl")
    out += ["", "All three print each page as it comes. The two reference rows make the same requests "
            "but print each item on a line of its own (`-o ndjson`) or each page's bytes as received "
            "(`-o raw`, as curl does), which separates the cost of the requests from that of reading "
            "and printing the items."]
    out += [""] + command_block(res, roles) + [""]

    out += ["## 4. A large response", "",
            "`GET /api/account/list` → one array of %s accounts, %s bytes (%.1f MB). The "
            "reference is curl piped into simdjson-print (validate and print, see Method); "
            "`curl | jq .` does the same work with jq. `cat` of the same file and curl's fetch "
            "alone are the floors: moving the bytes, with no JSON work. × body: peak memory ÷ "
            "the body's size." % (format(int(m["large_accounts"]), ","), format(large_bytes, ","),
                                  large_bytes / MB), ""]
    roles = ["large.json", "large.ndjson", "large.table", "large.raw", "large.simdjson", "large.jq",
             "large.curl", "large.cat"]
    out += timing_table(res, roles, "large.simdjson", "reference", body_bytes=large_bytes)
    out += [""] + command_block(res, roles) + [""]

    out += ["## 5. Streaming", "",
            "%s WebSocket text frames (the stand-in's trade pushes, %s bytes in all) from "
            "`bench/ws_server.py` on 127.0.0.1, which sends them from one prebuilt buffer right "
            "after the handshake and then a close frame. Messages per second = messages ÷ median "
            "wall time (process start and connection included). `hyperoru watch` runs with "
            "`--exit-on-disconnect`: a message lost would end it with an error, which stops "
            "hyperfine, instead of a reconnection that hides it." % (
                format(messages, ","), format(int(m["ws_bytes"]), ",")), ""]
    lines = ["| Client | Median | Medians of the rounds | Messages/s | Peak RSS | Runs |%s",
             "|---|---:|---:|---:|---:|---:|%s"]

    def stream_table(roles, base):
        rows = [lines[0] % (" × hyperoru's time |" if base else ""),
                lines[1] % ("---:|" if base else "")]
        for role in roles:
            if not res.measured(role):
                continue
            medians = res.medians(role)
            extra = ""
            if base:
                extra = " %s |" % ratio_with_spread(res.ratios(role, base))
            rows.append("| %s | %s | %s | %s | %s | %d |%s" % (
                cell(res.label(role)), duration(res.median(role)),
                duration(medians[0]) if len(medians) == 1
                else "%s – %s" % (duration(min(medians)), duration(max(medians))),
                rate(messages, res.median(role)), rss_cell(res, role),
                len(res.all_times(role)), extra))
        return rows

    out += ["To /dev/null:", ""]
    null_roles = ["stream.hyperoru", "stream.reader"]
    out += stream_table(null_roles, None) + [""]
    server, hyper = res.delivery, res.median("stream.hyperoru")
    if server and hyper:
        out += ["Which side limits: the raw socket reader (`bench/ws_reader.py`) reads the same "
                "bytes without parsing a frame; timed inside it (connect to last byte, no "
                "interpreter start), the server delivers the %s messages in %s (median of %d), "
                "%s messages/s: %.1f× less time than hyperoru's %s (its own start and connection "
                "included), so %s." % (
                    format(messages, ","), duration(server), res.delivery_runs,
                    format(int(messages / server), ","), hyper / server, duration(hyper),
                    "hyperoru, not the Python server, is what this measures" if hyper > 2 * server
                    else "the server may be part of what this measures"), ""]
    pipe_roles = ["stream_pipe.hyperoru", "stream_pipe.wscat", "stream_pipe.websocat"]
    others = [r for r in pipe_roles[1:] if res.measured(r)]
    out += ["To a pipe, against the other clients (each given the same %s messages):" %
            format(messages, ",") if others else
            "To a pipe (no other client installed to compare with):", ""]
    out += stream_table(pipe_roles, "stream_pipe.hyperoru") + [""]
    if res.measured("stream_pipe.wscat"):
        out += ["wscat has no message count and exits at the server's close frame without writing "
                "out what it still holds for a pipe (about half the messages never reach the "
                "reader). Its server URL therefore carries `after=heartbeat`: no close frame after "
                "the %s messages, but a heartbeat message every 10 ms, and `head -n %d` ends the "
                "run: wscat dies at its first write once head has read its lines. That adds at "
                "most 10 ms to its time." % (format(messages, ","), messages), ""]
    absent = ["%s (%s)" % (name, m[key]) for name, key in (("websocat", "websocat_version"),
                                                           ("wscat", "wscat_version"))
              if m[key] == "not installed" or "left out" in m[key]]
    if absent:
        out += ["Not compared: %s." % ", ".join(absent), ""]
    out += command_block(res, null_roles + pipe_roles) + [""]
    if res.watch_memory:
        out += ["Memory over a long stream: `hyperoru --context CONTEXT watch --exit-on-disconnect "
                "--count N | wc -l`, where the context's base URL ends in /N, for which the server "
                "sends N messages; the largest peak of %s, and the fewest lines counted."
                % runs_text(m["mem_runs"]), "",
                "| Messages | Peak RSS | Lines printed |", "|---:|---:|---:|"]
        for count, kbytes, printed in res.watch_memory:
            out.append("| %s | %s | %s |" % (format(count, ","), mem_text(kbytes),
                                             format(printed, ",")))
        out += [""]

    stripped = int(m["stripped_bytes"])
    out += ["## 6. Binary size", "",
            "| | Bytes |", "|---|---:|",
            "| `%s` as built | %s |" % (m["binary_shown"], format(int(m["binary_bytes"]), ",")),
            "| stripped copy (`strip`) | %s |" % format(stripped, ","), ""]
    # What was changed and what it bought: measured by hand (callgrind), kept in bench/CHANGES.md.
    changes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "CHANGES.md")
    if os.path.exists(changes):
        with open(changes, encoding="utf-8") as f:
            out += [f.read().rstrip(), ""]
    # `top` under load: measured by its ctest (a terminal and a market, not this script).
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "TOP.md")
    if os.path.exists(top):
        with open(top, encoding="utf-8") as f:
            out += [f.read().rstrip(), ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    meta = read_meta(os.path.join(args.results, "meta.env"))
    res = Results(args.results, meta)
    targets = evaluate(res)
    text = build(res, targets)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, args.out)
    with open(os.path.join(args.results, "missed.txt"), "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in targets.missed())
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Turns the measurements of bench/run.sh into BENCHMARKS.md (Python standard library only).

    report.py --results DIR --out FILE

DIR holds what run.sh wrote:
  meta.env        KEY=VALUE lines: machine, tool versions, sizes, runs, the values to hide
  commands.tsv    ROLE<TAB>LABEL<TAB>COMMAND for every benchmarked command (LABEL is the hyperfine
                  name; ROLE such as "call.curl" is what this script looks results up by)
  SECTION.json    hyperfine --export-json of each section (startup, call, httpie, pages, large,
                  stream)
  mem.tsv         ROLE<TAB>KBYTES: peak resident set size (GNU time -v), the largest of the runs
Writes the Markdown to FILE (through a temporary file and a rename) and prints it on stdout.
Medians and ratios are computed here from the individual run times, not taken from hyperfine.
"""

import argparse
import json
import os
import statistics
import sys

SECTIONS = ("startup", "call", "httpie", "pages", "large", "stream")
MB = 1000 * 1000


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
        self.commands = {}  # role -> (label, command)
        self.order = []
        with open(os.path.join(folder, "commands.tsv"), encoding="utf-8") as f:
            for line in f:
                role, label, command = line.rstrip("\n").split("\t", 2)
                self.commands[role] = (label, command)
                self.order.append(role)
        self.runs = {}  # label -> hyperfine result
        for section in SECTIONS:
            path = os.path.join(folder, section + ".json")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    for result in json.load(f)["results"]:
                        self.runs[result["command"]] = result
        self.delivery, self.delivery_runs = None, 0  # the server's delivery time (§5)
        path = os.path.join(folder, "server_delivery.txt")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                times = [float(line) for line in f if line.strip()]
            if times:
                self.delivery, self.delivery_runs = statistics.median(times), len(times)
        self.mem = {}  # role -> kbytes
        path = os.path.join(folder, "mem.tsv")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    role, kbytes = line.split("\t")
                    self.mem[role] = int(kbytes)

    def result(self, role):
        if role not in self.commands:
            return None
        return self.runs.get(self.commands[role][0])

    def median(self, role):
        result = self.result(role)
        return statistics.median(result["times"]) if result else None

    def label(self, role):
        return self.commands[role][0]

    def shown_command(self, role):
        """The command line with the session's port, token and paths replaced by names."""
        text = self.commands[role][1]
        meta = self.meta
        replacements = [
            (meta["binary"], "hyperoru"),
            (meta["bench_dir"], "bench"),
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


def ratio(value):
    return "—" if value is None else "%.2f×" % value


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def timing_table(res, roles, baseline=None, baseline_name=""):
    lines = ["| Command | Median | Mean ± σ | Min … Max | Runs | × %s |" % baseline_name,
             "|---|---:|---:|---:|---:|---:|"]
    base = res.median(baseline) if baseline else None
    for role in roles:
        result = res.result(role)
        if result is None:
            continue
        median = res.median(role)
        lines.append("| %s | %s | %s ± %s | %s … %s | %d | %s |" % (
            res.label(role), duration(median), duration(result["mean"]),
            duration(result["stddev"] or 0.0), duration(min(result["times"])),
            duration(max(result["times"])), len(result["times"]),
            ratio(median / base) if base else "—"))
    return lines


def command_block(res, roles):
    lines = ["```sh"]
    lines += ["$ " + res.shown_command(r) for r in roles if r in res.commands]
    return lines + ["```"]


def mem_text(kbytes):
    return "—" if kbytes is None else "%.1f MB" % (kbytes * 1024 / MB)


def build(res):
    m = res.meta
    quick = m["mode"] == "quick"
    pages, per_page = int(m["pages"]), int(m["per_page"])
    large_bytes, messages = int(m["large_bytes"]), int(m["messages"])
    targets = []  # (section, target text, measured text, ok or None)

    def ratio_target(section, text, role, base, limit, base_name):
        a, b = res.median(role), res.median(base)
        if a is None or b is None:
            targets.append((section, text, "not measured", None))
            return
        targets.append((section, text, "%.3f× %s (%s vs %s)" % (a / b, base_name, duration(a),
                                                                 duration(b)), a / b <= limit))

    ratio_target("1", "startup ≤ 1.0× `curl --version`", "startup.hyperoru", "startup.curl", 1.0,
                 "curl")
    ratio_target("2", "one call ≤ 1.10× curl", "call.hyperoru", "call.curl", 1.10, "curl")
    if res.median("call.httpie") is not None:
        speedup = res.median("call.httpie") / res.median("call.hyperoru")
        targets.append(("2", "one call ≥ 10× faster than HTTPie",
                        "%.1f× faster (%s vs %s)" % (speedup, duration(res.median("call.hyperoru")),
                                                     duration(res.median("call.httpie"))),
                        speedup >= 10))
    else:
        targets.append(("2", "one call ≥ 10× faster than HTTPie",
                        "not measured: HTTPie %s" % m["httpie_version"], None))
    ratio_target("3", "%d pages ≤ 1.2× curl's single invocation" % pages, "pages.hyperoru",
                 "pages.curl", 1.2, "curl")
    ratio_target("3", "%d pages faster than a loop of %d curl processes" % (pages, pages),
                 "pages.hyperoru", "pages.loop", 0.999999, "the loop")
    ratio_target("4", "JSON output at least as fast as `jq .`", "large.json", "large.jq", 1.0, "jq")
    ratio_target("4", "NDJSON output at least as fast as `jq .`", "large.ndjson", "large.jq", 1.0,
                 "jq")
    for role, name in (("large.json", "JSON"), ("large.ndjson", "NDJSON"), ("large.table", "table")):
        kbytes = res.mem.get(role)
        text = "peak memory ≤ 3× the response size (%s)" % name
        if kbytes is None:
            targets.append(("4", text, "not measured", None))
        else:
            times = kbytes * 1024 / large_bytes
            targets.append(("4", text, "%.2f× (%s for %s)" % (times, mem_text(kbytes),
                                                              "%.1f MB" % (large_bytes / MB)),
                            times <= 3.0))
    ratio_target("4", "table output within 2× of JSON output", "large.table", "large.json", 2.0,
                 "JSON")
    stripped = int(m["stripped_bytes"])
    targets.append(("6", "stripped binary ≤ 3 MB (3 000 000 bytes)",
                    "%s bytes (%.2f MB)" % (format(stripped, ","), stripped / MB),
                    stripped <= 3 * MB))

    out = ["# Benchmarks", "",
           "Generated by `bench/run.sh%s` on %s. Do not edit by hand: run `bench/run.sh` again "
           "(it builds the release preset, starts nginx and a WebSocket server on loopback, "
           "measures with hyperfine and rewrites this file). Ratios of medians from the same run "
           "are what matter; absolute times depend on the machine." % (
               " --quick" if quick else "", m["date"]), ""]
    if quick:
        out += ["> **Quick mode** (a smoke run: %s runs, %d pages, a %.1f MB response, %d messages)."
                " The numbers are not stable and the memory ratios are dominated by fixed costs;"
                " only a full run says whether a target is met." % (
                    m["runs_fast"], pages, large_bytes / MB, messages), ""]
    out += ["## Machine", "",
            "| | |", "|---|---|",
            "| Date (UTC) | %s |" % m["date"],
            "| CPU | %s, %s cores |" % (m["cpu"], m["cores"]),
            "| Kernel | %s |" % m["kernel"],
            "| Load (1-minute average) | %s |" % m["load"],
            "| OS | %s |" % m["os"],
            "| hyperoru | %s, commit %s, %s |" % (m["hyperoru_version"], m["commit"], m["build"]),
            "| Tools | curl %s, hyperfine %s, nginx %s, jq %s, Python %s, HTTPie %s, websocat %s, "
            "wscat %s |" % (m["curl_version"], m["hyperfine_version"], m["nginx_version"],
                            m["jq_version"], m["python_version"], m["httpie_version"],
                            m["websocat_version"], m["wscat_version"]),
            "", "## Targets", "",
            "| § | Target (ratio of medians, same run) | Measured | Result |",
            "|---|---|---|---|"]
    out += ["| %s | %s | %s | %s |" % (s, t, v, verdict(ok)) for s, t, v, ok in targets]
    met = sum(1 for t in targets if t[3] is True)
    missed = sum(1 for t in targets if t[3] is False)
    out += ["", "%d met, %d missed, %d not measured. Streaming (§5) has no target; it is reported "
            "below." % (met, missed, len(targets) - met - missed), ""]

    out += ["## Method", "",
            "- Server: nginx %s on 127.0.0.1 (one worker, `access_log off`) serving files generated "
            "by `bench/gen_data.py`, so the server's own cost is near zero. nginx checks no token; "
            "every request still carries one, as it would against the real API." % m["nginx_version"],
            "- hyperoru takes its base URL and session token from a config file "
            "(`HYPERORU_CONFIG_DIR=$WORK/config`), exactly as after `hyperoru login`. `$URL` is "
            "the nginx base URL and `$TOKEN` that token. §5 uses the file's second context, "
            "`stream`, whose base URL is the WebSocket server's (hyperoru derives the stream URL "
            "from the base URL and sends a stored token only to its own context's server).",
            "- Before timing, every command is run once and its output checked (items, lines, "
            "messages), so a command that fails fast can never pass for a fast one.",
            "- hyperfine %s with `-N` (no intermediate shell; the curl loop runs in an explicit "
            "`sh -c`), warm-up runs first, then the runs counted below. §1–§4: every command's "
            "standard output goes to a pipe (`--output=pipe`, the same for every command), so "
            "hyperoru prints JSON as it does in a script. §5: standard output is /dev/null."
            % m["hyperfine_version"],
            "- Peak memory: GNU time (`/usr/bin/time -v`, \"Maximum resident set size\"), the "
            "largest of %s run(s). MB = 1 000 000 bytes." % m["mem_runs"],
            ""]

    out += ["## 1. Startup", ""]
    out += timing_table(res, ["startup.hyperoru", "startup.curl"], "startup.curl", "curl")
    out += [""] + command_block(res, ["startup.hyperoru", "startup.curl"]) + [""]

    out += ["## 2. One call", "",
            "`GET /api/crypto/price?symbol=BTC` (%s bytes, the stand-in's price body; the contract "
            "documents none)." % m["price_bytes"], ""]
    out += timing_table(res, ["call.hyperoru", "call.curl", "call.httpie"], "call.curl", "curl")
    if res.result("call.httpie") is not None:
        out += ["", "HTTPie %s was timed in its own hyperfine invocation (%s runs), since each of "
                "its runs takes a few hundred milliseconds." % (m["httpie_version"],
                                                                m["runs_httpie"])]
    else:
        out += ["", "HTTPie: %s, not compared (`apt-get install httpie`)." % m["httpie_version"]]
    out += [""] + command_block(res, ["call.hyperoru", "call.curl", "call.httpie"]) + [""]

    out += ["## 3. %d pages in one process" % pages, "",
            "`GET /api/account/list?page=N&per_page=%d` for N = 1…%d: pages 1…%d hold %d accounts "
            "and page %d holds %d, so `--all` stops after exactly those %d requests (it stops at a "
            "short page) and curl fetches the same %d URLs (its `[1-%d]` URL glob); %d accounts, "
            "%s bytes in all." % (per_page, pages, pages - 1, per_page, pages, per_page - 1, pages,
                                  pages, pages, pages * per_page - 1,
                                  format(int(m["pages_bytes"]), ",")), ""]
    roles = ["pages.hyperoru", "pages.curl", "pages.loop", "pages.ndjson", "pages.raw"]
    out += timing_table(res, roles, "pages.curl", "curl")
    out += ["", "The two reference rows make the same requests but print each item as it comes "
            "(`-o ndjson`) or each page's bytes as received (`-o raw`, as curl does), which "
            "separates the cost of the requests from that of building and printing one array."]
    out += [""] + command_block(res, roles) + [""]

    out += ["## 4. A large response", "",
            "`GET /api/account/list` → one array of %s accounts, %s bytes (%.1f MB). `jq .` reads "
            "the same file from disk; curl (fetch only) is there for reference." % (
                format(int(m["large_accounts"]), ","), format(large_bytes, ","), large_bytes / MB),
            ""]
    roles = ["large.json", "large.ndjson", "large.table", "large.jq", "large.curl"]
    out += timing_table(res, roles, "large.jq", "jq")
    out += ["", "| Command | Peak memory | × response size |", "|---|---:|---:|"]
    for role in roles:
        if role in res.mem:
            out.append("| %s | %s | %.2f× |" % (res.label(role), mem_text(res.mem[role]),
                                               res.mem[role] * 1024 / large_bytes))
    out += [""] + command_block(res, roles) + [""]

    out += ["## 5. Streaming", "",
            "%s WebSocket text frames (the stand-in's trade pushes, %s bytes in all) from "
            "`bench/ws_server.py` on 127.0.0.1, which sends them from one prebuilt buffer right "
            "after the handshake and then a close frame; each client prints every message to "
            "/dev/null. Messages per second = messages ÷ median wall time (process start and "
            "connection included)." % (format(messages, ","), format(int(m["ws_bytes"]), ",")), ""]
    lines = ["| Client | Median | Messages/s | Peak memory | Runs |", "|---|---:|---:|---:|---:|"]
    stream_roles = ["stream.hyperoru", "stream.reader", "stream.websocat", "stream.wscat"]
    for role in stream_roles:
        result = res.result(role)
        if result is None:
            continue
        median = res.median(role)
        rate = format(int(messages / median), ",")
        lines.append("| %s | %s | %s | %s | %d |" % (
            res.label(role), duration(median), rate, mem_text(res.mem.get(role)),
            len(result["times"])))
    out += lines + [""]
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
    absent = ["%s (%s)" % (name, m[key]) for name, key in (("websocat", "websocat_version"),
                                                           ("wscat", "wscat_version"))
              if m[key] == "not installed" or "left out" in m[key]]
    if absent:
        out += ["Not compared: %s." % ", ".join(absent), ""]
    out += command_block(res, stream_roles) + [""]

    out += ["## 6. Binary size", "",
            "| | Bytes |", "|---|---:|",
            "| `%s` as built | %s |" % (m["binary_shown"], format(int(m["binary_bytes"]), ",")),
            "| stripped copy (`strip`) | %s |" % format(stripped, ","), ""]
    # What was changed and what it bought: measured by hand (callgrind), kept in bench/CHANGES.md.
    changes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "CHANGES.md")
    if os.path.exists(changes):
        with open(changes, encoding="utf-8") as f:
            out += [f.read().rstrip(), ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    meta = read_meta(os.path.join(args.results, "meta.env"))
    text = build(Results(args.results, meta))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, args.out)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Usage statistics (#17): the ingest rate and the access log's cost on a page view.

    .venv/bin/python benchmarks/stats.py [--lines 1000000] [--url http://127.0.0.1:8080/ent/colleges/0310001h --requests 300]

1. Ingest: writes `--lines` realistic access-log lines (every site of 103, sections,
   profiles, people over a month) into a temporary folder, then times `ent-stats ingest`'s
   function on them (first run: all new; second run: nothing new, the idempotent pass).
   Target: one million lines in under a minute.
2. With `--url` (a running instance, e.g. `make run`): the same page requested alternately
   with a browser's User-Agent (one access-log line each) and a probe's (`check_http`:
   no line), one request at a time, in the same run: the difference of the medians is the
   log's cost on a page view. Nothing else differs between the two kinds of request.

Everything happens in a temporary folder, removed at the end; nothing in var/ is touched
except the lines the instance writes for the requests of part 2.
"""

from ent.policy.stats import sketch
from ent.policy.stats.ingest import ingest

import argparse
import json
import random
import statistics
import tempfile
import time
import urllib.request


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PROBE = "check_http/v2.3.3 (monitoring-plugins 2.3.3)"


def write_log(path, lines, seed=17):
    random.seed(seed)
    sites = ["county"] + [f"{310000 + i:07d}a" for i in range(102)]
    sections = ["", "actualites", "agenda", "documents", "espaces", "aides", "colleges"]
    profiles = ["public", "public", "parent", "student", "teacher", "staff", "principal"]
    salt = b"benchmark-salt-of-the-month-0000"
    with open(path, "w") as stream:
        for n in range(lines):
            profile = random.choice(profiles)
            line = {
                "t": f"2026-11-{1 + n * 30 // lines:02d}T10:00:00+01:00",
                "i": "bench",
                "site": random.choice(sites),
                "section": random.choice(sections),
                "profile": profile,
                "visit": int(random.random() < 0.3),
            }
            if profile != "public":
                line["p"] = sketch.register_of(salt, f"person-{random.randrange(115000)}")
            stream.write(json.dumps(line, separators=(",", ":")) + "\n")


def bench_ingest(lines):
    with tempfile.TemporaryDirectory(prefix="ent-bench-stats-") as folder:
        log, database = f"{folder}/stats.log", f"{folder}/stats.sqlite"
        write_log(log, lines)
        started = time.perf_counter()
        report = ingest([log], database)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest([log], database)
        second = time.perf_counter() - started
    assert report.views == lines and again.views == 0
    print(f"| ingest, {lines:,} new lines | {first:.1f} s | {lines / first:,.0f} lines/s |")
    print(f"| ingest again, nothing new | {second:.2f} s | |")


def timed_get(url, user_agent):
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
    return time.perf_counter() - started


def bench_page(url, requests):
    timed_get(url, BROWSER)
    logged, unlogged = [], []
    for _ in range(requests):
        logged.append(timed_get(url, BROWSER))
        unlogged.append(timed_get(url, PROBE))
    with_log, without = statistics.median(logged) * 1000, statistics.median(unlogged) * 1000
    print(f"| page view with its log line (p50 of {requests}) | {with_log:.1f} ms | |")
    print(f"| the same page, no line (p50 of {requests}) | {without:.1f} ms | |")
    print(f"| cost of the log line | {with_log - without:+.1f} ms | {with_log / without:.3f}x |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--url", help="a page of a running instance (part 2)")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    print("| measure | time | rate or ratio |\n| --- | --- | --- |")
    bench_ingest(args.lines)
    if args.url:
        bench_page(args.url, args.requests)


if __name__ == "__main__":
    main()

"""The front cache (issue #15): anonymous County and school homes through Varnish against
plain Plone's uncached front page, measured in the same run.

    .venv/bin/python benchmarks/caching.py [--write] [options]

What is measured (docs/caching.md, "Measures"):

1. two instances prepared as benchmarks/run.py prepares them (zope_sites.py): the ENT with
   its demo (`ent-demo`) and a plain Plone classic site (`plain`);
2. both served at once (`ent-instance run`, waitress 4 threads), a private Varnish
   (ent.server.services.varnish, the VCL of instance/varnish.vcl.in) in front of the ENT;
3. after warm-up requests, `--requests` anonymous GETs from `--concurrency` keep-alive
   clients of: the County home (`/ent`) and a school's home (`/ent/colleges/0310001h`)
   through Varnish (each answer checked: 200, X-Cache HIT after the first), and plain
   Plone's front page straight from waitress (uncached): requests per second, p50/p95;
   the ratios cached / plain (target ≥ 10×).

Every server listens on 127.0.0.1 only; every loop is bounded. Everything happens in a
temporary folder, removed at the end; every process started here is stopped, also on error,
Ctrl-C or SIGTERM. Prints a Markdown table; `--write` stores the figures into
benchmarks/results.json (section "caching"; the other sections are kept).
"""

from pathlib import Path

import argparse
import http.client
import json
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402 -- the processes and helpers of benchmarks/run.py


SITE_ID = bench.SITE_ID
SCHOOL = f"/{SITE_ID}/colleges/0310001h"


def load(port, path, total, concurrency, check=None, timeout=600):
    """`total` GET `path` from `concurrency` keep-alive clients; bounded in time."""
    lock = threading.Lock()
    left = [total]
    statuses = {}
    misses = [0]
    latencies = []
    deadline = time.monotonic() + timeout

    def client():
        conn = http.client.HTTPConnection(bench.HOST, port, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                started = time.perf_counter()
                status, cache = "error", None
                for _ in range(2):  # a kept-alive connection the server closed: once more, anew
                    try:
                        conn.request("GET", path)
                        response = conn.getresponse()
                        response.read()
                        status, cache = response.status, response.getheader("X-Cache")
                        break
                    except (ConnectionError, http.client.HTTPException, OSError):
                        conn.close()
                        conn = http.client.HTTPConnection(bench.HOST, port, timeout=60)
                elapsed = time.perf_counter() - started
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    misses[0] += cache is not None and cache != "HIT"
                    latencies.append(elapsed)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 60)
    elapsed = time.perf_counter() - started
    done = len(latencies)
    if statuses.get(200, 0) != total:
        raise bench.BenchError(f"GET {path}: expected {total} answers 200, got {statuses}")
    if check == "hit" and misses[0]:
        raise bench.BenchError(f"GET {path}: {misses[0]} answers were not from the cache")
    ordered = sorted(latencies)
    return {
        "requests": done,
        "concurrency": concurrency,
        "seconds": round(elapsed, 3),
        "rps": done / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": ordered[int(0.95 * (done - 1))] * 1000,
    }


def serve(tmp, var, password, label, start_timeout):
    port = bench.free_port()
    env = bench.instance_env(var, ENT_PORT=port, ENT_ADMIN_PASSWORD=password)
    proc = bench.Proc(
        [bench.CODE["bin"] / "ent-instance", "run"], cwd=bench.CODE["home"], env=env, logfile=tmp / f"{label}.log"
    )
    bench.wait_for_page(proc, port, start_timeout)
    return proc, port


def measure(args, tmp, password):
    from ent.server.services import varnish

    ent_var = bench.prepared(tmp, password, "ent-demo", part="caching")
    plain_var = bench.prepared(tmp, password, "plain", part="caching")
    ent, ent_port = serve(tmp, ent_var, password, "ent", args.start_timeout)
    plain, plain_port = serve(tmp, plain_var, password, "plain", args.start_timeout)
    proxy = varnish.start(
        tmp / "varnish", bench.HOST, bench.free_port(), bench.HOST, ent_port, say=bench.log,
        template=bench.ROOT / "instance" / "varnish.vcl.in",
    )  # fmt: skip
    try:
        pages = {
            "county_home_cached": (proxy.port, f"/{SITE_ID}", "hit"),
            "school_home_cached": (proxy.port, SCHOOL, "hit"),
            "plain_front_page": (plain_port, f"/{SITE_ID}", None),
        }
        for port, path, _check in pages.values():
            for _ in range(args.warmup):
                status = bench.get(port, path)
                if status != 200:
                    raise bench.BenchError(f"warm-up GET {path} on {port} answered {status}")
        figures = {"date": args.date, "code": bench.CODE["label"], "warmup": args.warmup}
        for name, (port, path, check) in pages.items():
            figures[name] = load(port, path, args.requests, args.concurrency, check=check)
            bench.log(f"{name}: {figures[name]['rps']:.1f} req/s, p95 {figures[name]['p95_ms']:.1f} ms")
        plain_rps = figures["plain_front_page"]["rps"]
        figures["ratio_county_home"] = figures["county_home_cached"]["rps"] / plain_rps
        figures["ratio_school_home"] = figures["school_home_cached"]["rps"] / plain_rps
        return figures
    finally:
        proxy.stop()
        for proc in (ent, plain):
            proc.stop(timeout=30)


def table(figures):
    lines = [
        "| page | served by | requests/s | p50 ms | p95 ms | × plain front page |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    rows = (
        ("County home, anonymous", "Varnish (cache)", "county_home_cached", figures["ratio_county_home"]),
        ("School home, anonymous", "Varnish (cache)", "school_home_cached", figures["ratio_school_home"]),
        ("Plain Plone front page, anonymous", "waitress (uncached)", "plain_front_page", 1.0),
    )
    for label, by, key, ratio in rows:
        f = figures[key]
        lines.append(f"| {label} | {by} | {f['rps']:.1f} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {ratio:.1f}× |")
    first = figures["county_home_cached"]
    lines.append("")
    lines.append(f"{first['requests']} requests each, {first['concurrency']} keep-alive clients; target ≥ 10×.")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed GETs of each page first (default 20)")
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds for an instance to serve")
    parser.add_argument("--date", default=time.strftime("%Y-%m-%d"), help="date of the figures")
    parser.add_argument("--write", action="store_true", help="store the figures in benchmarks/results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, bench.on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="ent-bench-caching-"))
    password = secrets.token_urlsafe(18)
    bench.log(f"temporary folder {tmp}")
    try:
        figures = measure(args, tmp, password)
    except (bench.BenchError, KeyboardInterrupt) as error:
        bench.log(f"failed: {error}")
        return 1
    finally:
        bench.Proc.stop_all()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(table(figures))
    if args.write:
        results = json.loads(bench.RESULTS.read_text(encoding="utf-8")) if bench.RESULTS.exists() else {}
        results["caching"] = figures
        bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

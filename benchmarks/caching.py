"""The front cache (issue #15): anonymous County and school homes through Varnish against
plain Plone's uncached front page; and the ENT's pages served by Zope itself (no cache)
against plain Plone's, anonymous and logged in; measured in the same run.

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
   the ratios cached / plain (target ≥ 10×);
4. then, straight from waitress (no cache), in `--rounds` interleaved rounds: a school's home
   and the County home anonymous against plain Plone's anonymous front page; a parent of
   that school (demo directory, logged in through the log-in form) reading the school's
   home, Mon ENT and the school's first news item against a plain member (created by
   zope_sites.py) reading plain Plone's front page (target ≥ 0.9×).

Every page of both sites is asked for the host `localhost`: plain Plone leaves pages asked
for 127.0.0.1 unthemed (plone.app.theming's hostnameBlacklist), which would compare the
ENT's themed page with plain Plone's page without its theme.

Every server listens on 127.0.0.1 only; every loop is bounded. Everything happens in a
temporary folder, removed at the end; every process started here is stopped, also on error,
Ctrl-C or SIGTERM. Prints a Markdown table; `--write` stores the figures into
benchmarks/results.json (section "caching"; the other sections are kept).
"""

from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

import argparse
import http.client
import json
import re
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
#: A parent of that school in the demo directory (docs/domain.md), and its password.
PARENT = "0310001h.parent"
DEMO_PASSWORD = "demo"


def load(port, path, total, concurrency, check=None, timeout=600, headers=None):
    """`total` GET `path` from `concurrency` keep-alive clients; bounded in time."""
    headers = headers or {}
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
                        conn.request("GET", path, headers=headers)
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
        "latencies": latencies,
    }


def merged(runs):
    """One figure of several `load` runs of the same page (rounds interleaved with others)."""
    latencies = sorted(value for run in runs for value in run["latencies"])
    seconds = sum(run["seconds"] for run in runs)
    return {
        "requests": len(latencies),
        "concurrency": runs[0]["concurrency"],
        "rounds": len(runs),
        "seconds": round(seconds, 3),
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def log_in(port, login, password):
    """The `__ac` cookie of `login`, logged in through the site's log-in form."""
    body = urlencode({"__ac_name": login, "__ac_password": password, "buttons.login": "Se connecter", "came_from": ""})
    conn = http.client.HTTPConnection(bench.HOST, port, timeout=120)
    try:
        conn.request(
            "POST",
            f"/{SITE_ID}/login",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **themed(port)},
        )
        response = conn.getresponse()
        response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("__ac="):
                return value.split(";")[0]
    finally:
        conn.close()
    raise bench.BenchError(f"log-in of {login} on port {port}: answered {response.status} without a session cookie")


def themed(port, cookie=None):
    """The headers of a request that gets the themed page, as a visitor gets it.

    Plone's theming leaves requests for the host 127.0.0.1 unthemed by default
    (IThemeSettings.hostnameBlacklist): plain Plone asked at 127.0.0.1 skips its Diazo
    transform, the ENT (which empties that list) does not. Asking both for `localhost`
    compares the same work: the page a visitor sees."""
    headers = {"Host": f"localhost:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    return headers


def first_item(port, path, cookie, pattern):
    """The path of the first link of the page `path` (as `cookie`) that matches `pattern`."""
    status, _type, body = bench.get(port, path, headers=themed(port, cookie), answer=True)
    found = re.search(pattern, body.decode("utf-8", "replace"))
    if status != 200 or not found:
        raise bench.BenchError(f"GET {path}: {status}, no link matching {pattern}")
    return urlsplit(found.group(1)).path


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
                status = bench.get(port, path, headers=themed(port))
                if status != 200:
                    raise bench.BenchError(f"warm-up GET {path} on {port} answered {status}")
        figures = {"date": args.date, "code": bench.CODE["label"], "warmup": args.warmup}
        for name, (port, path, check) in pages.items():
            figures[name] = load(port, path, args.requests, args.concurrency, check=check, headers=themed(port))
            bench.log(f"{name}: {figures[name]['rps']:.1f} req/s, p95 {figures[name]['p95_ms']:.1f} ms")
        for figure in figures.values():
            if isinstance(figure, dict):
                figure.pop("latencies", None)
        plain_rps = figures["plain_front_page"]["rps"]
        figures["ratio_county_home"] = figures["county_home_cached"]["rps"] / plain_rps
        figures["ratio_school_home"] = figures["school_home_cached"]["rps"] / plain_rps
        figures["uncached"] = measure_uncached(args, ent_port, plain_port, password)
        return figures
    finally:
        proxy.stop()
        for proc in (ent, plain):
            proc.stop(timeout=30)


#: name: (label, reference name) of the pages served by Zope itself (no cache in front)
UNCACHED = {
    "plain_front_page": ("Plain Plone front page, anonymous", None),
    "school_home": ("School home, anonymous", "plain_front_page"),
    "county_home": ("County home, anonymous", "plain_front_page"),
    "plain_member_front_page": ("Plain Plone front page, a member", None),
    "parent_school_home": ("School home, a parent of the school", "plain_member_front_page"),
    "parent_mon_ent": ("Mon ENT, a parent", "plain_member_front_page"),
    "parent_item": ("A news item of the school, a parent", "plain_member_front_page"),
}


def measure_uncached(args, ent_port, plain_port, password):
    """The ENT's pages straight from waitress against plain Plone's front page, anonymous and
    logged in, both themed; `--rounds` rounds, the pages in turn (the order reversed every
    other round), so that a change of the machine's speed weighs on all alike."""
    from zope_sites import PLAIN_MEMBER

    parent = log_in(ent_port, PARENT, DEMO_PASSWORD)
    member = log_in(plain_port, PLAIN_MEMBER, password)
    item = first_item(ent_port, SCHOOL, parent, rf'href="(http://[^"]+{SCHOOL}/actualites/[^"/#?]+)"')
    pages = {
        "plain_front_page": (plain_port, f"/{SITE_ID}", None),
        "school_home": (ent_port, SCHOOL, None),
        "county_home": (ent_port, f"/{SITE_ID}", None),
        "plain_member_front_page": (plain_port, f"/{SITE_ID}", member),
        "parent_school_home": (ent_port, SCHOOL, parent),
        "parent_mon_ent": (ent_port, f"/{SITE_ID}/@@mon-ent", parent),
        "parent_item": (ent_port, item, parent),
    }
    for port, path, cookie in pages.values():
        for _ in range(args.warmup):
            status = bench.get(port, path, headers=themed(port, cookie))
            if status != 200:
                raise bench.BenchError(f"warm-up GET {path} on {port} answered {status}")
    runs = {name: [] for name in pages}
    each = max(1, args.uncached_requests // args.rounds)
    for index in range(args.rounds):
        for name in pages if index % 2 == 0 else reversed(pages):
            port, path, cookie = pages[name]
            runs[name].append(load(port, path, each, args.concurrency, headers=themed(port, cookie)))
    figures = {"rounds": args.rounds, "item": item}
    for name in UNCACHED:
        figures[name] = merged(runs[name])
        bench.log(f"uncached {name}: {figures[name]['rps']:.1f} req/s, p95 {figures[name]['p95_ms']:.1f} ms")
    for name, (_label, reference) in UNCACHED.items():
        if reference:
            figures[name]["ratio"] = figures[name]["rps"] / figures[reference]["rps"]
    return figures


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
    uncached = figures["uncached"]
    lines += [
        "",
        "| page, served by waitress (no cache) | requests/s | p50 ms | p95 ms | × plain Plone |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (label, reference) in UNCACHED.items():
        f = uncached[name]
        ratio = f"{f['ratio']:.2f}×" if reference else "1"
        lines.append(f"| {label} | {f['rps']:.1f} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {ratio} |")
    f = uncached["plain_front_page"]
    lines.append("")
    lines.append(
        f"{f['requests']} requests each in {f['rounds']} interleaved rounds, {f['concurrency']} keep-alive "
        "clients, every page themed (asked for `localhost`); an anonymous page against plain Plone's "
        "anonymous front page, a parent's against a plain member's; target ≥ 0.9×."
    )
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--uncached-requests", type=int, default=600, help="requests per page served by Zope (default 600)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of those (default 3)")
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

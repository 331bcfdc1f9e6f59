"""School sectoring (issue #13): the lookup of an address's collège with 100,000 sectoring
rows, against a linear scan of the same rows, and the import of those rows.

    .venv/bin/python benchmarks/sectoring.py [--write] [options]

What is measured (docs/benchmarks.md, section "School sectoring (#13)"):

1. a first `ent-instance run` with the demo (ENT_DEMO=1) in a temporary var folder creates
   the site with its 102 collèges; it is stopped;
2. in one Zope process (`zconsole run benchmarks/sectoring_items.py`, the instance
   stopped): a sectoring file of --rows rows (100,000) in the official format, generated
   from the portal's collèges, imported by `import_sectoring` (commit included), then the
   same file again (idempotent: nothing written); --queries addresses looked up in the
   stored index (read anew from the database, then warm) and --scans of them by a linear
   scan of the same rows in the same process, checked to give the same collèges;
3. the instance served: `GET @sectoring?insee=&street=&number=` for the same addresses, one
   request at a time after untimed warm-up requests (what the lookup page and the REST
   clients wait for), and `GET @sectoring-streets` completions in Toulouse.

Every server listens on 127.0.0.1 only; every loop is bounded (counts and --timeout).
Everything happens in a temporary folder, removed at the end; every process started here
is stopped, also on error, Ctrl-C or SIGTERM. Prints Markdown tables; `--write` puts them
into docs/benchmarks.md between their own markers and the figures into
benchmarks/results.json (section "sectoring"; the other sections are kept).
"""

from pathlib import Path

import argparse
import contextlib
import json
import math
import os
import sys
import time


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import directory as dirbench  # noqa: E402 -- the instance, requests and report of benchmarks/directory.py
import run as bench  # noqa: E402 -- the processes and helpers of benchmarks/run.py
import security as secbench  # noqa: E402 -- the first run of benchmarks/security.py


SITE_ID = bench.SITE_ID
HOST = bench.HOST
BIN = bench.BIN
ROOT = bench.ROOT
BEGIN = (
    "<!-- sectoring-benchmark:begin (written by `benchmarks/sectoring.py --write`; edit the script, not this block) -->"
)
END = "<!-- sectoring-benchmark:end -->"
TARGET_P95_MS = 20
Proc = bench.Proc
BenchError = bench.BenchError
log = bench.log


def nearest_rank(values, share):
    """The value below which `share` of `values` lie (nearest rank: p95 of 40 is the 38th)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary_of(values):
    return {
        "requests": len(values),
        "p50_ms": nearest_rank(values, 0.50) * 1000,
        "p95_ms": nearest_rank(values, 0.95) * 1000,
        "max_ms": max(values) * 1000,
    }


# --- steps ----------------------------------------------------------------------------------


def import_and_look_up(args, tmp, var, password, figures):
    env = dirbench.env_for(var, bench.free_port(), password, args.demo_password, ENT_NOTIFICATIONS="0")
    conf = bench.render(var, env, tmp)
    queries = tmp / "queries.json"
    log(f"import: {args.rows} rows by import_sectoring in one Zope process (output in {tmp / 'sectoring-items.log'})")
    proc = bench.run(
        [
            BIN / "zconsole", "run", conf, HERE / "sectoring_items.py",
            str(args.rows), str(args.seed), str(args.queries), str(args.scans), queries,
        ],
        cwd=ROOT,
        env=env,
        logfile=tmp / "sectoring-items.log",
        timeout=args.step_timeout,
    )  # fmt: skip
    found = proc.find(r"^BENCH-RESULT (.*)$")
    if not found:
        raise BenchError(f"sectoring_items.py printed no result; last lines:\n{proc.tail()}")
    raw = json.loads(found[1].group(1))
    if raw["scan_mismatches"]:
        raise BenchError(f"the linear scan and the index disagree on {raw['scan_mismatches']} addresses")
    figures["import"] = {
        key: raw[key]
        for key in ("rows", "communes", "file_mib", "import_s", "again_s", "again_unchanged", "data_fs_growth_mib")
    }
    figures["in_process"] = {
        "index_cold": summary_of(raw["lookup_s"]["cold"]),
        "index_warm": summary_of(raw["lookup_s"]["warm"]),
        "linear_scan": summary_of(raw["scan_s"]),
        "reasons": raw["reasons"],
    }
    log(
        f"import: {raw['rows']} rows in {raw['import_s']:.1f} s, again in {raw['again_s']:.1f} s; lookup p95 "
        f"{figures['in_process']['index_warm']['p95_ms']:.3f} ms, scan p95 {figures['in_process']['linear_scan']['p95_ms']:.1f} ms"
    )
    return json.loads(queries.read_text(encoding="utf-8"))


@contextlib.contextmanager
def served(args, tmp, var, password):
    port = bench.free_port()
    env = dirbench.env_for(var, port, password, args.demo_password)
    proc = Proc([BIN / "ent-instance", "run"], cwd=ROOT, env=env, logfile=tmp / "serve.log")
    try:
        seconds = bench.wait_for_page(proc, port, args.start_timeout)
        log(f"instance serves on port {port} after {seconds:.0f} s")
        yield port
    finally:
        try:
            dirbench.stop_instance(proc, env, tmp, "serve")
        finally:
            dirbench.stop_leftover_slapd(var / "ldap")


def timed_gets(session, url, params_list, warmup, deadline):
    times = []
    for position, params in enumerate(params_list):
        if time.monotonic() > deadline:
            raise BenchError("--timeout reached during the requests")
        started = time.perf_counter()
        answer = session.get(url, params=params, headers={"Accept": "application/json"}, timeout=120)
        elapsed = time.perf_counter() - started
        if answer.status_code != 200:
            raise BenchError(f"GET {url} {params}: status {answer.status_code}: {answer.text[:200]}")
        if position >= warmup:
            times.append(elapsed)
    return times


def measure_served(args, port, queries, figures):
    import requests

    deadline = time.monotonic() + args.timeout
    base = f"http://{HOST}:{port}/{SITE_ID}"
    session = requests.Session()
    params = [
        {
            "insee": query["insee"],
            "street": query["street"],
            "number": "" if query["number"] is None else query["number"],
        }
        for query in queries[: args.warmup + args.requests]
    ]
    log(f"served: {len(params) - args.warmup} timed GET @sectoring after {args.warmup} untimed")
    figures["served"] = {"lookup": summary_of(timed_gets(session, f"{base}/@sectoring", params, args.warmup, deadline))}
    words = ("r", "rue", "av", "jean", "des", "all", "pl", "ch", "saint", "gam")
    streets = [{"insee": "31555", "q": words[index % len(words)]} for index in range(args.warmup + args.requests)]
    figures["served"]["streets"] = summary_of(
        timed_gets(session, f"{base}/@sectoring-streets", streets, args.warmup, deadline)
    )
    communes = [{"q": ("tou", "saint", "31", "col", "mur")[index % 5]} for index in range(args.warmup + args.requests)]
    figures["served"]["communes"] = summary_of(
        timed_gets(session, f"{base}/@sectoring-communes", communes, args.warmup, deadline)
    )
    log(
        f"served: @sectoring p50 {figures['served']['lookup']['p50_ms']:.1f} ms, "
        f"p95 {figures['served']['lookup']['p95_ms']:.1f} ms"
    )


def measure_all(args, tmp, var, password, figures):
    secbench.first_run(args, tmp, var, password, figures)
    queries = import_and_look_up(args, tmp, var, password, figures)
    figures["data_fs_mib"] = (var / "filestorage" / "Data.fs").stat().st_size / 2**20
    with served(args, tmp, var, password) as port:
        measure_served(args, port, queries, figures)


# --- report -------------------------------------------------------------------------------


def table(results):
    rows = []

    def row(*cells):
        rows.append("| " + " | ".join(cells) + " |")

    if "error" in results:
        return f"| Figure | |\n| --- | --- |\n| **failed**: {results['error'].replace('|', '/')} | – |"
    done = results["import"]
    inside = results["in_process"]
    rows += ["| Figure | index | linear scan | scan ÷ index |", "| --- | --- | --- | --- |"]
    for key in ("p50_ms", "p95_ms"):
        index, scan = inside["index_warm"][key], inside["linear_scan"][key]
        row(
            f"{key[:3]} of a lookup in one process, {done['rows']:,} rows",
            f"{index:.3f} ms",
            f"{scan:.1f} ms",
            f"{scan / index:,.0f}×" if index else "–",
        )
    cold = inside["index_cold"]
    row(
        "lookup, index read anew from the database (cold): p50 / p95",
        f"{cold['p50_ms']:.2f} / {cold['p95_ms']:.2f} ms",
        "–",
        "–",
    )
    served = results["served"]
    for name, label in (
        ("lookup", "`GET @sectoring` served (HTTP, one at a time)"),
        ("streets", "`GET @sectoring-streets` in Toulouse (completion)"),
        ("communes", "`GET @sectoring-communes` (completion)"),
    ):
        figure = served[name]
        target = f" (target ≤ {TARGET_P95_MS} ms)" if name == "lookup" else ""
        row(f"{label}: p50 / p95{target}", f"{figure['p50_ms']:.1f} / {figure['p95_ms']:.1f} ms", "–", "–")
    row(
        f"import of {done['rows']:,} rows ({done['file_mib']:.1f} MiB, {done['communes']} communes), commit included",
        f"{done['import_s']:.1f} s",
        "–",
        "–",
    )
    row("the same file again (idempotent: nothing written)", f"{done['again_s']:.1f} s", "–", "–")
    return "\n".join(rows)


def summary_lines(results):
    if "error" in results:
        return [f"The run failed: {results['error']}"]
    machine = results.get("machine", {})
    inside = results["in_process"]
    growth = results["import"].get("data_fs_growth_mib")
    return [
        f"{results.get('date')}, {results.get('code')}, on {machine.get('cores', '?')} cores; "
        f"load {results.get('load_before')} before, {results.get('load_after')} after.",
        f"{inside['index_warm']['requests']} addresses looked up (answers: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(inside['reasons'].items()))}); "
        f"{inside['linear_scan']['requests']} of them also by the linear scan, which gave the same collèges.",
        f"Data.fs {results['data_fs_mib']:.0f} MiB after the import"
        + (f" (+{growth:.0f} MiB by it)." if growth is not None else "."),
    ]


def write_doc(results):
    merged = json.loads(bench.RESULTS.read_text(encoding="utf-8")) if bench.RESULTS.exists() else {}
    merged["sectoring"] = results
    bench.RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {bench.RESULTS.relative_to(bench.ROOT)} (section sectoring)")
    body = "\n".join([table(results), ""] + [f"- {line}" for line in summary_lines(results)])
    bench.replace_block(BEGIN, END, body, heading="## School sectoring (#13)\n\n")


# --- main ---------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/sectoring.py", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="sectoring rows imported (default 100000)")
    parser.add_argument("--queries", type=int, default=2000, help="addresses looked up in one process (default 2000)")
    parser.add_argument("--scans", type=int, default=200, help="of them, by the linear scan too (default 200)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each endpoint (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (default 20)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the rows and addresses (default 2026)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for all the requests (default 1800)")
    dirbench.common_arguments(parser, "docs/benchmarks.md and benchmarks/results.json")
    args = parser.parse_args(argv)
    if not 100 <= args.rows <= 1_000_000 or not 1 <= args.queries <= 100_000:
        parser.error("--rows must be between 100 and 1000000, --queries between 1 and 100000")
    if not 1 <= args.scans <= args.queries or not 1 <= args.requests or args.warmup + args.requests > args.queries:
        parser.error("--scans must be at most --queries, --warmup + --requests at most --queries")
    if min(args.timeout, args.start_timeout, args.step_timeout) <= 0:
        parser.error("the timeouts must be positive")
    args.demo_password = os.environ.get("ENT_DEMO_PASSWORD") or "demo"
    return args


def main(argv=None):
    return dirbench.run_script(parse_args(argv), argv, "sectoring", measure_all, table, summary_lines, write_doc)


if __name__ == "__main__":
    sys.exit(main())

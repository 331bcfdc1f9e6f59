"""Collaborative spaces (issue #14): @my-spaces for a person in 20 spaces, adding a whole
directory group to a space against adding one person, a space's page against the same page
as a plain Plone folder.

    .venv/bin/python benchmarks/workspaces.py [--write] [options]

What is measured (docs/benchmarks.md, section "Collaborative spaces (#14)"):

1. the site: with `--directory scale` (the default), the scale directory of
   benchmarks/directory.py (about 115,000 accounts; `all-parent` about 61,000 people) built
   as that script does (generate, a first run with the demo, load); with `--directory demo`
   (a quick check), the demo directory of a first `ent-instance run`;
2. `--spaces` (20) spaces in /espaces made in one Zope process
   (`zconsole run benchmarks/workspaces_items.py`, the instance stopped): the person (the
   scale directory's `0310001h.parent.1`, the demo's `0310001h.parent`: a parent is in no
   demo space) on each roster,
   `county.agent` as manager, `--items` pages and as many blog posts in each; two more
   spaces alike without the person; a plain Plone folder (published) with the same pages
   and a `blog` folder of the same news items;
3. served (pointed at the scale directory's slapd as benchmarks/directory.py does), one
   request at a time, alternately, after untimed warm-up rounds, with the person's JWT:
   `GET /ent/@my-spaces` (the 20 spaces, each with its new count and latest activity), the
   first space's page and the plain folder's page: p50/p95;
4. as the admin, `POST @workspace-members` on the two spare spaces: one person (the pupil
   `0310001h.student[.1]`), then the group `all-parent`: the time of each request and the
   bytes it added to Data.fs (FileStorage appends each transaction); then the pupil, and the
   person (a parent), find that space in their @my-spaces (checked).

Every server listens on 127.0.0.1 only; every loop is bounded (counts and --timeout).
Everything happens in a temporary folder, removed at the end; every process started here
is stopped, also on error, Ctrl-C or SIGTERM. Prints Markdown tables; `--write` puts them
into docs/benchmarks.md between their own markers and the figures into
benchmarks/results.json (section "workspaces"; the other sections are kept).
"""

from pathlib import Path

import argparse
import contextlib
import json
import os
import sys
import time


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases as casebench  # noqa: E402 -- nearest_rank, summary_of
import directory as dirbench  # noqa: E402 -- the instance, the scale directory, run_script
import run as bench  # noqa: E402 -- the processes and helpers of benchmarks/run.py
import security as secbench  # noqa: E402 -- the first run with the demo


SITE_ID = bench.SITE_ID
BIN = bench.BIN
ROOT = bench.ROOT
BEGIN = "<!-- workspaces-benchmark:begin (written by `benchmarks/workspaces.py --write`; edit the script, not this block) -->"
END = "<!-- workspaces-benchmark:end -->"
JSON = {"Accept": "application/json"}
Proc = bench.Proc
BenchError = bench.BenchError
log = bench.log


def person(args, profile):
    """The demo account of `profile` in 0310001H, numbered in the scale directory."""
    return f"0310001h.{profile}" + (".1" if args.directory == "scale" else "")


def create_spaces(args, tmp, var, password, figures):
    env = dirbench.env_for(var, bench.free_port(), password, args.demo_password, ENT_NOTIFICATIONS="0")
    log(f"spaces: {args.spaces} + 2 spaces of {args.items} pages and {args.items} posts (workspaces_items.py)")
    figures["creation"] = bench.zope_sites(
        var,
        env,
        tmp,
        "workspaces-items.log",
        str(args.spaces),
        str(args.items),
        person(args, "parent"),
        timeout=args.step_timeout,
        script="workspaces_items.py",
    )
    log(f"spaces: made in {figures['creation']['seconds']:.0f} s")


@contextlib.contextmanager
def served(args, tmp, var, password, figures):
    """The instance, pointed at the scale directory's slapd or with its local demo directory;
    yields its port."""
    if args.directory == "scale":
        with dirbench.served(args, tmp, var, password, figures) as (port, facts, _, _):
            figures["all_parent_members"] = facts["all_parent_members"]
            yield port
        return
    port = bench.free_port()
    env = dirbench.env_for(var, port, password, args.demo_password)
    proc = Proc([BIN / "ent-instance", "run"], cwd=ROOT, env=env, logfile=tmp / "instance.log")
    try:
        bench.wait_for_page(proc, port, args.start_timeout)
        yield port
    finally:
        dirbench.stop_instance(proc, env, tmp, "instance")
        dirbench.stop_leftover_slapd(var / "ldap")


def token(client, login, password):
    status, _, body = client.request(
        "POST", f"/{SITE_ID}/@login", dirbench.login_headers(), dirbench.login_body(login, password)
    )
    return dirbench.token_of(status, body, login)


def my_spaces(client, headers):
    status, _, body = client.request("GET", f"/{SITE_ID}/@my-spaces?b_size=50", headers)
    if status != 200:
        raise BenchError(f"GET @my-spaces: status {status}: {body[:300]!r}")
    return json.loads(body)


def measure_pages(args, client, headers, figures):
    first = figures["creation"]["spaces"][0]
    paths = {
        "my_spaces": (f"/{SITE_ID}/@my-spaces", {**headers, **JSON}),
        "space": (first, headers),
        "plain": (figures["creation"]["plain"], headers),
    }
    found = my_spaces(client, {**headers, **JSON})
    if found["items_total"] != args.spaces:
        raise BenchError(f"@my-spaces lists {found['items_total']} spaces, not {args.spaces}")
    timed = {name: [] for name in paths}
    deadline = time.monotonic() + args.timeout
    for index in range(args.warmup + args.requests):
        if time.monotonic() > deadline:
            raise BenchError(f"not done within {args.timeout:.0f} s (--timeout)")
        names = list(paths) if index % 2 == 0 else list(reversed(paths))
        for name in names:
            path, sent = paths[name]
            started = time.perf_counter()
            status, _, body = client.request("GET", path, sent)
            elapsed = time.perf_counter() - started
            if status != 200:
                raise BenchError(f"GET {path}: status {status}")
            if index >= args.warmup:
                timed[name].append(elapsed)
    figures["pages"] = {name: casebench.summary_of(values) for name, values in timed.items()}
    figures["pages"]["paths"] = {name: path for name, (path, _) in paths.items()}


def data_fs(var):
    return (var / "filestorage" / "Data.fs").stat().st_size


def measure_adding(args, client, var, password, figures):
    import base64

    admin = {
        **JSON,
        "Content-Type": "application/json",
        "Authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode(),
    }
    figures["adding"] = {}
    # One person (a pupil, in no space), then the group of the parents (the measured person
    # among them): each must then find the space in their @my-spaces.
    added = (
        ("person", person(args, "student"), person(args, "student")),
        ("group", "all-parent", person(args, "parent")),
    )
    for (name, principal, who), space in zip(added, figures["creation"]["targets"], strict=True):
        before = data_fs(var)
        started = time.perf_counter()
        status, _, body = client.request(
            "POST", f"{space}/@workspace-members", admin, json.dumps({"id": principal, "role": "member"}).encode()
        )
        elapsed = time.perf_counter() - started
        if status != 201:
            raise BenchError(f"POST {space}/@workspace-members {principal}: status {status}: {body[:300]!r}")
        figures["adding"][name] = {"id": principal, "s": elapsed, "bytes": data_fs(var) - before, "space": space}
        log(f"adding {principal}: {elapsed * 1000:.0f} ms, {figures['adding'][name]['bytes']} bytes")
        headers = {**JSON, "Authorization": f"Bearer {token(client, who, args.demo_password)}"}
        site_path = f"/{SITE_ID}/"
        listed = [item["@id"].split(site_path, 1)[-1] for item in my_spaces(client, headers)["items"]]
        if space.split(site_path, 1)[-1] not in listed:
            raise BenchError(f"{who} does not find {space} in @my-spaces after adding {principal}")


def measure_all(args, tmp, var, password, figures):
    if args.directory == "scale":
        dirbench.build_directory(args, tmp, var, password, figures)
    else:
        secbench.first_run(args, tmp, var, password, figures)
    create_spaces(args, tmp, var, password, figures)
    figures["data_fs_mib"] = data_fs(var) / 2**20
    with served(args, tmp, var, password, figures) as port:
        client = dirbench.Client(port)
        headers = {"Authorization": f"Bearer {token(client, person(args, 'parent'), args.demo_password)}"}
        log(f"pages: {args.requests} requests of @my-spaces, a space's page and the plain folder's, alternately")
        measure_pages(args, client, headers, figures)
        measure_adding(args, client, var, password, figures)
        client.close()


# --- report -------------------------------------------------------------------------------


def table(results):
    if "error" in results or "adding" not in results:
        error = results.get("error", "interrupted").replace("|", "/")
        return f"| Figure | |\n| --- | --- |\n| **failed**: {error} | – |"
    rows = ["| Figure | Space | Plain Plone | Space ÷ plain |", "| --- | --- | --- | --- |"]
    pages = results["pages"]
    my = pages["my_spaces"]
    rows.append(
        f"| `GET @my-spaces`, a person in {results['spaces']} spaces: p50 / p95 "
        f"| {my['p50_ms']:.0f} / {my['p95_ms']:.0f} ms | – | – |"
    )
    for key in ("p50_ms", "p95_ms"):
        space, plain = pages["space"][key], pages["plain"][key]
        rows.append(
            f"| {key[:3]} of a space's page (member) vs the same content as a plain folder "
            f"| {space:.0f} ms | {plain:.0f} ms | {space / plain:.2f}× |"
        )
    group, one = results["adding"]["group"], results["adding"]["person"]
    people = results.get("all_parent_members")
    rows.append(
        f"| adding `all-parent`{f' ({people:,} people)' if people else ''} to a space: time, bytes added "
        f"| {group['s'] * 1000:.0f} ms, {group['bytes']:,} B | – | – |"
    )
    rows.append(
        f"| adding one person (`{one['id']}`) to a space: time, bytes added "
        f"| {one['s'] * 1000:.0f} ms, {one['bytes']:,} B | – | – |"
    )
    return "\n".join(rows)


def summary_lines(results):
    if "error" in results or "adding" not in results:
        return [f"The run failed: {results.get('error', 'interrupted')}"]
    machine = results.get("machine", {})
    return [
        f"{results.get('date')}, {results.get('code')}, on {machine.get('cores', '?')} cores; "
        f"load {results.get('load_before')} before, {results.get('load_after')} after.",
        f"The {results['directory']} directory; {results['spaces']} spaces of {results['items']} pages and "
        f"{results['items']} posts each; Data.fs {results['data_fs_mib']:.0f} MiB.",
        f"{results['pages']['my_spaces']['requests']} timed requests of each page, with the JWT of the person; "
        "adding a member is one `POST @workspace-members` as the admin, its bytes the growth of Data.fs.",
    ]


def write_doc(results):
    merged = json.loads(bench.RESULTS.read_text(encoding="utf-8")) if bench.RESULTS.exists() else {}
    merged["workspaces"] = results
    bench.RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {bench.RESULTS.relative_to(bench.ROOT)} (section workspaces)")
    body = "\n".join([table(results), ""] + [f"- {line}" for line in summary_lines(results)])
    bench.replace_block(BEGIN, END, body, heading="## Collaborative spaces (#14)\n\n")


# --- main ---------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/workspaces.py", description=__doc__.split("\n")[0])
    parser.add_argument("--directory", choices=("scale", "demo"), default="scale", help="default scale")
    parser.add_argument("--spaces", type=int, default=20, help="spaces the person is in (default 20)")
    parser.add_argument("--items", type=int, default=20, help="pages, and posts, in each space (default 20)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests of each page (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first (default 10)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for all the requests (default 1800)")
    dirbench.common_arguments(parser, "docs/benchmarks.md and benchmarks/results.json")
    args = parser.parse_args(argv)
    if not 1 <= args.spaces <= 500 or not 1 <= args.items <= 500 or not 1 <= args.requests <= 5000:
        parser.error("--spaces and --items must be between 1 and 500, --requests between 1 and 5000")
    if not 0 <= args.warmup <= 500 or min(args.timeout, args.start_timeout, args.step_timeout) <= 0:
        parser.error("--warmup must be at most 500, the timeouts positive")
    args.demo_password = os.environ.get("ENT_DEMO_PASSWORD") or "demo"
    return args


def main(argv=None):
    args = parse_args(argv)

    def work(args, tmp, var, password, results):
        results.update(directory=args.directory, spaces=args.spaces, items=args.items)
        measure_all(args, tmp, var, password, results)

    return dirbench.run_script(args, argv, "workspaces", work, table, summary_lines, write_doc)


if __name__ == "__main__":
    sys.exit(main())

"""Confidentiality and log-ins (issue #9): what the refused-is-missing guard and log-in throttling cost.

    .venv/bin/python benchmarks/security.py [--write] [options]

What is measured (docs/benchmarks.md, section "Confidentiality and log-ins (#9)"):

1. a first `ent-instance run` with the demo (ENT_DEMO=1) in a temporary var folder
   creates the site and the demo directory (its private slapd under var/ldap); it is
   stopped and its var folder (Data.fs, blobs, ldap) copied twice;
2. three instances are served at once, each from its own copy and with its own private
   slapd: A with the settings of `make run`, B with `ENT_CONCEAL=0` (the guard of
   ent.policy.concealment off), C with `ENT_LOGIN_THROTTLE=0` (no counting of failed
   log-ins); all three with `ENT_TRUSTED_PROXY=127.0.0.1`, so that log-ins can come from
   many addresses through an `X-Forwarded-For`, as behind the County's proxy;
3. one request at a time, A and B alternately (the order reversed at every round), after
   untimed warm-up rounds: as the parent `0310001h.parent` (JWT of `POST /ent/@login`) an
   item of its school meant for parents (found in its `@my-feed`), the school's home page
   and `GET /ent/@search?SearchableText=…` (JSON); anonymously the County's home page and
   a public County news item. A ÷ B is the guard's cost;
4. `POST /ent/@login` on A and C alternately: successful log-ins of the demo parents (in
   turn), and wrong passwords over the demo's other accounts and addresses, each account
   and address failing far less often than the throttling slows it down (so nothing is
   refused: the cost of counting, not of refusing). A ÷ C is throttling's cost.

Untimed checks that each setting took effect: anonymously, the parents' item is a 404 on
A and not on B; after the loops, six quick wrong passwords of one account are refused
(429) on A and not on C.

Every server listens on 127.0.0.1 only; every loop is bounded (counts and --timeout).
Everything happens in a temporary folder, removed at the end; every process started here
is stopped, also on error, Ctrl-C or SIGTERM. Prints Markdown tables; `--write` puts them
into docs/benchmarks.md between their own markers and the figures into
benchmarks/results.json (section "security"; the other sections are kept).
"""

from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlsplit

import argparse
import base64
import contextlib
import json
import os
import secrets
import shutil
import sys
import time


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import directory as dirbench  # noqa: E402 -- the instance, requests and report of benchmarks/directory.py
import run as bench  # noqa: E402 -- the processes and helpers of benchmarks/run.py


SITE_ID = bench.SITE_ID
HOST = bench.HOST
BIN = bench.BIN
ROOT = bench.ROOT
BEGIN = (
    "<!-- security-benchmark:begin (written by `benchmarks/security.py --write`; edit the script, not this block) -->"
)
END = "<!-- security-benchmark:end -->"
SCHOOL = dirbench.SCHOOL
PARENT = f"{SCHOOL}.parent"
JSON_HEADERS = dirbench.JSON_HEADERS
#: name: (what it is, its extra ENT_* settings); all three get COMMON too.
INSTANCES = {
    "A": ("the settings of `make run`", {}),
    "B": ("the guard off", {"ENT_CONCEAL": "0"}),
    "C": ("throttling off", {"ENT_LOGIN_THROTTLE": "0"}),
}
COMMON = {"ENT_TRUSTED_PROXY": HOST}
#: The demo accounts that get wrong passwords (parents log in successfully; the
#: principals are kept for the check that throttling is on).
WRONG_PROFILES = ("student", "teacher", "staff", "attee")
#: Failures of one account (or address) before throttling slows it: ENT_LOGIN_ACCOUNT_LIMIT // 2.
SLOW_AFTER = 5
#: name: (label, logged in?, JSON?); the paths are found at run time.
PAGES = {
    "item": ("an item of the school meant for parents (HTML)", True, False),
    "school": (f"the school's home page GET /ent/colleges/{SCHOOL} (HTML)", True, False),
    "search": ("GET /ent/@search?SearchableText=… (JSON)", True, True),
    "county": ("the County's home page GET /ent (HTML)", False, False),
    "public": ("a public County news item (HTML)", False, False),
}
LOGINS = {
    "ok": "`POST /ent/@login`, right password (the demo parents in turn)",
    "wrong": "`POST /ent/@login`, wrong password (401; another account and address each time)",
}
log = bench.log
BenchError = bench.BenchError
Proc = bench.Proc


# --- the instances ------------------------------------------------------------------------


def first_run(args, tmp, var, password, figures):
    """The site and the demo directory, created by a first `ent-instance run` (then stopped)."""
    env = dirbench.env_for(var, bench.free_port(), password, args.demo_password)
    log("first run: ent-instance run with the demo (creates the site and the demo directory)")
    proc = Proc([BIN / "ent-instance", "run"], cwd=ROOT, env=env, logfile=tmp / "instance-first.log")
    try:
        seconds = bench.wait_for_page(proc, int(env["ENT_PORT"]), args.start_timeout)
        created = proc.find(r"Site '.*' created in ([0-9.]+) s")
        figures["first_run"] = {
            "until_first_page_s": seconds,
            "site_created_s": float(created[1].group(1)) if created else None,
        }
        log(f"first run: GET /{SITE_ID} 200 after {seconds:.0f} s; stopping it")
    finally:
        dirbench.stop_instance(proc, env, tmp, "instance-first")
        dirbench.stop_leftover_slapd(var / "ldap")


def copy_var(var, copy):
    """A copy of the stopped instance's data: Data.fs, its blobs and the directory (var/ldap).
    The instance writes var/etc and slapd.conf (with its own folder) anew at its start;
    the run files of the original (locks, pid, the port of its slapd) are left out."""
    left_out = shutil.ignore_patterns("*.lock", "*.tmp", "*.pid", "*.args", "uri")
    for name in ("filestorage", "blobstorage", "ldap"):
        if (var / name).exists():
            shutil.copytree(var / name, copy / name, ignore=left_out, symlinks=True)
    if not (copy / "ldap" / "data" / "data.mdb").exists():
        raise BenchError(f"{var}/ldap holds no directory to copy (was the demo directory created?)")


@contextlib.contextmanager
def served(args, tmp, folders, password):
    """The instances of INSTANCES, each from its folder, started together; yields
    name → port. Each is stopped (with its slapd) at the end."""
    ports, envs, procs = {}, {}, {}
    try:
        for name, (_, settings) in INSTANCES.items():
            ports[name] = bench.free_port()
            envs[name] = dirbench.env_for(
                folders[name], ports[name], password, args.demo_password, **COMMON, **settings
            )
            procs[name] = Proc(
                [BIN / "ent-instance", "run"], cwd=ROOT, env=envs[name], logfile=tmp / f"instance-{name}.log"
            )
        for name, proc in procs.items():
            seconds = bench.wait_for_page(proc, ports[name], args.start_timeout)
            log(f"instance {name} ({INSTANCES[name][0]}) serves on port {ports[name]} after {seconds:.0f} s")
        yield ports
    finally:
        for name, proc in procs.items():
            try:
                dirbench.stop_instance(proc, envs[name], tmp, f"instance-{name}")
            finally:
                dirbench.stop_leftover_slapd(folders[name] / "ldap")


# --- the requests -------------------------------------------------------------------------


def log_in(client, who, secret, address=None):
    headers = dirbench.login_headers()
    if address:
        headers["X-Forwarded-For"] = address
    return client.request("POST", f"/{SITE_ID}/@login", headers=headers, body=dirbench.login_body(who, secret))


def get_json(client, path, token=None):
    headers = dict(JSON_HEADERS, **({"Authorization": f"Bearer {token}"} if token else {}))
    status, _, body = client.request("GET", path, headers)
    if status != 200:
        raise BenchError(f"GET {path}: status {status}: {body[:300]!r}")
    return json.loads(body)


def find_paths(args, clients, tokens, figures):
    """The parents' item (in the parent's @my-feed on A, not public) and a public County
    news item (anonymous @search on A); each checked on every instance."""
    feed = get_json(clients["A"], f"/{SITE_ID}/@my-feed?b_size=100", tokens["A"])
    meant = [
        item
        for item in feed["items"]
        if item.get("@type") == "News Item"
        and (item.get("origin") or "").lower() == SCHOOL
        and "parent" in (item.get("audience") or [])
        and item.get("review_state") != "published"
    ]
    if not meant:
        raise BenchError(
            f"@my-feed of {PARENT} lists no News Item of {SCHOOL} meant for parents: "
            f"{[(i.get('title'), i.get('origin'), i.get('audience')) for i in feed['items']]}"
        )
    found = get_json(
        clients["A"], f"/{SITE_ID}/@search?portal_type=News%20Item&sort_on=effective&path=/{SITE_ID}/actualites"
    )
    public = [item for item in found["items"] if item.get("review_state") == "published"]
    if not public:
        raise BenchError(f"anonymous @search finds no public News Item in /{SITE_ID}/actualites")
    item, news = meant[0], public[0]
    paths = {
        "item": urlsplit(item["@id"]).path,
        "school": f"/{SITE_ID}/colleges/{SCHOOL}",
        "search": f"/{SITE_ID}/@search?SearchableText={quote(args.search)}",
        "county": f"/{SITE_ID}",
        "public": urlsplit(news["@id"]).path,
    }
    # The guard on A, off on B: anonymously, the parents' item is missing on A only.
    anonymous = {name: clients[name].request("GET", paths["item"])[0] for name in ("A", "B")}
    if anonymous["A"] != 404 or anonymous["B"] == 404:
        raise BenchError(
            f"anonymous GET {paths['item']}: status {anonymous['A']} on A, {anonymous['B']} on B "
            "(expected 404 on A only: is ENT_CONCEAL read?)"
        )
    figures["paths"] = paths
    figures["item"] = {"title": item["title"], "audience": item.get("audience"), "state": item.get("review_state")}
    figures["public"] = {"title": news["title"]}
    figures["anonymous_on_item"] = anonymous
    log(
        f"pages: the parents' item {paths['item']} ({item['title']!r}; anonymously {anonymous['A']} on A, "
        f"{anonymous['B']} on B); the public item {paths['public']}"
    )
    return paths


class PageChecks:
    """Each answer 200 and of its type, a logged-in page showing a logged-in person and an
    anonymous one not; the first @search of A and of B must find the same number."""

    def __init__(self):
        self.seen = {}

    def __call__(self, name, index, answer):
        status, ctype, body = answer
        page, instance = name.split(":")
        _, logged_in, as_json = PAGES[page]
        wanted = "application/json" if as_json else "text/html"
        if status != 200 or not ctype.startswith(wanted):
            raise BenchError(
                f"GET {name}: status {status}, Content-Type {ctype!r} (expected 200, {wanted}): {body[:300]!r}"
            )
        if name in self.seen:
            return
        facts = self.seen[name] = {"bytes": len(body)}
        if as_json:
            facts["items_total"] = json.loads(body).get("items_total")
            other = self.seen.get(f"{page}:{'B' if instance == 'A' else 'A'}")
            if other and other["items_total"] != facts["items_total"]:
                raise BenchError(
                    f"GET {page}: {facts['items_total']} results on {instance}, {other['items_total']} on the other"
                )
        else:
            shown = b"personaltools-logout" in body or b"/logout" in body
            if shown != logged_in:
                raise BenchError(f"GET {name}: the page does not show the expected log-in state (logged in: {shown})")


def measure_pages(args, clients, tokens, paths, deadline, figures):
    def target(page, instance):
        _, logged_in, as_json = PAGES[page]
        headers = dict(JSON_HEADERS) if as_json else {}
        if logged_in:
            headers["Authorization"] = f"Bearer {tokens[instance]}"
        return lambda index: clients[instance].request("GET", paths[page], headers)

    targets = {f"{page}:{instance}": target(page, instance) for page in PAGES for instance in ("A", "B")}
    checks = PageChecks()
    log(
        f"pages: {len(targets)} targets, {args.warmup} untimed and {args.requests} timed requests each, "
        "one at a time, alternately"
    )
    requests = dirbench.timed_loop(args, targets, args.warmup + args.requests, deadline, checks)
    figures["pages"] = summary(requests, args.warmup)
    for name, facts in checks.seen.items():
        figures["pages"][name].update(facts)


def accounts(args):
    """The demo's accounts: those of the successful log-ins, those of the wrong passwords."""
    from ent.policy.schools.importer import PACKAGED_SCHOOLS
    from ent.server.ldif import read_schools

    uais = sorted(uai.lower() for uai, _ in read_schools(PACKAGED_SCHOOLS))
    wrong = [f"{uai}.{profile}" for profile in WRONG_PROFILES for uai in uais]
    total = args.warmup + args.logins
    if total > (SLOW_AFTER - 1) * len(wrong):
        raise BenchError(f"{total} wrong passwords would slow down the demo's {len(wrong)} accounts: fewer --logins")
    return [f"{uai}.parent" for uai in uais], wrong


def address(kind, index):
    """A different client address for each log-in (through the trusted proxy)."""
    return f"10.{kind}.{index // 250}.{index % 250 + 1}"


def measure_logins(args, clients, deadline, figures):
    parents, wrong = accounts(args)
    bad_password = f"faux-{secrets.token_urlsafe(8)}"  # a wrong password, made up each run

    def target(kind, instance):
        if kind == "ok":
            return lambda index: log_in(
                clients[instance], parents[index % len(parents)], args.demo_password, address(1, index)
            )
        return lambda index: log_in(clients[instance], wrong[index % len(wrong)], bad_password, address(2, index))

    def check(name, index, answer):
        status, _, body = answer
        kind = name.split(":")[0]
        if kind == "ok":
            dirbench.token_of(status, body, parents[index % len(parents)])
        elif status != 401:
            raise BenchError(
                f"POST @login of {wrong[index % len(wrong)]} with a wrong password ({name}): status "
                f"{status} (expected 401{': refused by throttling' if status == 429 else ''}): "
                f"{body[:300]!r}"
            )

    targets = {f"{kind}:{instance}": target(kind, instance) for kind in LOGINS for instance in ("A", "C")}
    log(
        f"logins: {len(targets)} targets, {args.warmup} untimed and {args.logins} timed POST @login each, "
        f"alternately ({len(parents)} parents; wrong passwords over {len(wrong)} accounts)"
    )
    requests = dirbench.timed_loop(args, targets, args.warmup + args.logins, deadline, check)
    figures["logins"] = summary(requests, args.warmup)
    figures["logins_accounts"] = {
        "ok": len(parents),
        "wrong": len(wrong),
        "wrong_per_account": -(-(args.warmup + args.logins) // len(wrong)),
    }


def check_throttling(args, clients, figures):
    """Untimed: SLOW_AFTER + 1 quick wrong passwords of one account from one address: the
    last is refused (429) on A, not on C."""
    who, statuses = f"{SCHOOL}.principal", {}
    for name in ("A", "C"):
        answers = [log_in(clients[name], who, "faux", "10.3.0.1")[0] for _ in range(SLOW_AFTER + 1)]
        statuses[name] = answers[-1]
    if statuses["A"] != 429 or statuses["C"] != 401:
        raise BenchError(
            f"the {SLOW_AFTER + 1}th quick wrong password of {who}: status {statuses['A']} on A, "
            f"{statuses['C']} on C (expected 429 on A, 401 on C: is ENT_LOGIN_THROTTLE read?)"
        )
    figures["throttling_check"] = statuses


def summary(requests, warmup):
    """p50, p95, max of each target's timed requests (directory.py's summary, without slapd)."""
    for request in requests:
        request["who"] = None
    dirbench.attribute([], requests)  # no LDAP log here: every count 0
    return {
        name: {key: figure[key] for key in ("requests", "p50_ms", "p95_ms", "max_ms")}
        for name, figure in dirbench.summarize(requests, warmup).items()
    }


def measure_all(args, tmp, var, password, figures):
    first_run(args, tmp, var, password, figures)
    folders = {"A": var}
    for name in INSTANCES:
        if name != "A":
            folders[name] = tmp / f"var-{name}"
            copy_var(var, folders[name])
    figures["data_fs_mib"] = (var / "filestorage" / "Data.fs").stat().st_size / 2**20
    figures["settings"] = {name: {**COMMON, **settings} for name, (_, settings) in INSTANCES.items()}
    with served(args, tmp, folders, password) as ports:
        clients = {name: dirbench.Client(port) for name, port in ports.items()}
        try:
            deadline = time.monotonic() + args.timeout
            tokens = {}
            for name, client in clients.items():
                status, _, body = log_in(client, PARENT, args.demo_password)
                tokens[name] = dirbench.token_of(status, body, PARENT)
            paths = find_paths(args, clients, tokens, figures)
            measure_pages(args, clients, tokens, paths, deadline, figures)
            measure_logins(args, clients, deadline, figures)
            check_throttling(args, clients, figures)
            admin = {
                "Accept": "application/json",
                "Authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode(),
            }
            status, _, body = clients["A"].request("GET", f"/{SITE_ID}/@login-locks", admin)
            figures["locks_after"] = json.loads(body).get("items") if status == 200 else f"status {status}"
        finally:
            for client in clients.values():
                client.close()


# --- report -------------------------------------------------------------------------------


def table(results):
    rows = []

    def row(*cells):
        rows.append("| " + " | ".join(cells) + " |")

    if "error" in results:
        rows += ["| Figure | |", "| --- | --- |"]
        row(f"**failed**: {results['error'].replace('|', '/')}", "–")
    pages = results.get("pages")
    if pages:
        rows += [
            "| Refused-is-missing guard: request, p50 / p95 | guard on (A) | guard off (B) | on ÷ off |",
            "| --- | ---: | ---: | ---: |",
        ]
        for page, (label, logged_in, _) in PAGES.items():
            on, off = pages.get(f"{page}:A"), pages.get(f"{page}:B")
            if on and off:
                who = f"as {PARENT} (JWT)" if logged_in else "anonymous"
                row(
                    f"{label}, {who} ({on['requests']} requests)",
                    dirbench.fmt_ms(on),
                    dirbench.fmt_ms(off),
                    dirbench.fmt_ratio(on, off),
                )
    logins = results.get("logins")
    if logins:
        rows += [
            "",
            "| Log-in throttling: request, p50 / p95 | throttling on (A) | throttling off (C) | on ÷ off |",
            "| --- | ---: | ---: | ---: |",
        ]
        for kind, label in LOGINS.items():
            on, off = logins.get(f"{kind}:A"), logins.get(f"{kind}:C")
            if on and off:
                row(
                    f"{label} ({on['requests']} log-ins)",
                    dirbench.fmt_ms(on),
                    dirbench.fmt_ms(off),
                    dirbench.fmt_ratio(on, off),
                )
    return "\n".join(rows)


def summary_lines(results):
    lines = dirbench.header_lines(results)
    if results.get("settings"):
        lines.append(
            "Instances, served at once from copies of one var folder (each with its private slapd): "
            + "; ".join(
                f"{name} " + ", ".join(f"`{k}={v}`" for k, v in settings.items())
                for name, settings in results["settings"].items()
            )
            + f". Data.fs {results.get('data_fs_mib', 0):.0f} MiB (the demo)."
        )
    paths = results.get("paths")
    if paths:
        anonymous = results.get("anonymous_on_item", {})
        search = (results.get("pages") or {}).get("search:A", {})
        lines.append(
            f"Pages: the item `{paths['item']}` ({results['item']['title']!r}, audience "
            f"{', '.join(results['item']['audience'] or [])}, state {results['item']['state']}; "
            f"anonymously {anonymous.get('A')} on A, {anonymous.get('B')} on B); `{paths['search']}` "
            f"({search.get('items_total')} result{'' if search.get('items_total') == 1 else 's'} on A and on B); "
            f"the public item `{paths['public']}`."
        )
    accounts_used = results.get("logins_accounts")
    if accounts_used:
        lines.append(
            f"Log-ins: right passwords of the {accounts_used['ok']} demo parents in turn; wrong passwords over "
            f"{accounts_used['wrong']} demo accounts ({', '.join(WRONG_PROFILES)} of every school; at most "
            f"{accounts_used['wrong_per_account']} per account, throttling slows an account after "
            f"{SLOW_AFTER}), each log-in from another address (`X-Forwarded-For`)."
        )
    if results.get("throttling_check"):
        check = results["throttling_check"]
        lines.append(
            f"Check after the loops: the {SLOW_AFTER + 1}th quick wrong password of one account answered "
            f"{check['A']} on A and {check['C']} on C; accounts or addresses waiting on A then: "
            f"{len(results.get('locks_after') or []) if isinstance(results.get('locks_after'), list) else results.get('locks_after')}"
            " (the checked account's included)."
        )
    if results.get("run"):
        lines.append(
            f"The run (`benchmarks/security.py {results['run']['options']}`) took {results['run']['minutes']} min."
        )
    return lines


def write_doc(results):
    merged = json.loads(bench.RESULTS.read_text(encoding="utf-8")) if bench.RESULTS.exists() else {}
    merged["security"] = results
    bench.RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {bench.RESULTS.relative_to(bench.ROOT)} (section security)")
    body = "\n".join([table(results), ""] + [f"- {line}" for line in summary_lines(results)])
    bench.replace_block(BEGIN, END, body, heading="## Confidentiality and log-ins (#9)\n\n")


# --- main ---------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/security.py", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each page (default 200)")
    parser.add_argument("--logins", type=int, default=200, help="timed log-ins of each kind (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--search", default="parents", help="the SearchableText of @search (default: parents)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for all the requests (default 1800)")
    dirbench.common_arguments(parser, "docs/benchmarks.md and benchmarks/results.json")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 5000 or not 1 <= args.logins <= 1000 or not 0 <= args.warmup <= 500:
        parser.error("--requests must be between 1 and 5000, --logins between 1 and 1000, --warmup at most 500")
    if not args.search.strip() or min(args.timeout, args.start_timeout) <= 0:
        parser.error("--search must not be empty, the timeouts positive")
    args.demo_password = os.environ.get("ENT_DEMO_PASSWORD") or "demo"
    return args


def main(argv=None):
    return dirbench.run_script(parse_args(argv), argv, "security", measure_all, table, summary_lines, write_doc)


if __name__ == "__main__":
    sys.exit(main())

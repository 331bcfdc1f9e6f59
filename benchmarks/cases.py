"""Aid applications and cases (issue #12): a submission against saving a plain Plone page, the
handlers' case screen and its export with many cases.

    .venv/bin/python benchmarks/cases.py [--write] [options]

What is measured (docs/benchmarks.md, section "Aid applications and cases (#12)"):

1. a first `ent-instance run` with the demo (ENT_DEMO=1) in a temporary var folder creates
   the site, its demo aids and the demo directory; it is stopped;
2. --cases (10,000) applications created in one Zope process by the path of a form's
   submission (`zconsole run benchmarks/cases_items.py`, the instance stopped, no mail): the
   wall-clock time; 60 % of them then moved on by `decide` (under review, accepted, refused);
3. a plain Plone 6.2 site of the same virtualenv (run.py's `prepared`, kind "plain") with one
   page created over REST;
4. both served at once; one request at a time, alternately, after untimed warm-up rounds:
   - the open demo aid's form posted by the demo parent `0310001h.parent` (logged in through
     the log-in form; the form's page fetched first, untimed, for its prefilled values and
     token; each post with a different comment and a small PDF), answered by the thanks page
     with the case's number, against the plain page's edit form posted by the admin (its
     title changed each time) and the page it redirects to: p50/p95 of what a person waits
     for after "submit";
   - the case screen `/ent/dossiers/aides/@@cases` as the County agent (`county.agent`,
     member of `county-cases`): its first page (50 newest cases of 10,000), a page deep in
     the batch (`b_start`), and a filtered one (`state=received`);
   - `@@cases-export?format=xlsx` and `format=csv` of every case: the time of each, the
     instance's peak memory during it (VmHWM reset through /proc/PID/clear_refs before each
     export) and its resident memory before; the XLSX is read back (openpyxl) to check it
     holds one row per case.

Every server listens on 127.0.0.1 only; every loop is bounded (counts and --timeout).
Everything happens in a temporary folder, removed at the end; every process started here
is stopped, also on error, Ctrl-C or SIGTERM. Prints Markdown tables; `--write` puts them
into docs/benchmarks.md between their own markers and the figures into
benchmarks/results.json (section "cases"; the other sections are kept).
"""

from pathlib import Path

import argparse
import contextlib
import io
import json
import math
import os
import re
import sys
import time


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import directory as dirbench  # noqa: E402 -- the instance, requests and report of benchmarks/directory.py
import run as bench  # noqa: E402 -- the processes and helpers of benchmarks/run.py
import security as secbench  # noqa: E402 -- the first run and the summaries of benchmarks/security.py


SITE_ID = bench.SITE_ID
HOST = bench.HOST
BIN = bench.BIN
ROOT = bench.ROOT
BEGIN = "<!-- cases-benchmark:begin (written by `benchmarks/cases.py --write`; edit the script, not this block) -->"
END = "<!-- cases-benchmark:end -->"
PARENT = "0310001h.parent"
HANDLER = "county.agent"
SCREEN = f"/{SITE_ID}/dossiers/aides/@@cases"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
Proc = bench.Proc
BenchError = bench.BenchError
log = bench.log


# --- a browser's forms, without a browser -------------------------------------------------


class Browser:
    """A requests session against one instance: cookies, forms read with lxml."""

    def __init__(self, port, auth=None):
        import requests

        self.base = f"http://{HOST}:{port}"
        self.http = requests.Session()
        if auth:
            self.http.auth = auth

    def get(self, path, **kw):
        return self.http.get(self.base + path, timeout=300, allow_redirects=False, **kw)

    def log_in(self, login, password):
        answer = self.http.post(
            f"{self.base}/{SITE_ID}/login",
            data={"__ac_name": login, "__ac_password": password, "buttons.login": "Se connecter"},
            timeout=120,
        )
        if "__ac" not in self.http.cookies:
            raise BenchError(f"{login} could not log in (status {answer.status_code})")

    def form(self, path, button):
        """(action URL, the values a browser would send) of the form of `path` that has `button`."""
        import lxml.html

        answer = self.get(path)
        if answer.status_code != 200:
            raise BenchError(f"GET {path}: status {answer.status_code}")
        page = lxml.html.fromstring(answer.content, base_url=self.base + path)
        for form in page.forms:
            if form.xpath(f".//*[@name='{button}']"):
                values = [(name, value) for name, value in form.form_values()]
                submit = form.xpath(f".//*[@name='{button}']")[0]
                values.append((button, submit.get("value") or "submit"))
                return form.action or self.base + path, values
        raise BenchError(f"GET {path}: no form with {button} (is the aid open, the page editable?)")


def with_value(values, suffix, value):
    """`values` with the field whose name ends with `suffix` set to `value`."""
    found = False
    result = []
    for name, old in values:
        if name.endswith(suffix) and not found:
            result.append((name, value))
            found = True
        else:
            result.append((name, old))
    if not found:
        raise BenchError(f"no field ending with {suffix!r} in the form")
    return result


# --- steps ----------------------------------------------------------------------------------


def create_cases(args, tmp, var, password, figures):
    env = dirbench.env_for(var, bench.free_port(), password, args.demo_password, ENT_NOTIFICATIONS="0")
    conf = bench.render(var, env, tmp)
    log(f"cases: {args.cases} applications by create_case in one Zope process (output in {tmp / 'cases-items.log'})")
    started = time.monotonic()
    proc = bench.run(
        [BIN / "zconsole", "run", conf, HERE / "cases_items.py", str(args.cases), str(args.seed)],
        cwd=ROOT,
        env=env,
        logfile=tmp / "cases-items.log",
        timeout=args.step_timeout,
    )
    found = proc.find(r"^BENCH-RESULT (.*)$")
    if not found:
        raise BenchError(f"cases_items.py printed no result; last lines:\n{proc.tail()}")
    figures["creation"] = json.loads(found[1].group(1))
    figures["creation"]["wall_s"] = time.monotonic() - started
    log(
        f"cases: {args.cases} created in {figures['creation']['seconds']:.0f} s; states {figures['creation']['states']}"
    )


@contextlib.contextmanager
def served(args, tmp, var, plain_var, password):
    ports = {"ent": bench.free_port(), "plain": bench.free_port()}
    envs = {
        "ent": dirbench.env_for(var, ports["ent"], password, args.demo_password),
        "plain": bench.instance_env(plain_var, ENT_PORT=ports["plain"], ENT_ADMIN_PASSWORD=password),
    }
    procs = {}
    try:
        for name in ports:
            procs[name] = Proc(
                [BIN / "ent-instance", "run"], cwd=ROOT, env=envs[name], logfile=tmp / f"serve-{name}.log"
            )
        for name, proc in procs.items():
            seconds = bench.wait_for_page(proc, ports[name], args.start_timeout)
            log(f"instance {name} serves on port {ports[name]} after {seconds:.0f} s")
        yield ports, procs
    finally:
        for name, proc in procs.items():
            try:
                dirbench.stop_instance(proc, envs[name], tmp, f"serve-{name}")
            finally:
                if name == "ent":
                    dirbench.stop_leftover_slapd(var / "ldap")


def open_aid_form(parent):
    """The form path of the demo aid that is open now."""
    answer = parent.get(f"/{SITE_ID}/@search?portal_type=Aid&sort_on=created", headers={"Accept": "application/json"})
    if answer.status_code != 200:
        raise BenchError(f"@search for the aids: status {answer.status_code}")
    for item in answer.json().get("items", ()):
        path = item["@id"].split(parent.base, 1)[-1] + "/formulaire"
        try:
            parent.form(path, "form.buttons.submit")
        except BenchError:
            continue
        return path
    raise BenchError("no demo aid has an open form")


def measure_submissions(args, ent_parent, plain_admin, form_path, page_path, deadline, figures):
    timed = {"submit": [], "plain_save": []}
    references = set()
    for index in range(args.warmup_posts + args.posts):
        if time.monotonic() > deadline:
            raise BenchError(f"submissions: not done within {args.timeout:.0f} s (--timeout)")
        for name in ("submit", "plain_save") if index % 2 == 0 else ("plain_save", "submit"):
            if name == "submit":
                action, values = ent_parent.form(form_path, "form.buttons.submit")
                values = with_value(values, "comments", f"Demande n° {index}, mesurée ({time.time()}).")
                files = {
                    name: ("justificatif.pdf", PDF, "application/pdf")
                    for name, _ in values
                    if name.endswith("attachment_1")
                }
                data = [(k, v) for k, v in values if not k.endswith(("attachment_1", "attachment_2"))]
                started = time.perf_counter()
                answer = ent_parent.http.post(action, data=data, files=files or None, timeout=300)
                elapsed = time.perf_counter() - started
                found = re.search(rb"A-\d{4}-\d{5}", answer.content)
                if answer.status_code != 200 or not found:
                    raise BenchError(f"POST {action}: status {answer.status_code}, no case number in the answer")
                references.add(found.group(0))
            else:
                action, values = plain_admin.form(f"{page_path}/@@edit", "form.buttons.save")
                values = with_value(values, ".title", f"Page mesurée {index}")
                # The save and the page it leads to, as the form's thanks page is for the ENT.
                started = time.perf_counter()
                answer = plain_admin.http.post(action, data=values, timeout=300)
                elapsed = time.perf_counter() - started
                if answer.status_code != 200 or not answer.history or answer.history[0].status_code not in (302, 303):
                    raise BenchError(f"POST {action} (plain page save): status {answer.status_code}, no redirect")
            if index >= args.warmup_posts:
                timed[name].append(elapsed)
    figures["submissions"] = {name: summary_of(values) for name, values in timed.items()}
    figures["submissions"]["cases_made"] = len(references)


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


def measure_screen(args, handler, total, deadline, figures):
    pages = {
        "first": SCREEN,
        "deep": f"{SCREEN}?b_start={(total // 2) // 50 * 50}",
        "filtered": f"{SCREEN}?state=received",
    }
    timed = {name: [] for name in pages}
    for path in pages.values():
        answer = handler.get(path)
        if answer.status_code != 200 or b"A-" not in answer.content:
            raise BenchError(f"GET {path} as {HANDLER}: status {answer.status_code} or no case listed")
    for index in range(args.warmup + args.requests):
        if time.monotonic() > deadline:
            raise BenchError(f"case screen: not done within {args.timeout:.0f} s (--timeout)")
        for name, path in pages.items():
            started = time.perf_counter()
            answer = handler.get(path)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                raise BenchError(f"GET {path}: status {answer.status_code}")
            if index >= args.warmup:
                timed[name].append(elapsed)
    figures["screen"] = {name: summary_of(values) for name, values in timed.items()}
    figures["screen"]["paths"] = pages


def measure_exports(args, handler, pid, total, figures):
    import openpyxl

    figures["export"] = {}
    for fmt in ("xlsx", "csv"):
        runs = []
        for _ in range(args.exports):
            rss_before = bench.memory(pid)["VmRSS"]
            with open(f"/proc/{pid}/clear_refs", "w") as refs:  # resets VmHWM to the current RSS
                refs.write("5")
            started = time.perf_counter()
            answer = handler.get(f"/{SITE_ID}/dossiers/aides/@@cases-export?format={fmt}")
            elapsed = time.perf_counter() - started
            peak = bench.memory(pid)["VmHWM"]
            if answer.status_code != 200:
                raise BenchError(f"export {fmt}: status {answer.status_code}")
            runs.append({"s": elapsed, "rss_before_mib": rss_before, "peak_mib": peak, "bytes": len(answer.content)})
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True).active
            rows = sum(1 for _ in sheet.iter_rows()) - 1
        else:
            rows = answer.content.decode("utf-8-sig").count("\n") - 1
        if rows < total:
            raise BenchError(f"export {fmt}: {rows} rows for {total} cases")
        runs.sort(key=lambda run: run["s"])
        middle = runs[len(runs) // 2]
        figures["export"][fmt] = {
            "exports": len(runs),
            "median_s": middle["s"],
            "max_s": runs[-1]["s"],
            "rss_before_mib": middle["rss_before_mib"],
            "peak_growth_mib": max(run["peak_mib"] - run["rss_before_mib"] for run in runs),
            "rows": rows,
            "kib": middle["bytes"] / 1024,
        }
        log(f"export {fmt}: {rows} rows in {middle['s']:.1f} s")


def measure_all(args, tmp, var, password, figures):
    secbench.first_run(args, tmp, var, password, figures)
    create_cases(args, tmp, var, password, figures)
    plain_var = bench.prepared(tmp, password, "plain", part="cases")
    figures["data_fs_mib"] = (var / "filestorage" / "Data.fs").stat().st_size / 2**20
    with served(args, tmp, var, plain_var, password) as (ports, procs):
        deadline = time.monotonic() + args.timeout
        plain_admin = Browser(ports["plain"], auth=("admin", password))
        created = plain_admin.http.post(
            f"{plain_admin.base}/{SITE_ID}",
            json={"@type": "Document", "id": "page-mesuree", "title": "Page mesurée", "text": "<p>Texte.</p>"},
            headers={"Accept": "application/json"},
            timeout=120,
        )
        if created.status_code != 201:
            raise BenchError(f"plain: creating the page answered {created.status_code}")
        parent = Browser(ports["ent"])
        parent.log_in(PARENT, args.demo_password)
        handler = Browser(ports["ent"])
        handler.log_in(HANDLER, args.demo_password)
        form_path = open_aid_form(parent)
        figures["form"] = form_path
        log(f"submissions: {args.posts} posts of {form_path} and of a plain page's edit form, alternately")
        measure_submissions(args, parent, plain_admin, form_path, f"/{SITE_ID}/page-mesuree", deadline, figures)
        total = figures["creation"]["count"] + figures["submissions"]["cases_made"]
        log(f"case screen: {args.requests} requests of each page with {total} cases and more")
        measure_screen(args, handler, total, deadline, figures)
        measure_exports(args, handler, procs["ent"].pid, figures["creation"]["count"], figures)


# --- report -------------------------------------------------------------------------------


def table(results):
    rows = []

    def row(*cells):
        rows.append("| " + " | ".join(cells) + " |")

    if "error" in results:
        return f"| Figure | |\n| --- | --- |\n| **failed**: {results['error'].replace('|', '/')} | – |"
    creation = results["creation"]
    rows += ["| Figure | ENT | plain Plone | ENT ÷ plain |", "| --- | --- | --- | --- |"]
    sub = results["submissions"]
    for key in ("p50_ms", "p95_ms"):
        ent, plain = sub["submit"][key], sub["plain_save"][key]
        row(
            f"{key[:3]} of a submission (aid form, PDF attached, thanks page) vs saving a page (edit form, then the page)",
            f"{ent:.0f} ms",
            f"{plain:.0f} ms",
            f"{ent / plain:.2f}×",
        )
    screen = results["screen"]
    labels = {"first": "first page", "deep": "a page deep in the batch", "filtered": "filtered (received)"}
    for name, label in labels.items():
        figure = screen[name]
        row(f"case screen, {label}: p50 / p95", f"{figure['p50_ms']:.0f} / {figure['p95_ms']:.0f} ms", "–", "–")
    for fmt, figure in results["export"].items():
        row(
            f"export {fmt.upper()} of {figure['rows']:,} cases: time (median of {figure['exports']}), "
            "memory growth at its peak",
            f"{figure['median_s']:.1f} s, +{figure['peak_growth_mib']:.0f} MiB ({figure['kib']:.0f} KiB)",
            "–",
            "–",
        )
    row(
        f"{creation['count']:,} cases made by create_case (+ decide) in one process",
        f"{creation['seconds']:.0f} s ({creation['seconds'] / creation['count'] * 1000:.1f} ms each)",
        "–",
        "–",
    )
    return "\n".join(rows)


def summary_lines(results):
    if "error" in results:
        return [f"The run failed: {results['error']}"]
    machine = results.get("machine", {})
    creation = results["creation"]
    return [
        f"{results.get('date')}, {results.get('code')}, on {machine.get('cores', '?')} cores; "
        f"load {results.get('load_before')} before, {results.get('load_after')} after.",
        f"The site held {creation['before'] + creation['count']:,} cases when measured "
        f"(states: {', '.join(f'{k} {v}' for k, v in sorted(creation['states'].items()))}); "
        f"Data.fs {results['data_fs_mib']:.0f} MiB.",
        f"{results['submissions']['submit']['requests']} timed submissions of `{results['form']}` as "
        f"`{PARENT}`, each making a case, against as many saves of a plain Plone page by its admin; "
        f"the screen as `{HANDLER}`, {results['screen']['first']['requests']} requests of each page.",
    ]


def write_doc(results):
    merged = json.loads(bench.RESULTS.read_text(encoding="utf-8")) if bench.RESULTS.exists() else {}
    merged["cases"] = results
    bench.RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {bench.RESULTS.relative_to(bench.ROOT)} (section cases)")
    body = "\n".join([table(results), ""] + [f"- {line}" for line in summary_lines(results)])
    bench.replace_block(BEGIN, END, body, heading="## Aid applications and cases (#12)\n\n")


# --- main ---------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/cases.py", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases created first (default 10000)")
    parser.add_argument("--posts", type=int, default=40, help="timed submissions and page saves (default 40)")
    parser.add_argument("--warmup-posts", type=int, default=5, help="untimed ones first (default 5)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests of each screen page (default 40)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds of the screen first (default 5)")
    parser.add_argument("--exports", type=int, default=3, help="exports of each format (default 3)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the cases' spread (default 2026)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds for all the requests (default 3600)")
    dirbench.common_arguments(parser, "docs/benchmarks.md and benchmarks/results.json")
    args = parser.parse_args(argv)
    if not 1 <= args.cases <= 200_000 or not 1 <= args.posts <= 1000 or not 1 <= args.requests <= 1000:
        parser.error("--cases must be between 1 and 200000, --posts and --requests between 1 and 1000")
    if not 1 <= args.exports <= 20 or min(args.timeout, args.start_timeout, args.step_timeout) <= 0:
        parser.error("--exports must be between 1 and 20, the timeouts positive")
    args.demo_password = os.environ.get("ENT_DEMO_PASSWORD") or "demo"
    return args


def main(argv=None):
    return dirbench.run_script(parse_args(argv), argv, "cases", measure_all, table, summary_lines, write_doc)


if __name__ == "__main__":
    sys.exit(main())

"""The ENT's directory at scale (the "identity federation" issue), against local users.

    .venv/bin/python benchmarks/directory.py [--write] [options]

What is measured (docs/benchmarks.md, section "Directory at scale", explains each figure):

1. `ent-directory generate scale FILE.ldif` (the scale directory: about 115,000 accounts
   of 102 collèges, with their groups), then `ent-directory load FILE.ldif` (wipe and
   slapadd into var/ldap, the instance stopped): the wall-clock time of each command;
2. with that directory served by a private slapd and an ENT instance pointed at it:
   `POST /ent/@login` of different directory accounts (random `{uai}.parent.{n}`)
   against the log-in of a local Plone user (in the site's source_users), interleaved;
3. logged-in pages, one request at a time, alternately: the school home page
   GET /ent/colleges/0310001h (HTML) and GET /ent/@search (JSON), each with the JWT of
   the same directory user, of a different directory user at each request (whose
   account the caches have forgotten: its token was taken more than --cold-wait seconds
   before), of the local user, and anonymously for reference;
4. the LDAP operations of each request: slapd runs with `-d stats` (in the foreground,
   its output read by this script), and each SRCH, BIND, MOD… is attributed to the
   request during which slapd stamped it (slapd's and this script's clocks are the same).

The instance is the one `make run` starts: a first `ent-instance run` with the demo
(ENT_DEMO=1) creates the site and the local directory in a temporary var folder; it is
stopped, the directory replaced by the scale one (`ent-directory load`), and the instance
started again, pointed (ENT_LDAP_URI) at a slapd that this script starts on the same
configuration and data, with its statistics log. The local user has no group (it cannot
be in the directory's groups); the directory users have theirs ({uai}-parent, all-parent).

Ratios are directory ÷ local user, measured in the same run. Every server listens on
127.0.0.1 only; every loop is bounded (counts and --timeout). Everything happens in a
temporary folder, removed at the end; every process started here is stopped, also on
error, Ctrl-C or SIGTERM. Prints Markdown tables; `--write` puts them into
docs/benchmarks.md, between their own markers (the rest of the file is left alone).
"""

from pathlib import Path

import argparse
import base64
import bisect
import contextlib
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402 -- the processes and helpers of benchmarks/run.py


ROOT = bench.ROOT
BIN = bench.BIN
HOST = bench.HOST
SITE_ID = bench.SITE_ID
DOC = bench.DOC
BEGIN = (
    "<!-- directory-benchmark:begin (written by `benchmarks/directory.py --write`; edit the script, not this block) -->"
)
END = "<!-- directory-benchmark:end -->"
SLAPD = "/usr/sbin/slapd"
BASE = "dc=ent,dc=local"  # the default of `ent-directory generate` and of the local directory
SCHOOL = "0310001h"
PARENTS_PER_SCHOOL = 600  # ent.server.ldif.SCALE_COUNTS["parent"]
LOCAL_USER = "bench.local"
JSON_HEADERS = {"Accept": "application/json"}
log = bench.log
BenchError = bench.BenchError
Proc = bench.Proc


# --- HTTP ----------------------------------------------------------------------------


class Client:
    """One keep-alive connection to the instance; a connection the server closed is opened anew."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, headers=None, body=None):
        """(status, content type, body bytes) of one request."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.getheader("Content-Type", ""), response.read()
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def login_body(login, password):
    return json.dumps({"login": login, "password": password}).encode()


def login_headers():
    return {"Accept": "application/json", "Content-Type": "application/json"}


def token_of(status, body, who):
    if status != 200:
        raise BenchError(f"POST /{SITE_ID}/@login as {who}: status {status}: {body[:300]!r}")
    token = json.loads(body).get("token")
    if not token:
        raise BenchError(f"POST /{SITE_ID}/@login as {who} gave no token: {body[:300]!r}")
    return token


# --- the directory -------------------------------------------------------------------


def ldap_connection(uri, password):
    import ldap

    conn = ldap.initialize(uri)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
    conn.set_option(ldap.OPT_TIMEOUT, 30)
    conn.simple_bind_s(f"cn=admin,{BASE}", password)
    return conn


def wait_for_slapd(proc, uri, password, timeout=60):
    import ldap

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise BenchError(f"slapd exited ({proc.popen.returncode}); last lines:\n{proc.tail()}")
        try:
            ldap_connection(uri, password).unbind_s()
            return
        except ldap.LDAPError:
            time.sleep(0.2)
    raise BenchError(f"slapd did not answer on {uri} within {timeout} s; last lines:\n{proc.tail()}")


def directory_facts(uri, password):
    """What the served directory holds (counted by the manager, not timed)."""
    import ldap

    conn = ldap_connection(uri, password)
    try:

        def count(base, query):
            return len(conn.search_s(base, ldap.SCOPE_ONELEVEL, query, ["1.1"]))

        people = count(f"ou=people,{BASE}", "(objectClass=inetOrgPerson)")
        groups = conn.search_s(f"ou=groups,{BASE}", ldap.SCOPE_ONELEVEL, "(objectClass=groupOfNames)", ["cn"])
        ids = sorted(entry["cn"][0].decode() for _, entry in groups)
        uais = sorted(i[: -len("-parent")] for i in ids if i.endswith("-parent") and not i.startswith("all-"))
        largest = conn.search_s(f"cn=all-parent,ou=groups,{BASE}", ldap.SCOPE_BASE, "(objectClass=*)", ["member"])
        user = f"{SCHOOL}.parent.1"
        user_groups = conn.search_s(
            f"ou=groups,{BASE}", ldap.SCOPE_ONELEVEL, f"(member=uid={user},ou=people,{BASE})", ["cn"]
        )
        return {
            "people": people,
            "groups": len(ids),
            "uais": uais,
            "all_parent_members": len(largest[0][1].get("member", [])),
            "user_groups": sorted(entry["cn"][0].decode() for _, entry in user_groups),
        }
    finally:
        conn.unbind_s()


LINE = re.compile(r"^([0-9a-f]{8})\.([0-9a-f]{8}) \S+ conn=(\d+) (?:op=(\d+) )?(.*)$")
RESULT = re.compile(r"etime=([0-9.]+)(?: nentries=(\d+))?")


def slapd_operations(lines):
    """(time, kind, detail) of each operation in slapd's `-d stats` output.

    Kinds: SRCH (detail: its text and its `etime`, the server's own time), BIND, MOD, ADD,
    DEL, CONNECT (a new connection), and RESULT (detail: etime, `nentries`).
    """
    operations, searches = [], {}
    for line in lines:
        match = LINE.match(line)
        if not match:
            continue
        stamp = int(match.group(1), 16) + int(match.group(2), 16) / 1e9
        key, text = (match.group(3), match.group(4)), match.group(5)
        if text.startswith("SRCH base="):
            searches[key] = len(operations)
            operations.append((stamp, "SRCH", [text, None]))
        elif text.startswith("BIND dn=") and " method=" in text:
            operations.append((stamp, "BIND", text))
        elif text.startswith(("MOD dn=", "ADD dn=", "DEL dn=", "MODRDN dn=")):
            operations.append((stamp, text.split(" ", 1)[0], text))
        elif " ACCEPT from " in f" {text}":
            operations.append((stamp, "CONNECT", text))
        elif text.startswith(("SEARCH RESULT", "RESULT")):
            result = RESULT.search(text)
            if result:
                etime = float(result.group(1))
                operations.append((stamp, "RESULT", (etime, int(result.group(2) or 0))))
                if key in searches:
                    operations[searches.pop(key)][2][1] = etime
    return operations


def attribute(operations, requests):
    """Add to each request (a dict with wall-clock `t0`, `t1`) the operations slapd stamped
    during it; return the operations stamped outside every request, by kind."""
    requests = sorted(requests, key=lambda r: r["t0"])
    starts = [r["t0"] for r in requests]
    outside = {}
    for request in requests:
        request["ldap"] = {"SRCH": 0, "BIND": 0, "WRITE": 0, "CONNECT": 0, "etime": 0.0, "entries": 0}
        request["searches"] = []
    for stamp, kind, detail in operations:
        index = bisect.bisect_right(starts, stamp) - 1
        request = requests[index] if index >= 0 else None
        if request is None or stamp > request["t1"]:
            outside[kind] = outside.get(kind, 0) + 1
            continue
        counts = request["ldap"]
        if kind == "RESULT":
            etime, entries = detail
            counts["etime"] += etime
            counts["entries"] += entries
        elif kind in ("MOD", "ADD", "DEL", "MODRDN"):
            counts["WRITE"] += 1
        else:
            counts[kind] += 1
            if kind == "SRCH":
                request["searches"].append(detail)
    return outside


# --- the benchmark -------------------------------------------------------------------


def env_for(var, port, password, demo_password, **extra):
    return bench.clean_env(
        ENT_HOME=ROOT,
        ENT_VAR_DIR=var,
        ENT_HOST=HOST,
        ENT_SITE_ID=SITE_ID,
        ENT_PORT=port,
        ENT_ADMIN_PASSWORD=password,
        ENT_DEMO="1",
        ENT_DEMO_PASSWORD=demo_password,
        **extra,
    )


def timed_command(argv, env, logfile, timeout):
    """Run a command to its end (bounded); return (seconds, Proc)."""
    started = time.perf_counter()
    proc = bench.run(argv, cwd=ROOT, env=env, logfile=logfile, timeout=timeout)
    return time.perf_counter() - started, proc


def disk_usage(path):
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
            except OSError:
                pass
    return total


def stop_leftover_slapd(folder):
    """A slapd the instance started from `folder` (var/ldap) and did not stop: by its pid file."""
    try:
        pid = int((folder / "slapd.pid").read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return
    if "slapd" in cmdline and str(folder) in cmdline:
        log(f"stopping the slapd left behind in {folder} (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
        if Path(f"/proc/{pid}").exists():
            os.kill(pid, signal.SIGKILL)


def stop_instance(proc, env, tmp, name):
    """`ent-instance stop` (what `make stop` does), then make sure the process is gone."""
    try:
        bench.run([BIN / "ent-instance", "stop"], cwd=ROOT, env=env, logfile=tmp / f"{name}-stop.log", timeout=90)
        proc.wait_exit(60)
    finally:
        proc.stop(timeout=20)


def build_directory(args, tmp, var, password, figures):
    """Part 1: generate the scale directory, the first run (site and demo directory), load."""
    ldif = tmp / "scale.ldif"
    env = env_for(var, bench.free_port(), password, args.demo_password)
    log("generate: ent-directory generate scale (about 115,000 entries)")
    seconds, proc = timed_command(
        [BIN / "ent-directory", "generate", "scale", ldif], env, tmp / "generate.log", args.step_timeout
    )
    found = proc.find(r"(\d+) entries written")
    figures["generate"] = {
        "seconds": seconds,
        "entries": int(found[1].group(1)) if found else None,
        "ldif_mib": ldif.stat().st_size / 2**20,
    }
    log(
        f"generate: {figures['generate']['entries']} entries in {seconds:.1f} s "
        f"({figures['generate']['ldif_mib']:.0f} MiB)"
    )

    log("first run: ent-instance run with the demo (creates the site and the local directory)")
    proc = Proc([BIN / "ent-instance", "run"], cwd=ROOT, env=env, logfile=tmp / "instance-first.log")
    try:
        first_page = bench.wait_for_page(proc, int(env["ENT_PORT"]), args.start_timeout)
        created = proc.find(r"Site '.*' created in ([0-9.]+) s")
        figures["first_run"] = {
            "until_first_page_s": first_page,
            "site_created_s": float(created[1].group(1)) if created else None,
        }
        log(f"first run: GET /{SITE_ID} 200 after {first_page:.0f} s; stopping it (ent-instance stop)")
    finally:
        stop_instance(proc, env, tmp, "instance-first")
        stop_leftover_slapd(var / "ldap")

    log("load: ent-directory load (wipe, slapadd)")
    seconds, proc = timed_command([BIN / "ent-directory", "load", ldif], env, tmp / "load.log", args.step_timeout)
    found = proc.find(r"loaded into .* in (\d+) s")
    figures["load"] = {
        "seconds": seconds,
        "slapadd_s": int(found[1].group(1)) if found else None,
        "data_mib": disk_usage(var / "ldap" / "data") / 2**20,
    }
    log(
        f"load: {seconds:.1f} s (slapadd {figures['load']['slapadd_s']} s), "
        f"{figures['load']['data_mib']:.0f} MiB of data"
    )
    ldif.unlink()


def timed_loop(args, targets, rounds, deadline, on_answer):
    """`rounds` rounds over `targets` (name → callable giving (status, ctype, body)), in
    alternating order; return the requests: name, index, seconds, wall-clock bounds."""
    requests = []
    names = list(targets)
    for index in range(rounds):
        if time.monotonic() > deadline:
            raise BenchError(f"not done within {args.timeout:.0f} s (--timeout)")
        for name in names if index % 2 == 0 else reversed(names):
            t0 = time.time()
            started = time.perf_counter()
            answer = targets[name](index)
            seconds = time.perf_counter() - started
            t1 = time.time()
            on_answer(name, index, answer)
            requests.append({"name": name, "index": index, "seconds": seconds, "t0": t0, "t1": t1})
    return requests


def serve_and_measure(args, tmp, var, password, figures):
    """Parts 2 to 4: slapd with its statistics log, the instance pointed at it, the requests."""
    with served(args, tmp, var, password, figures) as (port, facts, slapd, _):
        measure(args, port, password, facts, slapd, figures)


@contextlib.contextmanager
def served(args, tmp, var, password, figures, **settings):
    """slapd on the directory of `var` with its statistics log, and the instance pointed at
    it (with these extra ENT_* `settings`): yields (port, directory facts, slapd, instance);
    both are stopped at the end."""
    ldap_port, port = bench.free_port(), bench.free_port()
    uri = f"ldap://{HOST}:{ldap_port}"
    manager = (var / "ldap" / "manager-password").read_text(encoding="utf-8").strip()
    slapd = Proc(
        [SLAPD, "-f", var / "ldap" / "slapd.conf", "-h", f"{uri}/", "-d", "stats"],
        cwd=tmp,
        env=bench.clean_env(),
        logfile=tmp / "slapd.log",
    )
    wait_for_slapd(slapd, uri, manager)
    facts = directory_facts(uri, manager)
    figures["directory"] = {key: value for key, value in facts.items() if key != "uais"}
    figures["directory"]["schools"] = len(facts["uais"])
    log(
        f"slapd on {uri}: {facts['people']} people, {facts['groups']} groups "
        f"(all-parent: {facts['all_parent_members']} members)"
    )
    if SCHOOL not in facts["uais"]:
        raise BenchError(f"the directory has no group {SCHOOL}-parent: not the scale directory?")

    env = env_for(
        var,
        port,
        password,
        args.demo_password,
        ENT_LDAP_URI=uri,
        ENT_LDAP_BIND_DN=f"cn=admin,{BASE}",
        ENT_LDAP_BIND_PASSWORD=manager,
        ENT_LDAP_BASE=BASE,
        **settings,
    )
    log(f"second run: ent-instance run pointed at that slapd (port {port})")
    instance = Proc([BIN / "ent-instance", "run"], cwd=ROOT, env=env, logfile=tmp / "instance.log")
    try:
        figures["second_run"] = {"until_first_page_s": bench.wait_for_page(instance, port, args.start_timeout)}
        yield port, facts, slapd, instance
    finally:
        stop_instance(instance, env, tmp, "instance")
        slapd.stop(timeout=20)


def measure(args, port, password, facts, slapd, figures):
    client = Client(port)
    admin = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()
    local_password = secrets.token_urlsafe(12)
    status, _, body = client.request(
        "POST",
        f"/{SITE_ID}/@users",
        headers={"Accept": "application/json", "Content-Type": "application/json", "Authorization": admin},
        body=json.dumps(
            {
                "username": LOCAL_USER,
                "password": local_password,
                "email": f"{LOCAL_USER}@ent.example",
                "fullname": "Utilisateur local",
            }
        ).encode(),
    )
    if status != 201:
        raise BenchError(f"POST /{SITE_ID}/@users (the local user): status {status}: {body[:300]!r}")
    status, _, body = client.request(
        "GET", f"/{SITE_ID}/@users/{LOCAL_USER}", headers={"Accept": "application/json", "Authorization": admin}
    )
    local_info = json.loads(body) if status == 200 else {}
    figures["local_user"] = {
        "groups": [g.get("id") for g in local_info.get("groups", {}).get("items", [])],
        "roles": local_info.get("roles"),
    }

    # Different random accounts: those of the timed logins, and one per request of each
    # page for "a different directory user at each request".
    logins_total, pages_total = args.warmup + args.logins, args.warmup + args.requests
    rng = random.Random(args.seed)
    accounts = set()
    while len(accounts) < logins_total + 2 * pages_total:
        accounts.add(f"{rng.choice(facts['uais'])}.parent.{rng.randint(1, PARENTS_PER_SCHOOL)}")
    accounts = sorted(accounts)
    rng.shuffle(accounts)
    login_accounts = accounts[:logins_total]
    many = {
        "school": accounts[logins_total : logins_total + pages_total],
        "search": accounts[logins_total + pages_total :],
    }
    user = f"{SCHOOL}.parent.1"
    deadline = time.monotonic() + args.timeout

    def log_in(who, secret):
        status, _, body = client.request(
            "POST", f"/{SITE_ID}/@login", headers=login_headers(), body=login_body(who, secret)
        )
        return token_of(status, body, who)

    # -- the tokens of the logged-in pages, untimed; these accounts are then left alone
    log(f"tokens: {2 * pages_total + 2} logins, untimed (the JWT of each page's users)")
    tokens = {LOCAL_USER: log_in(LOCAL_USER, local_password), user: log_in(user, args.demo_password)}
    for who in many["school"] + many["search"]:
        if time.monotonic() > deadline:
            raise BenchError(f"not done within {args.timeout:.0f} s (--timeout)")
        tokens[who] = log_in(who, args.demo_password)
    tokens_done = time.monotonic()

    # -- logins: a different directory account each time, against the same local user
    def directory_login(index):
        return client.request(
            "POST",
            f"/{SITE_ID}/@login",
            headers=login_headers(),
            body=login_body(login_accounts[index], args.demo_password),
        )

    def local_login(index):
        return client.request(
            "POST", f"/{SITE_ID}/@login", headers=login_headers(), body=login_body(LOCAL_USER, local_password)
        )

    def check_login(name, index, answer):
        status, _, body = answer
        token_of(status, body, login_accounts[index] if name == "directory" else LOCAL_USER)

    log(
        f"logins: {args.warmup} untimed and {args.logins} timed POST @login of each kind, alternately "
        f"({logins_total} different directory accounts)"
    )
    logins = timed_loop(args, {"directory": directory_login, "local": local_login}, logins_total, deadline, check_login)
    for request in logins:
        request["who"] = login_accounts[request["index"]] if request["name"] == "directory" else LOCAL_USER

    # -- logged-in pages; the accounts of "directory-many" were last seen more than
    # --cold-wait seconds ago: longer than the caches keep a user (60 s)
    wait = args.cold_wait - (time.monotonic() - tokens_done)
    if wait > 0:
        log(f"pages: waiting {wait:.0f} s, so that the caches have forgotten the accounts of the tokens")
        time.sleep(wait)
    pages = {"school": (f"/{SITE_ID}/colleges/{SCHOOL}", {}), "search": (f"/{SITE_ID}/@search", JSON_HEADERS)}
    whom = {
        "local": lambda page, index: LOCAL_USER,
        "directory": lambda page, index: user,
        "directory-many": lambda page, index: many[page][index],
        "anonymous": lambda page, index: None,
    }

    def target(page, who):
        path, headers = pages[page]

        def get(index):
            account = whom[who](page, index)
            auth = {"Authorization": f"Bearer {tokens[account]}"} if account else {}
            return client.request("GET", path, dict(headers, **auth))

        return get

    targets = {f"{page}:{who}": target(page, who) for page in pages for who in whom}
    seen = {}

    def check_page(name, index, answer):
        status, ctype, body = answer
        page, who = name.split(":")
        wanted = "application/json" if page == "search" else "text/html"
        if status != 200 or not ctype.startswith(wanted):
            raise BenchError(f"GET {name}: status {status}, Content-Type {ctype!r} (expected 200, {wanted})")
        if name not in seen:
            if page == "school":
                logged_in = b"personaltools-logout" in body or b"/logout" in body
                if logged_in != (who != "anonymous"):
                    raise BenchError(
                        f"GET {name}: the page does not show the expected log-in state (logged in: {logged_in})"
                    )
            seen[name] = {"bytes": len(body)}
            if page == "search":
                seen[name]["items_total"] = json.loads(body).get("items_total")

    log(
        f"pages: {len(targets)} targets, {args.warmup} untimed and {args.requests} timed requests each, "
        "one at a time, alternately"
    )
    page_requests = timed_loop(args, targets, pages_total, deadline, check_page)
    for request in page_requests:
        page, who = request["name"].split(":")
        request["who"] = whom[who](page, request["index"])
    client.close()
    time.sleep(1.0)  # let slapd's last log lines reach this script

    outside = attribute(slapd_operations(line for _, line in list(slapd.lines)), logins + page_requests)
    figures["logins"] = summarize(logins, args.warmup)
    figures["pages"] = summarize(page_requests, args.warmup)
    for name, facts_of_page in seen.items():
        figures["pages"][name].update(facts_of_page)
    figures["ldap_outside_requests"] = outside
    figures["searches_seen"] = search_shapes(logins + page_requests, args.warmup)
    figures["requests"] = [
        {key: value for key, value in r.items() if key not in ("t0", "t1")} for r in logins + page_requests
    ]


def about_user(text, who):
    """Whether an LDAP operation's text names the account `who` (its entry, or its groups)."""
    return bool(who) and (f"uid={who}," in text or f"uid={who})" in text)


def summarize(requests, warmup):
    by_name = {}
    for request in requests:
        if request["index"] >= warmup:
            by_name.setdefault(request["name"], []).append(request)
    summary = {}
    for name, items in by_name.items():
        for request in items:
            request["user_srch"] = sum(about_user(text, request["who"]) for text, _ in request["searches"])
        seconds = [r["seconds"] for r in items]
        looked_up = [r["seconds"] for r in items if r["user_srch"]]
        cached = [r["seconds"] for r in items if not r["user_srch"]]
        summary[name] = {
            "requests": len(items),
            "p50_ms": statistics.median(seconds) * 1000,
            "p95_ms": bench.percentile(seconds, 0.95) * 1000,
            "max_ms": max(seconds) * 1000,
            "srch_mean": statistics.mean(r["ldap"]["SRCH"] for r in items),
            "srch_max": max(r["ldap"]["SRCH"] for r in items),
            "user_srch_mean": statistics.mean(r["user_srch"] for r in items),
            "looked_up": len(looked_up),
            "bind_mean": statistics.mean(r["ldap"]["BIND"] for r in items),
            "connect_mean": statistics.mean(r["ldap"]["CONNECT"] for r in items),
            "write_total": sum(r["ldap"]["WRITE"] for r in items),
            "ldap_etime_ms_mean": statistics.mean(r["ldap"]["etime"] for r in items) * 1000,
            "entries_mean": statistics.mean(r["ldap"]["entries"] for r in items),
            "p50_looked_up_ms": statistics.median(looked_up) * 1000 if looked_up else None,
            "p50_cached_ms": statistics.median(cached) * 1000 if cached else None,
        }
    return summary


def search_shape(text):
    """A search in short, the random accounts and UAIs replaced by placeholders."""
    text = re.sub(r"[0-9]{7}[a-z]\.parent\.[0-9]+", "UAI.parent.N", text)
    text = re.sub(r"\b[0-9]{7}[a-z]-", "UAI-", text)
    base = re.search(r'base="([^"]*)" scope=(\d)', text)
    query = re.search(r'filter="(.*)"', text)
    query = query.group(1) if query else "?"
    query = query.replace("(&(&(objectClass=inetOrgPerson)(!(description=ent:deactivated)))", "people (&…")
    query = query.replace("(&(objectClass=groupOfNames)", "groups (&…")
    query = query.replace(f",ou=people,{BASE}", ",…")
    if base and base.group(2) == "0":
        return "read " + base.group(1).replace(f",ou=people,{BASE}", ",…")
    return query


def search_shapes(requests, warmup):
    """The searches of the timed requests of each kind: per request, and their mean etime."""
    shapes, counts = {}, {}
    for request in requests:
        if request["index"] < warmup:
            continue
        counts[request["name"]] = counts.get(request["name"], 0) + 1
        for text, etime in request["searches"]:
            key = (request["name"], search_shape(text))
            found = shapes.setdefault(key, [0, 0.0])
            found[0] += 1
            found[1] += etime or 0.0
    result = {}
    for (name, shape), (count, etime) in sorted(shapes.items(), key=lambda item: (item[0][0], -item[1][0])):
        result.setdefault(name, []).append(
            {"search": shape, "per_request": count / counts[name], "etime_ms_mean": etime / count * 1000}
        )
    return result


# --- report --------------------------------------------------------------------------


def fmt_ms(figure):
    return f"{figure['p50_ms']:.0f} / {figure['p95_ms']:.0f} ms"


def fmt_ratio(figure, reference):
    return f"{figure['p50_ms'] / reference['p50_ms']:.2f} / {figure['p95_ms'] / reference['p95_ms']:.2f}"


PAGE_LABELS = {"school": f"GET /ent/colleges/{SCHOOL} (HTML)", "search": "GET /ent/@search (JSON)"}
WHO_LABELS = {
    "directory": f"the same directory user ({SCHOOL}.parent.1)",
    "directory-many": "a different directory user at each request",
    "local": "the local user",
    "anonymous": "anonymous, for reference",
}


def table(results):
    rows = ["| Figure | Directory | Local user | Directory ÷ local |", "| --- | ---: | ---: | ---: |"]

    def row(*cells):
        rows.append("| " + " | ".join(cells) + " |")

    if "error" in results:
        row(f"**failed**: {results['error'].replace('|', '/')}", "–", "–", "–")
    generate, load = results.get("generate"), results.get("load")
    if generate:
        row(
            f"`ent-directory generate scale`: {generate['entries']:,} entries, {generate['ldif_mib']:.0f} MiB of LDIF",
            f"{generate['seconds']:.1f} s",
            "–",
            "–",
        )
    if load:
        row(
            f"`ent-directory load` of that LDIF (wipe, slapadd: {load['slapadd_s']} s; "
            f"{load['data_mib']:.0f} MiB of data)",
            f"{load['seconds']:.1f} s",
            "–",
            "–",
        )
    logins = results.get("logins")
    if logins and "local" in logins:
        d, local = logins["directory"], logins["local"]
        row(
            f"`POST /ent/@login`, p50 / p95 ({d['requests']} logins; directory: a different random "
            f"`{{uai}}.parent.{{n}}` each time; local: the local user)",
            fmt_ms(d),
            fmt_ms(local),
            fmt_ratio(d, local),
        )
    pages = results.get("pages")
    if pages:
        for page, label in PAGE_LABELS.items():
            local = pages.get(f"{page}:local")
            for who in ("directory", "directory-many", "anonymous"):
                figure = pages.get(f"{page}:{who}")
                if local and figure:
                    row(
                        f"{label}, p50 / p95 ({figure['requests']} requests): {WHO_LABELS[who]}"
                        + (" (in the first column)" if who == "anonymous" else ""),
                        fmt_ms(figure),
                        fmt_ms(local),
                        fmt_ratio(figure, local),
                    )
    if logins or pages:
        rows += [
            "",
            "| LDAP per timed request (mean) | searches | of which about the user | binds | "
            "server time | requests that looked the user up |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        entries = [
            (
                f"`POST @login`, {WHO_LABELS[n]}"
                if n == "local"
                else "`POST @login`, a different directory user each time",
                (logins or {}).get(n),
            )
            for n in ("directory", "local")
        ]
        entries += [
            (f"{PAGE_LABELS[p]}, {WHO_LABELS[w]}", (pages or {}).get(f"{p}:{w}"))
            for p in PAGE_LABELS
            for w in WHO_LABELS
        ]
        for label, f in entries:
            if f:
                row(
                    label,
                    f"{f['srch_mean']:.2f}",
                    f"{f['user_srch_mean']:.2f}",
                    f"{f['bind_mean']:.2f}",
                    f"{f['ldap_etime_ms_mean']:.2f} ms",
                    f"{f['looked_up']} of {f['requests']}",
                )
    shapes = results.get("searches_seen", {})
    for name, label in (
        ("directory", "`POST @login` of a directory user"),
        ("search:directory-many", "GET /ent/@search by a directory user the caches have forgotten"),
        ("school:local", f"GET /ent/colleges/{SCHOOL} by the local user"),
    ):
        if shapes.get(name):
            rows += ["", f"| Searches of one {label} | per request | server time of one |", "| --- | ---: | ---: |"]
            for item in shapes[name]:
                row(f"`{item['search']}`", f"{item['per_request']:.2f}", f"{item['etime_ms_mean']:.2f} ms")
    return "\n".join(rows)


def header_lines(results):
    """The first lines of a summary: when, on what machine, under what load, which code."""
    machine = results.get("machine", {})
    lines = [
        f"Measured on {results.get('date')} on a machine with {machine.get('cores')} cores and "
        f"{machine.get('memory_gib')} GiB of memory (Python {machine.get('python')}, slapd {results.get('slapd')}); "
        f"load average {results.get('load_before')} just before the run and {results.get('load_after')} after "
        "(above 0.5, something else was running too).",
    ]
    if results.get("code"):
        lines.append(f"Code: {results['code']}.")
    return lines


def summary_lines(results):
    lines = header_lines(results)
    directory = results.get("directory")
    if directory:
        lines.append(
            f"Served directory: {directory['people']:,} people, {directory['groups']} groups of "
            f"{directory['schools']} schools; the largest, all-parent, has {directory['all_parent_members']:,} "
            f"members. The directory user {SCHOOL}.parent.1 is in {', '.join(directory['user_groups'])}; "
            f"the local user is in {', '.join(results.get('local_user', {}).get('groups') or ['no group'])}."
        )
    first = results.get("first_run")
    if first and "second_run" in results:
        lines.append(
            f"First `ent-instance run` with the demo (site and local directory created) until GET /ent is "
            f"200: {first['until_first_page_s']:.0f} s (site {first['site_created_s']} s); the second run, "
            f"pointed at the scale directory: {results['second_run']['until_first_page_s']:.0f} s."
        )
    pages = results.get("pages")
    if pages and "search:local" in pages:
        totals = ", ".join(
            f"{w} {pages[f'search:{w}'].get('items_total')}" for w in WHO_LABELS if f"search:{w}" in pages
        )
        lines.append(f"GET @search lists (items_total): {totals}.")
    logins = results.get("logins")
    if logins and "directory" in logins:
        d = logins["directory"]
        writes = sum(f["write_total"] for f in list(logins.values()) + list((pages or {}).values()))
        lines.append(
            f"A directory login opens {d['connect_mean']:.2f} new LDAP connections on average (the binds as "
            f"the user); writes to the directory during the timed requests: {writes}."
        )
    if pages:
        parts = []
        for name in ("school:directory", "school:directory-many", "search:directory", "search:directory-many"):
            f = pages.get(name)
            if f and f["looked_up"] >= 5 and f["requests"] - f["looked_up"] >= 5:
                parts.append(
                    f"{name} p50 {f['p50_looked_up_ms']:.0f} ms when it looked the user up, "
                    f"{f['p50_cached_ms']:.0f} ms when not"
                )
        if parts:
            lines.append("Logged-in requests: " + "; ".join(parts) + ".")
    if results.get("run"):
        lines.append(
            f"The run (`benchmarks/directory.py {results['run']['options']}`) took {results['run']['minutes']} min."
        )
    return lines


def write_doc(results):
    body = "\n".join([table(results), ""] + [f"- {line}" for line in summary_lines(results)])
    bench.replace_block(BEGIN, END, body, heading="## Directory at scale\n\n")


# --- main ----------------------------------------------------------------------------


def common_arguments(parser, written):
    """The options of every script that runs on `run_script`; --write puts the figures into `written`."""
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds for an instance to serve")
    parser.add_argument("--step-timeout", type=float, default=900, help="seconds for generate and for load")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="date of the figures")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--write", action="store_true", help=f"put the figures into {written}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, var)")
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="JSON",
        help="measure nothing: print the tables of a --json file of an earlier run (and with "
        f"--write put them into {written})",
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/directory.py", description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=200, help="timed logins of each kind (default 200)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed logins and requests first (default 20)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random accounts (default 2026)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for all the logins and requests")
    parser.add_argument(
        "--cold-wait",
        type=float,
        default=65,
        help="seconds between the last token and the pages (default 65: the caches keep a user 60 s)",
    )
    common_arguments(parser, "docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not 1 <= args.logins <= 5000 or not 1 <= args.requests <= 5000 or not 0 <= args.warmup <= 500:
        parser.error("--logins and --requests must be between 1 and 5000, --warmup at most 500")
    if not 0 <= args.cold_wait <= 600 or min(args.timeout, args.start_timeout, args.step_timeout) <= 0:
        parser.error("--cold-wait must be between 0 and 600 seconds, the timeouts positive")
    args.demo_password = os.environ.get("ENT_DEMO_PASSWORD") or "demo"
    return args


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def slapd_version():
    try:
        out = subprocess.run([SLAPD, "-VV"], capture_output=True, text=True, timeout=10)
        found = re.search(r"slapd ([0-9][^ ]*)", out.stderr + out.stdout)
        return found.group(1) if found else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def main(argv=None):
    return run_script(parse_args(argv), argv, "directory", measure_all, table, summary_lines, write_doc)


def measure_all(args, tmp, var, password, results):
    build_directory(args, tmp, var, password, results)
    serve_and_measure(args, tmp, var, password, results)


def run_script(args, argv, name, work, table, summary_lines, write_doc):
    """What benchmarks/NAME.py does around its measurements, `work(args, tmp, var, password,
    results)`: a temporary folder, every process stopped at the end (also on an error, Ctrl-C
    or SIGTERM), the report printed and, with --write, `write_doc(results)`; or with
    --report-only, only the report of an earlier --json file. Returns the exit status."""
    for path in (BIN / "ent-instance", BIN / "ent-directory", BIN / "zconsole", Path(SLAPD)):
        if not path.exists():
            print(f"benchmarks/{name}.py: {path} is missing (make install; Debian's slapd)", file=sys.stderr)
            return 2
    if args.report_only:
        results = json.loads(args.report_only.read_text(encoding="utf-8"))
        results.pop("requests", None)
        print(table(results) + "\n\n" + "\n".join(f"- {line}" for line in summary_lines(results)))
        if args.write:
            write_doc(results)
        return 0
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGINT too: a `cmd &` of a script ignores it
        signal.signal(signum, on_signal)
    tmp = Path(tempfile.mkdtemp(prefix=f"ent-bench-{name}-"))
    var = tmp / "var"
    password = secrets.token_urlsafe(18)
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "src", "instance"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    results = {
        "date": args.date,
        "machine": bench.machine(),
        "slapd": slapd_version(),
        "load_before": round(os.getloadavg()[0], 2),
        "code": f"this working tree at {commit}" + (" with uncommitted changes in src/" if dirty else ""),
    }
    if os.getloadavg()[0] > 0.5:
        log(f"warning: load average {os.getloadavg()[0]:.2f}: something else runs, figures will be noisier")
    log(f"temporary folder {tmp}")
    started = time.monotonic()
    status = 0
    try:
        work(args, tmp, var, password, results)
    except (BenchError, subprocess.SubprocessError, OSError) as error:
        log(f"error: {error}")
        results["error"] = bench.failure_summary(str(error).replace(str(tmp), "<tmp>"))
        status = 1
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let nothing interrupt the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        Proc.stop_all()
        stop_leftover_slapd(var / "ldap")
        if args.keep:
            log(f"kept {tmp} (logs: {tmp}/*.log)")
        else:
            if status:
                logs = Path(tempfile.mkdtemp(prefix=f"ent-bench-{name}-logs-"))
                for path in tmp.glob("*.log"):
                    shutil.copy(path, logs)
                log(f"the logs of this run are in {logs}")
            shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    results["load_after"] = round(os.getloadavg()[0], 2)
    results["run"] = {
        "minutes": round((time.monotonic() - started) / 60, 1),
        "options": " ".join(sys.argv[1:] if argv is None else argv),
    }
    print(table(results))
    print()
    for line in summary_lines(results):
        print(f"- {line}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    results.pop("requests", None)
    if status == 0 and args.write:
        write_doc(results)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks of the ENT against plain Plone, measured in the same run (`make bench`).

    .venv/bin/python benchmarks/run.py [--skip-fresh-clone] [--write] [options]

What is measured (docs/benchmarks.md explains each figure):

1. the first `make run` of a fresh clone of the committed HEAD, until GET /ent is 200,
   with its install part (Debian packages check, virtualenv, pip) and its start part;
2. the second `make run` of that clone, until GET /ent is 200;
3. the time to create a site: ENT profiles (without and with the demo) vs a plain
   Plone classic site, by the same code, in the same Zope process;
4. the memory (RSS) of `ent-instance run` serving an ENT site vs a plain Plone site,
   after start and after warm-up requests, and its start time until the first page;
5. anonymous front-page requests per second, ENT vs plain Plone;
6. the import of the 102 collèges (ent.policy.schools.importer) into a fresh ENT site
   without the demo, and its second, idempotent run, against plain Plone creating the same
   folders and groups by plone.api;
7. the render time of pages, anonymous, one request at a time: a school's home page, the
   ENT's front page, the schools finder and GET @schools (JSON), against plain Plone's
   front page and GET @search, both instances served at once and requested alternately.

Performance is reported as ratios against plain Plone measured in the same run. Every
server listens on 127.0.0.1 only; every request loop is bounded. Everything happens in
a temporary folder (never in var/) and every process started here is stopped at the end,
also on error, Ctrl-C or SIGTERM. Prints a Markdown table; `--write` also stores the
figures in benchmarks/results.json and docs/benchmarks.md (between its markers).
"""

from pathlib import Path

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.prefix) / "bin"
RESULTS = HERE / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- benchmarks:begin (written by `benchmarks/run.py --write`; edit the script, not this table) -->"
END = "<!-- benchmarks:end -->"
HOST = "127.0.0.1"
SITE_ID = "ent"
#: The code that the site creation and serving parts run: this working tree and its .venv,
#: or the fresh clone's (the committed HEAD) once it has been installed.
CODE = {"home": ROOT, "bin": BIN, "label": "working tree"}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """A benchmark could not be measured; the message says why."""


# --- processes -----------------------------------------------------------------------


class Proc:
    """A child process in its own session (process group), its output timestamped.

    Every Proc is stopped by `stop_all()`: SIGTERM to the given pid (graceful), then to
    its whole process group, then SIGKILL, each after a bounded wait.
    """

    running = []

    def __init__(self, argv, *, cwd, env, logfile):
        self.argv = [str(a) for a in argv]
        self.lines = []  # (monotonic time, line)
        self.log = open(logfile, "a", encoding="utf-8")
        self.log.write(f"$ {' '.join(self.argv)}  (in {cwd})\n")
        self.log.flush()
        self.started = time.monotonic()
        self.started_wall = time.time()
        self.popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pgid = self.popen.pid
        Proc.running.append(self)
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.changed:
                self.lines.append((time.monotonic(), line))
                self.changed.notify_all()
            self.log.write(line + "\n")
            self.log.flush()
        with self.changed:
            self.changed.notify_all()

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def tail(self, count=15):
        return "\n".join(line for _, line in self.lines[-count:])

    def find(self, pattern):
        """(seconds since start, match) of the first line matching `pattern`, or None."""
        regex = re.compile(pattern)
        for when, line in list(self.lines):
            match = regex.search(line)
            if match:
                return when - self.started, match
        return None

    def wait_line(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = self.find(pattern)
                if found:
                    return found
                if not self.alive() and not self.reader.is_alive():
                    raise BenchError(
                        f"{self.argv[0]} exited ({self.popen.returncode}) before printing "
                        f"/{pattern}/; last lines:\n{self.tail()}"
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError(
                        f"no line /{pattern}/ from {self.argv[0]} within {timeout:.0f} s; last lines:\n{self.tail()}"
                    )
                self.changed.wait(min(left, 1.0))

    def wait_exit(self, timeout):
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"{self.argv[0]} still runs after {timeout:.0f} s; last lines:\n{self.tail()}") from None
        self.reader.join(5)
        return code

    def _group_alive(self):
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _signal_group(self, signum):
        try:
            os.killpg(self.pgid, signum)
        except ProcessLookupError:
            pass

    def stop(self, graceful_pid=None, timeout=60):
        """Stop gracefully (SIGTERM to `graceful_pid`, default the child), then by force.

        `self.forced` tells whether the graceful SIGTERM was not enough within `timeout`.
        """
        self.forced = False
        if self.alive():
            try:
                os.kill(graceful_pid or self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.forced = True
                log(
                    f"{self.argv[0]} (pid {self.pid}) did not stop in {timeout} s after SIGTERM: "
                    "SIGTERM again, to its whole group"
                )
        for signum, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if not self._group_alive():
                break
            self._signal_group(signum)
            deadline = time.monotonic() + wait
            while self._group_alive() and time.monotonic() < deadline:
                time.sleep(0.2)
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.reader.join(5)
        if self.popen.stdout:
            self.popen.stdout.close()
        self.log.close()
        if self in Proc.running:
            Proc.running.remove(self)
        return self.popen.returncode

    @classmethod
    def stop_all(cls):
        for proc in list(reversed(cls.running)):
            try:
                proc.stop(timeout=30)
            except Exception as error:  # keep stopping the others
                log(f"could not stop {proc.argv}: {error}")


def run(argv, *, cwd, env, logfile, timeout):
    """Run a command to its end (bounded); return the Proc; raise on a non-zero exit."""
    proc = Proc(argv, cwd=cwd, env=env, logfile=logfile)
    try:
        code = proc.wait_exit(timeout)
    finally:
        proc.stop(timeout=10)
    if code != 0:
        raise BenchError(f"{' '.join(map(str, argv))} failed ({code}); last lines:\n{proc.tail()}")
    return proc


# --- HTTP and memory -----------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port, path=f"/{SITE_ID}", timeout=120, connection=None, headers=None, answer=False):
    """GET http://127.0.0.1:port/path (redirects not followed); return the status, or with
    `answer` (status, content type, body)."""
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        if answer:
            return response.status, response.getheader("Content-Type", ""), body
        return response.status
    finally:
        if connection is None:
            conn.close()


def wait_for_page(proc, port, timeout):
    """Poll GET /ent until it is 200; return the seconds since `proc` started."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not proc.alive():
            raise BenchError(
                f"{proc.argv[0]} exited ({proc.popen.returncode}) before GET /{SITE_ID} "
                f"was 200; last lines:\n{proc.tail()}"
            )
        try:
            status = get(port, timeout=max(1.0, min(120.0, deadline - time.monotonic())))
        except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as error:
            last = type(error).__name__
            time.sleep(0.2)
            continue
        if status == 200:
            return time.monotonic() - proc.started
        last = f"status {status}"
        time.sleep(0.5)
    raise BenchError(
        f"GET /{SITE_ID} on port {port} not 200 within {timeout:.0f} s ({last}); last lines:\n{proc.tail()}"
    )


def memory(pid):
    """VmRSS and VmHWM (peak RSS) of `pid`, in MiB."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values


def load(port, total, concurrency, timeout=600):
    """`total` anonymous GET /ent from `concurrency` clients (keep-alive); bounded in time."""
    lock = threading.Lock()
    left = [total]
    statuses = {}
    latencies = []
    deadline = time.monotonic() + timeout

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                started = time.perf_counter()
                status = "error"
                for _ in range(2):  # a kept-alive connection the server closed: once more, anew
                    try:
                        status = get(port, connection=conn)
                        break
                    except (ConnectionError, http.client.HTTPException, OSError):
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, port, timeout=60)
                elapsed = time.perf_counter() - started
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
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
        raise BenchError(f"front page load: expected {total} answers 200, got {statuses}")
    return {
        "requests": done,
        "concurrency": concurrency,
        "seconds": elapsed,
        "rps": done / elapsed,
        "latency_median_ms": statistics.median(latencies) * 1000,
        "latency_p95_ms": sorted(latencies)[int(0.95 * (done - 1))] * 1000,
    }


# --- environment ---------------------------------------------------------------------


def clean_env(**extra):
    """This environment without ENT_* settings, the variables of an enclosing make, nor
    PYTHONDONTWRITEBYTECODE (set in some sandboxes, not in a developer's shell)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENT_")
        and key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def folder_size(path):
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def pip_cache_dir(env):
    if env.get("PIP_NO_CACHE_DIR", "").lower() in ("1", "true", "yes", "on"):
        return None
    if env.get("PIP_CACHE_DIR"):
        return Path(env["PIP_CACHE_DIR"])
    out = subprocess.run(
        [BIN / "python", "-m", "pip", "cache", "dir"], env=env, capture_output=True, text=True, timeout=60
    )
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def pip_cache_state(cache):
    """How warm pip's cache is: its downloads (HTTP cache) and the wheels it built, in MiB."""
    if cache is None:
        return {"state": "disabled", "http_mib": 0.0, "wheels_mib": 0.0}
    http = sum(folder_size(cache / name) for name in ("http", "http-v2")) / 2**20
    wheels = folder_size(cache / "wheels") / 2**20
    if http >= 50:
        state = "warm"
    elif wheels > 0 or http > 1:
        state = "cold for downloads, with the wheels it built before"
    else:
        state = "cold"
    return {"state": state, "http_mib": round(http, 1), "wheels_mib": round(wheels, 1)}


def pip_sources(env):
    """How many pip package sources besides the default index are local / remote (no hosts named)."""
    out = subprocess.run(
        [BIN / "python", "-m", "pip", "config", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    values = set()
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.rsplit(".", 1)[-1] in ("index-url", "extra-index-url", "find-links"):
            values.update(value.strip().strip("'\"").split())
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"):
        values.update(env.get(key, "").split())
    local = sorted(v for v in values if not re.match(r"https?://", v))
    remote = len(values) - len(local)
    return {"local": local, "remote": remote}


def machine():
    info = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.system(),
    }
    try:
        info["debian"] = Path("/etc/debian_version").read_text().strip()
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return info


# --- 1 and 2: make run on a fresh clone ----------------------------------------------


def make_run(clone, env, logfile, timeout, label):
    """`make run` in `clone` until GET /ent is 200, then stop it; return the figures."""
    port = free_port()
    env = dict(env, ENT_PORT=str(port))
    log(f"{label}: make run (port {port}, output in {logfile})")
    proc = Proc(["make", "run"], cwd=clone, env=env, logfile=logfile)
    try:
        first_page = wait_for_page(proc, port, timeout)
        figures = {"until_first_page_s": first_page}
        serving = proc.find(r"ent-instance: serving ")
        if serving:
            figures["until_serving_s"] = serving[0]
        for key, pattern in (
            ("site_created_s", r"Site '.*' created in ([0-9.]+) s"),
            ("zope_started_s", r"Zope started in ([0-9.]+) s"),
        ):
            found = proc.find(pattern)
            if found:
                figures[key] = float(found[1].group(1))
        lock = Path(clone) / "var" / "ent-instance.lock"
        pid = int(lock.read_text().split()[0])
        figures["rss_after_first_page_mib"] = memory(pid)["VmRSS"]
    except BaseException:
        proc.stop(timeout=30)
        raise
    code = proc.stop(graceful_pid=pid, timeout=20)
    figures["sigterm_ignored"] = proc.forced
    log(f"{label}: GET /{SITE_ID} was 200 after {first_page:.1f} s; stopped (make exited {code})")
    return figures, proc


def bench_fresh_clone(args, tmp):
    source = args.source.resolve()
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=True
    ).stdout.strip()
    clone = tmp / "clone"
    started = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(source), str(clone)], check=True, timeout=300)
    subprocess.run(["git", "checkout", "--quiet", "--detach", head], cwd=clone, check=True, timeout=300)
    clone_s = time.monotonic() - started
    env = clean_env(ENT_HOST=HOST, ENT_ADMIN_PASSWORD=secrets.token_urlsafe(18))
    if args.empty_pip_cache:
        env["PIP_CACHE_DIR"] = str(tmp / "pip-cache")
    cache = pip_cache_dir(env)
    cache_before = pip_cache_state(cache)
    sources = pip_sources(env)

    first, proc = make_run(clone, env, tmp / "make-run-1.log", args.install_timeout, "fresh clone, first run")
    stamp = clone / ".venv" / ".ent-run"
    if stamp.exists():
        install = stamp.stat().st_mtime - proc.started_wall
        first["install_s"] = install
        first["start_s"] = first["until_first_page_s"] - install
    cache_after = pip_cache_state(cache)
    second, _ = make_run(clone, env, tmp / "make-run-2.log", args.start_timeout, "fresh clone, second run")
    if args.code == "auto":
        CODE.update(home=clone, bin=clone / ".venv" / "bin", label=f"the fresh clone of {head[:12]}")
    return {
        "date": args.date,
        "commit": head[:12] + ("" if source == ROOT else f" of {source}"),
        "clone_s": clone_s,
        "pip_cache": dict(cache_before, emptied=bool(args.empty_pip_cache), after=cache_after),
        "pip_local_sources": len(sources["local"]),
        "pip_remote_extra_sources": sources["remote"],
        "venv_mib": folder_size(clone / ".venv") / 2**20,
        "first_run": first,
        "second_run": second,
    }


# --- 3: site creation ----------------------------------------------------------------


def instance_env(var, **extra):
    return clean_env(ENT_HOME=CODE["home"], ENT_VAR_DIR=var, ENT_HOST=HOST, ENT_SITE_ID=SITE_ID, **extra)


def render(var, env, tmp):
    run([CODE["bin"] / "ent-instance", "render"], cwd=CODE["home"], env=env, logfile=tmp / "render.log", timeout=120)
    return Path(var) / "etc" / "zope.conf"


def zope_sites(var, env, tmp, logname, *script_args, timeout=1800, script="zope_sites.py"):
    """Run the zconsole script `script` of this folder on the instance of `var`; its BENCH-RESULT."""
    conf = render(var, env, tmp)
    proc = run(
        [CODE["bin"] / "zconsole", "run", conf, HERE / script, *script_args],
        cwd=CODE["home"],
        env=env,
        logfile=tmp / logname,
        timeout=timeout,
    )
    found = proc.find(r"^BENCH-RESULT (.*)$")
    if not found:
        raise BenchError(f"{script} printed no result; last lines:\n{proc.tail()}")
    return json.loads(found[1].group(1))


def bench_site_creation(args, tmp, password):
    var = tmp / "sites"
    log(f"site creation: {args.reps} sites of each kind in one Zope (output in {tmp / 'sites.log'})")
    result = zope_sites(var, instance_env(var, ENT_ADMIN_PASSWORD=password), tmp, "sites.log", "time", str(args.reps))
    if not result["plain_profiles_are_classic"]:
        log("warning: SITE_PROFILES no longer starts with the three profiles of plain Plone classic")
    figures = {"date": args.date, "reps": args.reps, "code": CODE["label"]}
    for kind, times in result["times"].items():
        figures[kind] = {
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "data_fs_mib": statistics.median(result["bytes_written"][kind]) / 2**20,
        }
    shutil.rmtree(var, ignore_errors=True)
    return figures


# --- 4 and 5: serving ----------------------------------------------------------------


def serve_once(args, tmp, var, password, label):
    port = free_port()
    env = instance_env(var, ENT_PORT=port, ENT_ADMIN_PASSWORD=password)
    logfile = tmp / f"serve-{label}.log"
    proc = Proc([CODE["bin"] / "ent-instance", "run"], cwd=CODE["home"], env=env, logfile=logfile)
    try:
        serving_s, _ = proc.wait_line(r"ent-instance: serving ", args.start_timeout)
        time.sleep(0.5)
        figures = {"until_serving_s": serving_s, "rss_after_start_mib": memory(proc.pid)["VmRSS"]}
        figures["until_first_page_s"] = wait_for_page(proc, port, args.start_timeout)
        for _ in range(args.warmup):
            status = get(port)
            if status != 200:
                raise BenchError(f"warm-up GET /{SITE_ID} answered {status}")
        figures["rss_after_warmup_mib"] = memory(proc.pid)["VmRSS"]
        if args.requests:
            figures["load"] = load(port, args.requests, args.concurrency)
            mem = memory(proc.pid)
            figures["rss_after_load_mib"] = mem["VmRSS"]
            figures["rss_peak_mib"] = mem["VmHWM"]
    finally:
        proc.stop(timeout=20)
    figures["sigterm_ignored"] = proc.forced
    text = f"{label}: first page after {figures['until_first_page_s']:.1f} s, RSS {figures['rss_after_warmup_mib']:.0f} MiB"
    if "load" in figures:
        text += f", {figures['load']['rps']:.1f} req/s"
    log(text)
    return figures


#: The instances prepared in this run: (kind, navigation depth or None) → its var folder and
#: what zope_sites.py reported; the pages part serves those of the serving part again.
PREPARED = {}


def prepared(tmp, password, kind, depth=None, part="serving"):
    """The var folder of an instance with the site SITE_ID of `kind`, prepared once per run."""
    key = (kind, depth)
    if key not in PREPARED:
        name = kind + (f"-depth{depth}" if depth is not None else "")
        var = tmp / f"instance-{name}"
        log(f"{part}: preparing the instance {name} (site '{SITE_ID}' of kind {kind})")
        extra = [str(depth)] if depth is not None else []
        report = zope_sites(
            var, instance_env(var, ENT_ADMIN_PASSWORD=password), tmp, f"prepare-{name}.log", "prepare", kind, *extra
        )
        PREPARED[key] = (var, report)
    return PREPARED[key][0]


def bench_serving(args, tmp, password):
    kinds = {"ent": "ent-demo" if args.demo else "ent", "plain": "plain"}
    vars_ = {name: prepared(tmp, password, kind) for name, kind in kinds.items()}
    rounds = {name: [] for name in kinds}
    for index in range(args.rounds):
        for name in ("ent", "plain") if index % 2 == 0 else ("plain", "ent"):
            rounds[name].append(serve_once(args, tmp, vars_[name], password, f"{name}-{index + 1}"))
    figures = {
        "date": args.date,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "ent_kind": kinds["ent"],
        "code": CODE["label"],
    }
    for name, runs in rounds.items():
        summary = {}
        for key in (
            "until_serving_s",
            "until_first_page_s",
            "rss_after_start_mib",
            "rss_after_warmup_mib",
            "rss_after_load_mib",
            "rss_peak_mib",
        ):
            if all(key in r for r in runs):
                summary[key] = statistics.median(r[key] for r in runs)
        if all("load" in r for r in runs):
            for key in ("rps", "latency_median_ms", "latency_p95_ms"):
                summary[key] = statistics.median(r["load"][key] for r in runs)
            summary["requests"] = runs[0]["load"]["requests"]
            summary["concurrency"] = runs[0]["load"]["concurrency"]
        summary["stops"] = len(runs)
        summary["sigterm_ignored"] = sum(bool(r.get("sigterm_ignored")) for r in runs)
        figures[name] = summary
    return figures


# --- 6: import of the schools --------------------------------------------------------


def bench_schools_import(args, tmp, password):
    var = tmp / "schools"
    log(
        f"schools import: {args.import_reps} imports on fresh ENT sites, interleaved with plain Plone "
        f"(output in {tmp / 'schools.log'})"
    )
    result = zope_sites(
        var, instance_env(var, ENT_ADMIN_PASSWORD=password), tmp, "schools.log", "import", str(args.import_reps)
    )
    figures = {
        "date": args.date,
        "reps": args.import_reps,
        "code": CODE["label"],
        "rows": result["rows"],
        "schools_in_file": result["schools_in_file"],
        "report": result["first_report"],
        "second_report": result["second_report"],
        "ent_added": result["ent_added"],
        "plain_added": result["plain_added"],
    }
    for key in ("first", "second", "plain"):
        times = result[key]
        figures[key] = {
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "data_fs_mib": statistics.median(result[key + "_bytes"]) / 2**20,
        }
    report = figures["report"]
    log(
        f"schools import: {report['created']} created, {report['rejected']} rejected in "
        f"{figures['first']['median_s']:.1f} s (median); second import {figures['second']['median_s']:.2f} s; "
        f"plain Plone, same folders and groups: {figures['plain']['median_s']:.1f} s"
    )
    shutil.rmtree(var, ignore_errors=True)
    return figures


# --- 7: render time of pages ---------------------------------------------------------

SCHOOL_UAI = "0310001h"
JSON = {"Accept": "application/json"}
#: key: (label, instance, path, headers, the plain Plone page it is compared with)
PAGES = {
    "school": (
        f"School home page, GET /{SITE_ID}/colleges/{SCHOOL_UAI}",
        "ent",
        f"/{SITE_ID}/colleges/{SCHOOL_UAI}",
        None,
        "front",
    ),
    "front": (f"Front page, GET /{SITE_ID}", "ent", f"/{SITE_ID}", None, "front"),
    "finder": (f"Schools finder, GET /{SITE_ID}/colleges", "ent", f"/{SITE_ID}/colleges", None, "front"),
    "schools_json": (
        f"GET /{SITE_ID}/@schools?b_size=102 (JSON, the 102 schools in one batch)",
        "ent",
        f"/{SITE_ID}/@schools?b_size=102",
        JSON,
        "search_json",
    ),
    "search_json": (
        f"GET /{SITE_ID}/@search?portal_type=School&b_size=102 (JSON, the same schools)",
        "ent",
        f"/{SITE_ID}/@search?portal_type=School&b_size=102",
        JSON,
        "search_json",
    ),
}
#: Plain Plone's pages; its @search on a plain site with plone.restapi:default (see zope_sites.py).
PLAIN_PAGES = {
    "front": ("plain", f"/{SITE_ID}", None),
    "search_json": ("plain-restapi", f"/{SITE_ID}/@search", JSON),
}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def check_answer(name, status, ctype, body, headers):
    """A page must be 200 and of the expected type: an error page is not a render time."""
    wanted = "application/json" if headers else "text/html"
    if status != 200 or not ctype.startswith(wanted):
        raise BenchError(f"GET {name}: status {status}, Content-Type {ctype!r} (expected 200, {wanted})")


# The pages whose weight is measured in a browser: what a first visit downloads.
WEIGHED = ("ent:front", "ent:school", "plain:front")


def page_weight(url):
    """What a first visit of `url` costs in headless Chromium (a fresh profile, so an empty
    cache): the number of requests (the page and every resource it loads) and the bytes
    transferred (headers included) and decoded, from the browser's Resource Timing."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.browser import chromium_driver

    with chromium_driver() as driver:
        driver.set_window_size(1366, 900)
        driver.get(url)
        for _ in range(100):  # the load event, then a moment for what scripts fetch after it
            if driver.execute_script("return document.readyState") == "complete":
                break
            time.sleep(0.1)
        time.sleep(1)
        entries = driver.execute_script(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
            ".map(e => [e.name, e.transferSize, e.decodedBodySize])"
        )
    outside = [name for name, _, _ in entries if not name.startswith(f"http://{HOST}:")]
    return {
        "requests": len(entries),
        "transfer_kib": sum(size for _, size, _ in entries) / 1024,
        "decoded_kib": sum(size for _, _, size in entries) / 1024,
        "outside": outside,
    }


def bench_pages(args, tmp, password):
    depth = args.compare_navigation_depth
    instances = {
        "ent": prepared(tmp, password, "ent-demo", part="pages"),
        "plain": prepared(tmp, password, "plain", part="pages"),
        "plain-restapi": prepared(tmp, password, "plain-restapi", part="pages"),
    }
    targets = {f"ent:{key}": (page[1], page[2], page[3]) for key, page in PAGES.items()}
    targets.update({f"plain:{key}": page for key, page in PLAIN_PAGES.items()})
    if depth is not None:
        instances["ent-depth"] = prepared(tmp, password, "ent-demo", depth, part="pages")
        for key in ("front", "school"):
            targets[f"ent-depth:{key}"] = ("ent-depth", PAGES[key][2], PAGES[key][3])
    depths = {
        name: PREPARED[key][1].get("navigation_depth")
        for name, key in (("ent", ("ent-demo", None)), ("ent-depth", ("ent-demo", depth)))
        if name in instances
    }
    procs, ports = {}, {}
    try:
        for name, var in instances.items():  # all served at once, each in its own process
            ports[name] = free_port()
            env = instance_env(var, ENT_PORT=ports[name], ENT_ADMIN_PASSWORD=password)
            procs[name] = Proc(
                [CODE["bin"] / "ent-instance", "run"], cwd=CODE["home"], env=env, logfile=tmp / f"pages-{name}.log"
            )
        for name, proc in procs.items():
            wait_for_page(proc, ports[name], args.start_timeout)
        conns = {name: http.client.HTTPConnection(HOST, port, timeout=120) for name, port in ports.items()}
        sizes = {}
        for target, (name, path, headers) in targets.items():
            status, ctype, body = get(ports[name], path, connection=conns[name], headers=headers, answer=True)
            check_answer(target, status, ctype, body, headers)
            sizes[target] = len(body)
            if target in ("ent:schools_json", "ent:search_json"):
                answer = json.loads(body)
                if answer.get("items_total") != 102 or len(answer.get("items", ())) != 102:
                    raise BenchError(f"GET {path} lists {answer.get('items_total')} schools, not 102")
            if target == "plain:search_json":
                plain_search_total = json.loads(body).get("items_total")
            if target == "ent:school" and b"Armand Latour" not in body:
                raise BenchError(f"GET {path} does not show the school's name")
        weights = {
            target: page_weight(f"http://{HOST}:{ports[targets[target][0]]}{targets[target][1]}")
            for target in WEIGHED
            if target in targets
        }
        log(
            f"pages: {len(targets)} pages on {len(procs)} instances, {args.page_warmup} warm-up and "
            f"{args.page_requests} timed requests each, one at a time, alternately"
        )
        latencies = {target: [] for target in targets}
        order = list(targets)
        deadline = time.monotonic() + args.page_timeout
        for index in range(args.page_warmup + args.page_requests):
            if time.monotonic() > deadline:
                raise BenchError(f"pages: not done within {args.page_timeout:.0f} s (--page-timeout)")
            for target in order if index % 2 == 0 else reversed(order):
                name, path, headers = targets[target]
                started = time.perf_counter()
                try:
                    status, ctype, body = get(ports[name], path, connection=conns[name], headers=headers, answer=True)
                except (ConnectionError, http.client.HTTPException, OSError):  # a closed keep-alive: anew
                    conns[name].close()
                    conns[name] = http.client.HTTPConnection(HOST, ports[name], timeout=120)
                    status, ctype, body = get(ports[name], path, connection=conns[name], headers=headers, answer=True)
                elapsed = time.perf_counter() - started
                check_answer(target, status, ctype, body, headers)
                if index >= args.page_warmup:
                    latencies[target].append(elapsed)
        for conn in conns.values():
            conn.close()
    finally:
        for proc in procs.values():
            proc.stop(timeout=20)
    figures = {
        "date": args.date,
        "code": CODE["label"],
        "requests": args.page_requests,
        "warmup": args.page_warmup,
        "navigation_depth": depths,
        "school": SCHOOL_UAI,
        "plain_search_total": plain_search_total,
    }
    for target, values in latencies.items():
        figures[target] = {
            "p50_ms": statistics.median(values) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000,
            "bytes": sizes[target],
        }
        if target in weights:
            figures[target]["weight"] = weights[target]
    log(
        "pages: "
        + ", ".join(f"{t} {f['p50_ms']:.0f} ms" for t, f in figures.items() if isinstance(f, dict) and "p50_ms" in f)
    )
    return figures


# --- report --------------------------------------------------------------------------


def failure_summary(message):
    """The telling line of a failure: the last exception line of the output, else the first line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    telling = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line) or "Error:" in line]
    text = telling[-1] if telling else lines[0] if lines else "failed"
    return (lines[0] + " — " + text if telling and lines[0] != text else text)[:400]


def fmt(value, unit, digits=1):
    return "–" if value is None else f"{value:.{digits}f} {unit}".strip()


def ratio(ent, plain):
    return "–" if not ent or not plain else f"{ent / plain:.2f}"


#: The parts of this script in results.json (other scripts keep their own sections there).
PARTS = ("fresh_clone", "site_creation", "schools_import", "serving", "pages")


def part_dates(results):
    """The dates of this script's parts in `results`, sorted."""
    return sorted(
        {results[key]["date"] for key in PARTS if isinstance(results.get(key), dict) and "date" in results[key]}
    )


def table(results):
    """The Markdown table of `results` (any of its sections may be missing)."""
    rows = []
    dated = len(part_dates(results)) > 1

    def row(label, ent, plain="–", rat="–", date=None):
        cells = [label, ent, plain, rat] + ([date or ""] if dated else [])
        rows.append("| " + " | ".join(cells) + " |")

    titles = {
        "fresh_clone": "First and second `make run` on a fresh clone",
        "site_creation": "Site creation",
        "serving": "Serving (start, memory, requests/s)",
        "schools_import": "Import of the schools",
        "pages": "Render time of pages",
    }
    for key, title in titles.items():
        if "error" in results.get(key, {}):
            row(f"{title}: **failed**: {results[key]['error'].replace('|', '/')}", "–", date=results[key]["date"])
    results = {k: v for k, v in results.items() if not (isinstance(v, dict) and "error" in v)}
    fresh = results.get("fresh_clone")
    if fresh:
        first, second, cache = fresh["first_run"], fresh["second_run"], fresh["pip_cache"]
        cache_text = f"pip cache {cache['state']}" + (", emptied for the run" if cache["emptied"] else "")
        row(
            "First `make run` on a fresh clone, until GET /ent is 200",
            fmt(first["until_first_page_s"], "s"),
            date=fresh["date"],
        )
        if "install_s" in first:
            row(
                f"… of which install: Debian packages check, .venv, pip ({cache_text})",
                fmt(first["install_s"], "s"),
                date=fresh["date"],
            )
            row(
                "… of which start: Zope, site creation with demo, first page",
                fmt(first["start_s"], "s"),
                date=fresh["date"],
            )
        if "site_created_s" in first:
            row(
                "… of which site creation (as printed by ent-instance)",
                fmt(first["site_created_s"], "s"),
                date=fresh["date"],
            )
        row(
            "Second `make run` (site exists), until GET /ent is 200",
            fmt(second["until_first_page_s"], "s"),
            date=fresh["date"],
        )
    sites = results.get("site_creation")
    if sites:
        plain = sites["plain"]["median_s"]
        for kind, label in (("ent", "ENT profiles"), ("ent-demo", "ENT profiles + demo")):
            if kind in sites:
                row(
                    f"Site creation, {label} (median of {sites['reps']})",
                    fmt(sites[kind]["median_s"], "s", 2),
                    fmt(plain, "s", 2),
                    ratio(sites[kind]["median_s"], plain),
                    sites["date"],
                )
        for kind, label in (("ent-demo", "ENT profiles + demo"),):
            if kind in sites:
                row(
                    f"Data.fs written by the site creation, {label}",
                    fmt(sites[kind]["data_fs_mib"], "MiB", 2),
                    fmt(sites["plain"]["data_fs_mib"], "MiB", 2),
                    ratio(sites[kind]["data_fs_mib"], sites["plain"]["data_fs_mib"]),
                    sites["date"],
                )
    serve = results.get("serving")
    if serve:
        ent, plain = serve["ent"], serve["plain"]
        n = f"median of {serve['rounds']}"
        for key, label, unit, digits in (
            ("until_first_page_s", f"`ent-instance run` start until GET /ent is 200 ({n})", "s", 1),
            ("rss_after_start_mib", f"Instance memory (RSS) after start ({n})", "MiB", 0),
            ("rss_after_warmup_mib", f"Instance memory (RSS) after {serve['warmup']} GET /ent ({n})", "MiB", 0),
            ("rss_peak_mib", "Instance peak memory (VmHWM) after the load below", "MiB", 0),
            (
                "rps",
                "Front page, anonymous: requests/s "
                f"({ent.get('requests')} requests, {ent.get('concurrency')} clients; higher is better)",
                "",
                1,
            ),
            ("latency_median_ms", "Front page, anonymous: median latency under that load", "ms", 0),
        ):
            if key in ent and key in plain:
                row(
                    label,
                    fmt(ent[key], unit, digits),
                    fmt(plain[key], unit, digits),
                    ratio(ent[key], plain[key]),
                    serve["date"],
                )
    schools = results.get("schools_import")
    if schools:
        report, added, n = schools["report"], schools["ent_added"], f"median of {schools['reps']}"
        row(
            f"Import of the {report['created']} collèges ({schools['rows']} rows, {report['rejected']} rejected) "
            f"into a fresh ENT site without the demo: {added['folders']} sections, {added['groups']} groups "
            f"({n}); plain Plone: the same folders and groups by plone.api",
            fmt(schools["first"]["median_s"], "s", 1),
            fmt(schools["plain"]["median_s"], "s", 1),
            ratio(schools["first"]["median_s"], schools["plain"]["median_s"]),
            schools["date"],
        )
        second = schools["second_report"]
        row(
            f"Second import of the same file ({second['unchanged']} unchanged, {second['updated']} updated; {n})",
            fmt(schools["second"]["median_s"], "s", 2),
            date=schools["date"],
        )
        row(
            "Data.fs written by the import",
            fmt(schools["first"]["data_fs_mib"], "MiB", 2),
            fmt(schools["plain"]["data_fs_mib"], "MiB", 2),
            ratio(schools["first"]["data_fs_mib"], schools["plain"]["data_fs_mib"]),
            schools["date"],
        )
    pages = results.get("pages")
    if pages:
        n = f"{pages['requests']} requests each, one at a time"
        depth = pages["navigation_depth"]

        def both(figures):
            return f"{figures['p50_ms']:.0f} / {figures['p95_ms']:.0f} ms"

        def ratios(ent, plain):
            return f"{ent['p50_ms'] / plain['p50_ms']:.2f} / {ent['p95_ms'] / plain['p95_ms']:.2f}"

        for key, (label, _, _, _, against) in PAGES.items():
            ent, plain = pages.get(f"ent:{key}"), pages.get(f"plain:{against}")
            if ent and plain:
                row(
                    f"{label}, anonymous: latency p50 / p95 ({n}); plain: "
                    + (
                        "its front page"
                        if against == "front"
                        else f"GET /{SITE_ID}/@search on a plain site with plone.restapi "
                        f"(items_total {pages.get('plain_search_total', '?')})"
                    ),
                    both(ent),
                    both(plain),
                    ratios(ent, plain),
                    pages["date"],
                )
        plain = pages.get("plain:front", {}).get("weight")
        for key in ("front", "school"):
            ent = pages.get(f"ent:{key}", {}).get("weight")
            if ent and plain:
                row(
                    f"{PAGES[key][0]}, anonymous, first visit in headless Chromium (empty cache): "
                    "requests / KiB transferred (KiB decoded); plain: its front page",
                    f"{ent['requests']} / {ent['transfer_kib']:.0f} ({ent['decoded_kib']:.0f})",
                    f"{plain['requests']} / {plain['transfer_kib']:.0f} ({plain['decoded_kib']:.0f})",
                    f"{ent['requests'] / plain['requests']:.2f} / {ent['transfer_kib'] / plain['transfer_kib']:.2f}",
                    pages["date"],
                )
        for key in ("front", "school"):
            ent, plain = pages.get(f"ent-depth:{key}"), pages.get("plain:front")
            if ent and plain:
                row(
                    f"{PAGES[key][0]} with plone.navigation_depth {depth.get('ent-depth')} instead of "
                    f"{depth.get('ent')}: p50 / p95",
                    both(ent),
                    both(plain),
                    ratios(ent, plain),
                    pages["date"],
                )
    head = "| Figure | ENT | plain Plone | ENT ÷ plain |" + (" measured |" if dated else "")
    rule = "| --- | ---: | ---: | ---: |" + (" --- |" if dated else "")
    return "\n".join([head, rule] + rows)


def summary_lines(results):
    info = results.get("machine", {})
    dates = part_dates(results)
    lines = [
        f"Measured{' on ' + ', '.join(dates) if dates else ''}"
        f" on a machine with {info.get('cores')} cores and {info.get('memory_gib')} GiB of memory"
        f" (Python {info.get('python')}, Debian {info.get('debian', '?')});"
        f" load average {info.get('load_before')} just before the run"
        " (above 0.5, something else was running too).",
    ]
    fresh = results.get("fresh_clone")
    if fresh and "error" not in fresh:
        local = fresh.get("pip_local_sources", 0)
        cache = fresh["pip_cache"]
        lines.append(
            f"Fresh clone of {fresh['commit']}: pip's cache was {cache['state']}"
            + (" (emptied for the run, `--empty-pip-cache`)" if cache["emptied"] else "")
            + f" (downloads {cache['http_mib']:.0f} MiB, built wheels {cache['wheels_mib']:.1f} MiB before the run;"
            f" {cache['after']['http_mib']:.0f} MiB and {cache['after']['wheels_mib']:.1f} MiB after);"
            f" pip also looked in {local} local package folder(s) configured on this machine;"
            f" the clone's .venv took {fresh['venv_mib']:.0f} MiB."
        )
    sites = results.get("site_creation")
    if sites and "error" not in sites:
        spread = ", ".join(
            f"{kind} {sites[kind]['min_s']:.2f}–{sites[kind]['max_s']:.2f} s"
            for kind in ("plain", "ent", "ent-demo")
            if kind in sites
        )
        lines.append(f"Site creation, fastest–slowest of the {sites['reps']} of each kind: {spread}.")
    schools = results.get("schools_import")
    if schools and "error" not in schools:
        spread = ", ".join(
            f"{label} {schools[key]['min_s']:.2f}–{schools[key]['max_s']:.2f} s"
            for key, label in (("first", "import"), ("second", "second import"), ("plain", "plain Plone"))
        )
        lines.append(f"Schools import, fastest–slowest of the {schools['reps']}: {spread}.")
    parts = {
        "site_creation": "site creation",
        "schools_import": "schools import",
        "serving": "serving",
        "pages": "pages",
    }
    codes = {}
    for key, label in parts.items():
        if "code" in results.get(key, {}):
            codes.setdefault(results[key]["code"], []).append(label)
    if codes:
        lines.append("Code run: " + "; ".join(f"{', '.join(labels)}: {code}" for code, labels in codes.items()) + ".")
    stops = ignored = 0
    if fresh and "error" not in fresh:
        for key in ("first_run", "second_run"):
            if "sigterm_ignored" in fresh[key]:
                stops, ignored = stops + 1, ignored + fresh[key]["sigterm_ignored"]
    serve = results.get("serving")
    if serve and "error" not in serve:
        for name in ("ent", "plain"):
            if "stops" in serve[name]:
                stops, ignored = stops + serve[name]["stops"], ignored + serve[name]["sigterm_ignored"]
    if stops:
        lines.append(
            f"Stopping: the instance ignored the first SIGTERM in {ignored} of {stops} stops"
            + (" (it stopped on a second one)." if ignored else ".")
        )
    run_info = results.get("run")
    if run_info:
        command = " ".join(["benchmarks/run.py", run_info["options"]]).strip()
        lines.append(
            f"The last run (`{command}`) took {run_info['minutes']} min for:"
            f" {', '.join(run_info['parts']) or 'nothing'}."
        )
    if serve and "error" not in serve:
        lines.append(
            f"Served ENT site: kind `{serve['ent_kind']}` (as `make run` creates it"
            f"{' with its demo' if serve['ent_kind'] == 'ent-demo' else ''})."
        )
    return lines


def write(results):
    merged = {}
    if RESULTS.exists():
        merged = json.loads(RESULTS.read_text(encoding="utf-8"))
    merged.update(results)  # sections skipped in this run keep their previous figures and date
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {RESULTS.relative_to(ROOT)}")
    write_doc(merged)


def replace_block(begin, end, body, heading=""):
    """Put `body` between the `begin` and `end` markers of docs/benchmarks.md (appended,
    after `heading`, when the markers are not there yet). The file is read right before
    writing: other scripts write their own blocks in it."""
    block = "\n".join([begin, "", body, "", end])
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + heading + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    log(f"wrote {DOC.relative_to(ROOT)}")


def write_doc(merged):
    replace_block(BEGIN, END, "\n".join([table(merged), ""] + [f"- {line}" for line in summary_lines(merged)]))


# --- main ----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--skip-fresh-clone",
        action="store_true",
        help="skip the two `make run` of a fresh clone (the long part: a whole install)",
    )
    parser.add_argument("--skip-sites", action="store_true", help="skip the site creation times")
    parser.add_argument("--skip-serving", action="store_true", help="skip memory, start and requests/s")
    parser.add_argument(
        "--skip-schools-import",
        action="store_true",
        help="skip the import of the schools into fresh ENT sites (part 6)",
    )
    parser.add_argument(
        "--skip-pages",
        action="store_true",
        help="skip the render time of the school home page and other pages (part 7)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT,
        help="the git repository whose HEAD is cloned for the fresh clone (default: this one)",
    )
    parser.add_argument(
        "--code",
        choices=("auto", "worktree"),
        default="auto",
        help="code of the site creation and serving parts: auto = the fresh clone's when it was "
        "installed (the committed HEAD), else this working tree; worktree = always this one",
    )
    parser.add_argument(
        "--empty-pip-cache",
        action="store_true",
        help="give the fresh clone's pip an empty PIP_CACHE_DIR (cold install); your own pip cache is never wiped",
    )
    parser.add_argument("--reps", type=int, default=7, help="site creations of each kind (default 7)")
    parser.add_argument("--rounds", type=int, default=3, help="starts of each served instance (default 3)")
    parser.add_argument("--warmup", type=int, default=20, help="GET /ent before the memory figure (default 20)")
    parser.add_argument("--requests", type=int, default=200, help="front page requests per round, 0 for none")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument(
        "--import-reps", type=int, default=3, help="imports of the schools, each on a fresh ENT site (default 3)"
    )
    parser.add_argument(
        "--page-requests", type=int, default=200, help="timed requests of each page, one at a time (default 200)"
    )
    parser.add_argument(
        "--page-warmup", type=int, default=20, help="untimed requests of each page before them (default 20)"
    )
    parser.add_argument(
        "--page-timeout", type=float, default=1800, help="seconds for all the page requests (default 1800)"
    )
    parser.add_argument(
        "--compare-navigation-depth",
        type=int,
        metavar="DEPTH",
        help="pages: also serve the ENT site with plone.navigation_depth DEPTH (Plone's "
        "default is 3, the ENT's 2) and time its front and school pages",
    )
    parser.add_argument(
        "--no-demo",
        dest="demo",
        action="store_false",
        help="serve the ENT site without its demo profile in the serving part (default: as `make run`, with it; the pages part always has it)",
    )
    parser.add_argument("--install-timeout", type=float, default=3600, help="seconds for the first make run")
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds for a start without install")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="date of the figures")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--write", action="store_true", help="update benchmarks/results.json and docs/benchmarks.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: print the table of benchmarks/results.json and put it into "
        "docs/benchmarks.md (after a change of this script's table)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, clone, instances)")
    args = parser.parse_args(argv)
    for name in ("reps", "rounds", "concurrency", "import_reps"):
        if not 1 <= getattr(args, name) <= 100:
            parser.error(f"--{name} must be between 1 and 100")
    if not 0 <= args.requests <= 10_000 or not 0 <= args.warmup <= 1000:
        parser.error("--requests must be at most 10000 and --warmup at most 1000")
    if not 1 <= args.page_requests <= 10_000 or not 0 <= args.page_warmup <= 1000:
        parser.error("--page-requests must be between 1 and 10000 and --page-warmup at most 1000")
    if args.compare_navigation_depth is not None and not 0 <= args.compare_navigation_depth <= 10:
        parser.error("--compare-navigation-depth must be between 0 and 10")
    return args


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    args = parse_args(argv)
    for name in ("ent-instance", "zconsole"):
        if not (BIN / name).exists():
            print(
                f"benchmarks/run.py: {BIN / name} is missing: run me with the project's .venv/bin/python "
                "after `make install`",
                file=sys.stderr,
            )
            return 2
    if args.report_only:
        if not RESULTS.exists():
            print(f"benchmarks/run.py: no {RESULTS.relative_to(ROOT)} yet: run with --write first", file=sys.stderr)
            return 2
        merged = json.loads(RESULTS.read_text(encoding="utf-8"))
        print(table(merged) + "\n\n" + "\n".join(f"- {line}" for line in summary_lines(merged)))
        write_doc(merged)
        return 0
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="ent-bench-"))
    password = secrets.token_urlsafe(18)
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "src", "instance", "requirements.txt", "constraints.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    results = {"machine": machine(), "commit": commit + (" with uncommitted changes in src/" if dirty else "")}
    CODE["label"] = "this working tree" + (" with uncommitted changes in src/" if dirty else f" at {commit}")
    results["machine"]["load_before"] = round(os.getloadavg()[0], 2)
    if os.getloadavg()[0] > 0.5:
        log(f"warning: load average {os.getloadavg()[0]:.2f}: something else runs, figures will be noisier")
    started = time.monotonic()
    log(f"temporary folder {tmp}")
    status = 0
    sections = [
        ("fresh_clone", not args.skip_fresh_clone, lambda: bench_fresh_clone(args, tmp)),
        ("site_creation", not args.skip_sites, lambda: bench_site_creation(args, tmp, password)),
        ("schools_import", not args.skip_schools_import, lambda: bench_schools_import(args, tmp, password)),
        ("serving", not args.skip_serving, lambda: bench_serving(args, tmp, password)),
        ("pages", not args.skip_pages, lambda: bench_pages(args, tmp, password)),
    ]
    try:
        for name, wanted, bench in sections:
            if not wanted:
                continue
            try:
                results[name] = bench()
            except (BenchError, subprocess.SubprocessError, OSError) as error:
                # A failure is a finding too: reported in the table; the other parts still run.
                log(f"error in {name}: {error}")
                Proc.stop_all()
                message = str(error).replace(str(tmp / "clone"), "<clone>").replace(str(tmp), "<tmp>")
                results[name] = {"date": args.date, "error": failure_summary(message)}
                status = 1
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let nothing interrupt the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        Proc.stop_all()
        if args.keep:
            log(f"kept {tmp} (logs: {tmp}/*.log)")
        else:
            if status:
                logs = Path(tempfile.mkdtemp(prefix="ent-bench-logs-"))
                for path in tmp.glob("*.log"):
                    shutil.copy(path, logs)
                log(f"the logs of this run are in {logs}")
            shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    results["run"] = {
        "minutes": round((time.monotonic() - started) / 60, 1),
        "parts": [name for name, wanted, _ in sections if wanted],
        "options": " ".join(sys.argv[1:] if argv is None else argv),
    }
    print(table(results))
    print()
    for line in summary_lines(results):
        print(f"- {line}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if status in (0, 1) and args.write:  # a part that failed is reported as failed; not after Ctrl-C
        write(results)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""The surge morning (issue 15): every profile logs in within a short window, then reads
Mon ENT, its school's home and an item, while anonymous visitors read the County home;
against 1 and then 2 instances (`ENT_INSTANCES`) of the same demo site on RelStorage.

    .venv/bin/python benchmarks/surge.py [--clients 32] [--duration 300] [--instances 1,2]

Modelled on 6 April 2021 (the first morning of school at home, when six regions' ENTs were
saturated): all clients start at once, each a person of the demo directory (a parent, a
pupil, a teacher or a principal of one of the 103 collèges, or an anonymous visitor), who
logs in through the log-in form, reads Mon ENT, the school's home, an item, then the next
person takes the client's place. No think time: the clients are the load.

Reported per number of instances: for each step, requests, errors (any status but 200,
or no answer within --timeout) and their rate, p50 and p95; logged-in pages per second
(Mon ENT, school home, item); the memory (RSS) of each instance after the run; then the
ratio 2 instances / 1 for logged-in pages (issue 15's target: 1.6x). The site is made
once (the demo, on a private PostgreSQL under a temporary folder), served by N=1, stopped,
served by N=2. Everything listens on 127.0.0.1, runs in a temporary folder and is stopped at
the end, also on error or Ctrl-C. Prints a Markdown table; `--json FILE` keeps the figures.

A short smoke run: `--clients 4 --duration 10` (the demo site's creation still takes minutes).
"""

from pathlib import Path

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.prefix) / "bin"
HOST = "127.0.0.1"
DEMO_PASSWORD = "demo"
PROFILES = ("parent", "student", "teacher", "principal", None)  # None: an anonymous visitor
STEPS = ("login", "mon-ent", "school-home", "item", "county-home")
LOGGED_IN_PAGES = ("mon-ent", "school-home", "item")


def log(message):
    print(f"[surge {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Topology:
    """`ent-instance run` with ENT_INSTANCES=n on one var/ folder (one database for every n)."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.var = folder / "var"
        self.port = port
        self.url = f"http://{HOST}:{port}/ent"
        self.process = None

    def env(self, instances):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENT_")}
        env.update(
            ENT_VAR_DIR=str(self.var),
            ENT_PORT=str(self.port),
            ENT_HOST=HOST,
            ENT_STORAGE="relstorage",
            ENT_INSTANCES=str(instances),
            ENT_DEMO="1",
            ENT_DEMO_PASSWORD=DEMO_PASSWORD,
            ENT_ADMIN_PASSWORD="surge-admin-password",
            ENT_NOTIFICATIONS="0",
        )
        return env

    def start(self, instances, timeout=1800):
        self.instances = instances
        self.log = self.folder / f"run-{instances}.log"
        self.process = subprocess.Popen(
            [str(BIN / "ent-instance"), "--home", str(ROOT), "run"],
            env=self.env(instances),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = re.compile(r"serving http")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ent-instance run exited: {self.log.read_text()[-2000:]}")
            if ready.search(self.log.read_text()):
                return
            time.sleep(1)
        raise RuntimeError(f"not serving within {timeout} s (see {self.log})")

    def memory_mb(self) -> list:
        """RSS of each instance (the serve-one processes, or the one process for n=1)."""
        import psutil

        main = psutil.Process(self.process.pid)
        processes = [child for child in main.children() if "serve-one" in child.cmdline()] or [main]
        return [round(process.memory_info().rss / 2**20) for process in processes]

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        subprocess.run(
            [str(BIN / "ent-instance"), "--home", str(ROOT), "stop"],
            env=self.env(self.instances),
            capture_output=True,
            timeout=180,
        )
        try:
            self.process.wait(120)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


def schools():
    from ent.policy.schools.importer import PACKAGED_SCHOOLS
    from ent.server.ldif import read_schools

    return [uai.lower() for uai, _ in read_schools(PACKAGED_SCHOOLS)]


def public_items(url, timeout):
    """News items anonymous visitors may read (so every person may): the item step."""
    import requests

    answer = requests.get(
        f"{url}/@search",
        params={"portal_type": "News Item", "b_size": 50},
        headers={"Accept": "application/json"},
        timeout=timeout,
    )
    answer.raise_for_status()
    items = [item["@id"] for item in answer.json()["items"]]
    if not items:
        raise RuntimeError("the demo site has no public news item")
    return items


class Surge:
    def __init__(self, url, uais, items, clients, duration, timeout, seed=15):
        self.url = url
        self.uais = uais
        self.items = items
        self.clients = clients
        self.duration = duration
        self.timeout = timeout
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.times = {step: [] for step in STEPS}
        self.errors = dict.fromkeys(STEPS, 0)
        self.error_samples = []

    def record(self, step, started, ok, detail=""):
        elapsed = time.monotonic() - started
        with self.lock:
            self.times[step].append(elapsed)
            if not ok:
                self.errors[step] += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{step}: {detail}")

    def get(self, session, step, url):
        started = time.monotonic()
        try:
            answer = session.get(url, timeout=self.timeout)
            self.record(step, started, answer.status_code == 200, answer.status_code)
        except Exception as error:  # a refused connection, a timeout: an error the person sees
            self.record(step, started, False, repr(error)[:120])

    def person(self, session, profile, uai):
        started = time.monotonic()
        try:
            answer = session.post(
                f"{self.url}/login",
                data={
                    "__ac_name": f"{uai}.{profile}",
                    "__ac_password": DEMO_PASSWORD,
                    "buttons.login": "Se connecter",
                },
                timeout=self.timeout,
            )
            ok = answer.status_code == 200 and "__ac" in session.cookies
            self.record("login", started, ok, answer.status_code)
        except Exception as error:
            self.record("login", started, False, repr(error)[:120])
            return
        if not ok:
            return
        self.get(session, "mon-ent", f"{self.url}/@@mon-ent")
        self.get(session, "school-home", f"{self.url}/colleges/{uai}")
        self.get(session, "item", self.choice(self.items))

    def choice(self, values):
        with self.lock:
            return self.random.choice(values)

    def client(self, deadline):
        import requests

        while time.monotonic() < deadline:
            profile = self.choice(PROFILES)
            with requests.Session() as session:
                if profile is None:
                    self.get(session, "county-home", self.url)
                else:
                    self.person(session, profile, self.choice(self.uais))

    def run(self):
        deadline = time.monotonic() + self.duration
        threads = [threading.Thread(target=self.client, args=(deadline,), daemon=True) for _ in range(self.clients)]
        started = time.monotonic()
        for thread in threads:  # all at once: the morning's peak
            thread.start()
        for thread in threads:
            thread.join(self.duration + 4 * self.timeout)
        self.elapsed = time.monotonic() - started
        return self.figures()

    def figures(self):
        steps = {}
        for step in STEPS:
            times = self.times[step]
            steps[step] = {
                "requests": len(times),
                "errors": self.errors[step],
                "error_rate": round(self.errors[step] / len(times), 4) if times else None,
                "p50_ms": round(1000 * statistics.median(times)) if times else None,
                "p95_ms": round(1000 * percentile(times, 0.95)) if times else None,
            }
        logged_in = sum(len(self.times[step]) for step in LOGGED_IN_PAGES)
        return {
            "seconds": round(self.elapsed, 1),
            "steps": steps,
            "logged_in_pages_per_s": round(logged_in / self.elapsed, 2),
            "errors": sum(self.errors.values()),
            "error_samples": self.error_samples,
        }


def table(results, clients, duration):
    lines = [
        f"Surge morning: {clients} clients for {duration} s, no think time",
        "",
        "| instances | step | requests | errors | error rate | p50 ms | p95 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for instances, figures in results["runs"].items():
        for step, row in figures["steps"].items():
            rate = "" if row["error_rate"] is None else f"{100 * row['error_rate']:.2f} %"
            lines.append(
                f"| {instances} | {step} | {row['requests']} | {row['errors']} | {rate} | "
                f"{row['p50_ms'] or ''} | {row['p95_ms'] or ''} |"
            )
    lines.append("")
    for instances, figures in results["runs"].items():
        lines.append(
            f"- {instances} instance(s): {figures['logged_in_pages_per_s']} logged-in pages/s, "
            f"{figures['errors']} error(s), memory per instance {figures['memory_mb']} MB"
        )
    if "ratio_2_over_1" in results:
        lines.append(f"- logged-in pages, 2 instances / 1: {results['ratio_2_over_1']}x (target 1.6x)")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="benchmarks/surge.py", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--duration", type=float, default=300, help="seconds of load per run (default 300)")
    parser.add_argument("--instances", default="1,2", help="the runs' ENT_INSTANCES, comma-separated (default 1,2)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    parser.add_argument("--warmup", type=float, default=20, help="seconds of untimed load first (default 20)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its logs)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    runs = [int(n) for n in args.instances.split(",") if n.strip()]
    folder = Path(tempfile.mkdtemp(prefix="ent-surge-", dir="/tmp"))
    os.chmod(folder, 0o711)  # PostgreSQL runs as `postgres` and must reach var/postgresql
    topology = Topology(folder, free_port())
    results = {"clients": args.clients, "duration": args.duration, "runs": {}}

    def interrupted(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, interrupted)
    try:
        uais = schools()
        for instances in runs:
            log(f"starting {instances} instance(s) (the first start creates the demo site: minutes)")
            topology.start(instances)
            items = public_items(topology.url, args.timeout)
            if args.warmup:
                log(f"warm-up, {args.warmup:.0f} s")
                Surge(topology.url, uais, items, args.clients, args.warmup, args.timeout, seed=1).run()
            log(f"surge: {args.clients} clients, {args.duration:.0f} s")
            figures = Surge(topology.url, uais, items, args.clients, args.duration, args.timeout).run()
            figures["memory_mb"] = topology.memory_mb()
            results["runs"][instances] = figures
            topology.stop()
        if 1 in results["runs"] and 2 in results["runs"]:
            one, two = (results["runs"][n]["logged_in_pages_per_s"] for n in (1, 2))
            results["ratio_2_over_1"] = round(two / one, 2) if one else None
    finally:
        topology.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            log(f"kept {folder}")
    print(table(results, args.clients, args.duration))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0 if all(figures["errors"] == 0 for figures in results["runs"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""`ent-instance`: create and serve the ENT's Zope instance (what `make run` calls).

    ent-instance run      check the settings, render var/etc, create the site on the
                          first run, serve with waitress until Ctrl-C or SIGTERM
    ent-instance check    check the settings and that the instance could start
    ent-instance stop     stop the instance that serves from var/ and wait for it
    ent-instance render   only render the configuration into var/etc

A bad setting, a taken port or a second instance on the same var/ folder is reported in
one line on stderr with exit status 2 (settings) or 1 (the rest), before var/ is touched.

The topology, frontmost first (docs/deploy.md): [HAProxy on ENT_HOST:ENT_PORT when
ENT_INSTANCES > 1] -> N waitress processes -> the storage. With one instance, this process
serves; with N, it starts the shared services (directory, storage server, memcached),
then N `ent-instance serve-one` processes on loopback ports (the first creates the site,
the others start once it serves), then HAProxy in front, and watches them: an instance
that dies is started again (HAProxy has taken it out meanwhile). Stopping it (SIGTERM,
`ent-instance stop`) stops everything it started, last started first.
"""

from ent.server import files
from ent.server import settings as settings_module
from ent.server import site as site_module
from ent.server.services.slapd import DirectoryError
from zc.lockfile import LockError
from ZConfig import ConfigurationError as ZConfigError

import argparse
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request


PROG = "ent-instance"


class Stop(SystemExit):
    """The server was asked to stop (SIGTERM); a SystemExit, so that waitress lets it through."""


def fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def say(message: str) -> None:
    print(f"{PROG}: {message}", flush=True)


def load_application(ini_path):
    """Configure logging and load the WSGI pipeline of zope.ini (Zope starts here)."""
    from paste.deploy import loadapp
    from Zope2.Startup.serve import setup_logging

    setup_logging(str(ini_path), global_conf={"here": str(ini_path.parent)})
    return loadapp(f"config:{ini_path}")


def start_directory(settings):
    """Start the local directory (var/ldap) unless ENT_LDAP_URI names one; return it."""
    if not settings.local_directory:
        return None
    from ent.policy.directory.config import reset_config
    from ent.server.services import local_directory

    server = local_directory.start(
        settings.var / "ldap", settings.demo, settings.demo_password, port=settings.ldap_port, say=say
    )
    os.environ.update(local_directory.environment(server))
    reset_config()
    say(f"local directory (slapd) on {server.uri}")
    return server


def start_storage(settings):
    """The storage server the instances share (ZEO, PostgreSQL: ent.server.services'
    `start_storage`), or None when the storage needs none (FileStorage, an outside one)."""
    from ent.server import services

    start = getattr(services, "start_storage", None)
    return start(settings, say) if start is not None else None


def start_memcached(settings):
    """A private memcached under var/memcached for the directory cache the instances
    share, when there are several and ENT_MEMCACHED names none; None otherwise."""
    if settings.instances < 2 or os.environ.get("ENT_MEMCACHED", "").strip():
        return None
    from ent.policy.directory.config import reset_config
    from ent.server.services import memcached

    server = memcached.start(settings.var / "memcached", say=say)
    os.environ["ENT_MEMCACHED"] = server.uri
    reset_config()
    return server


def prepare(settings, render=True, create=True):
    """Start Zope, then make sure the admin account and the site exist (`create`)."""
    import Zope2

    ini_path = files.write_instance(settings) if render else settings.etc / "zope.ini"
    started = time.monotonic()
    application = load_application(ini_path)
    if create:
        app = Zope2.app()
        try:
            site_module.ensure_admin(app, settings, say=say)
            site_module.ensure_site(app, settings, say=say)
        finally:
            app._p_jar.close()
    say(f"Zope started in {time.monotonic() - started:.1f} s")
    return application


def proxy_settings(settings, behind_balancer=False) -> dict:
    """waitress believes the proxy at ENT_TRUSTED_PROXY only: its X-Forwarded-Proto makes
    the request https for Zope (URLs, HSTS), the last address of its X-Forwarded-For (the
    one it added itself: trusted_proxy_count 1) becomes REMOTE_ADDR (log-in throttling,
    access log). From anyone else, or with no proxy set, waitress drops those headers.

    Behind HAProxy (one of several instances) the peer is HAProxy on loopback: it drops
    those headers unless they come from ENT_TRUSTED_PROXY, then adds its own peer's address;
    with a trusted proxy in front of it, the visitor is the last but one address."""
    if behind_balancer:
        return {
            "trusted_proxy": "127.0.0.1",
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
            "trusted_proxy_count": 2 if settings.trusted_proxy else 1,
        }
    if not settings.trusted_proxy:
        return {}
    return {
        "trusted_proxy": settings.trusted_proxy,
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
        "trusted_proxy_count": 1,
    }


def serve(settings, application, sock, behind_balancer=False, label=None):
    from ent.server.bodylimit import EntChannel
    from ent.server.bodylimit import waitress_limit
    from waitress import create_server

    # A body over ENT_MAX_UPLOAD_MB is refused by waitress before it is read (413).
    server = create_server(
        application, sockets=[sock], threads=settings.threads, ident="ENT",
        max_request_body_size=waitress_limit(settings.max_upload_mb),
        **proxy_settings(settings, behind_balancer),
    )  # fmt: skip
    server.channel_class = EntChannel

    def stop(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    say(label or f"serving {settings.url} (log in at {settings.url}/login as '{settings.admin_user}'); Ctrl-C stops")
    try:
        server.run()
    except (KeyboardInterrupt, Stop):
        say("stopping")
    finally:
        server.close()
        logging.shutdown()


def in_site_zone(settings, argv) -> None:
    """Run in the site's time zone (ENT_TIMEZONE): Plone's own pages (bylines, listings,
    search results) and the event log write times in the process's local zone, which DateTime
    reads once, at import. A process started in another zone starts anew in this one (same
    process, same pid: `make stop` and the run lock are unaffected)."""
    if os.environ.get("TZ") != settings.timezone:
        os.environ["TZ"] = settings.timezone
        os.execv(sys.executable, [sys.executable, "-m", "ent.server.commands.instance", *argv])


#: At most one start per instance in this many seconds.
RESTART_DELAY = 10


class InstanceError(RuntimeError):
    """One of several instances did not start; the message says why."""


def _die_with_parent():
    """In the child, before exec: SIGTERM when the parent dies (PR_SET_PDEATHSIG), so that
    a killed `ent-instance run` leaves no instance behind."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)
    except (AttributeError, OSError):
        pass


class InstanceProcess:
    """One of the N waitress processes: `ent-instance serve-one` on a loopback port."""

    def __init__(self, settings, number: int, port: int):
        self.settings = settings
        self.number = number
        self.port = port
        self.process = None
        self.started_at = 0.0
        self.log = settings.var / "log" / f"instance-{number}.log"

    @property
    def name(self) -> str:
        return f"instance{self.number}"

    def start(self):
        env = dict(os.environ, ENT_INSTANCE_NUMBER=str(self.number), ENT_INSTANCE_PORT=str(self.port))
        self.started_at = time.monotonic()
        with self.log.open("a") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ent.server.commands.instance", "--home", str(self.settings.home), "serve-one"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stream,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/@@ok", timeout=5) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def wait_ready(self, timeout=600.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                lines = self.log.read_text(errors="replace").strip().splitlines()
                last = lines[-1] if lines else "no output"
                raise InstanceError(f"{self.name} exited ({self.process.returncode}): {last} (see {self.log})")
            if self.answers():
                return self
            time.sleep(0.3)
        raise InstanceError(f"{self.name} did not answer on port {self.port} within {timeout:.0f} s (see {self.log})")

    def terminate(self):
        """Ask it to stop without waiting: the instances stop together, not one by one."""
        if self.alive():
            self.process.terminate()

    def stop(self, timeout=30.0):
        if not self.alive():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_instances(settings, started: list) -> list:
    """N instances on free loopback ports; the first creates the site, the others start
    together once it serves. Each is put in `started` as soon as it runs."""
    from ent.server.services.local import free_port

    files.write_instance(settings)
    instances = [InstanceProcess(settings, number, free_port()) for number in range(1, settings.instances + 1)]
    first, others = instances[0], instances[1:]
    started.append(first.start())
    first.wait_ready()
    for instance in others:
        started.append(instance.start())
    for instance in others:
        instance.wait_ready()
    say(f"{len(instances)} instances serve on 127.0.0.1 ports {', '.join(str(i.port) for i in instances)}")
    return instances


def start_balancer(settings, instances):
    from ent.server.services import haproxy

    return haproxy.start(
        settings.var / "haproxy",
        settings.templates / "haproxy.cfg.in",
        settings.host,
        settings.port,
        [(instance.name, "127.0.0.1", instance.port) for instance in instances],
        settings.threads,
        trusted_proxy=settings.trusted_proxy,
        say=say,
    )


def watch(instances):
    """Until SIGTERM or Ctrl-C: start again an instance that died (killed, out of memory);
    HAProxy took it out at its first refused connection and puts it back when it answers."""
    try:
        while True:
            for instance in instances:
                # One that cannot start (a broken setting) is tried again every RESTART_DELAY s.
                due = time.monotonic() - instance.started_at > RESTART_DELAY
                if not instance.alive() and due:
                    say(f"{instance.name} exited ({instance.process.returncode}); starting it again")
                    instance.start()
            time.sleep(1)
    except (KeyboardInterrupt, Stop):
        say("stopping")


def run_several(settings, started: list):
    """ENT_INSTANCES > 1: memcached, N instances, HAProxy in front; then watch them."""

    def stop(signum, frame):
        raise Stop()

    # From now on SIGTERM (`ent-instance stop`) unwinds to command_run's stop_all, also while
    # the instances start (minutes on a first run).
    signal.signal(signal.SIGTERM, stop)
    memcached = start_memcached(settings)
    if memcached is not None:
        started.append(memcached)
    instances = start_instances(settings, started)
    started.append(start_balancer(settings, instances))
    say(f"serving {settings.url} with {len(instances)} instances (log in as '{settings.admin_user}'); Ctrl-C stops")
    watch(instances)


def stop_all(started: list):
    """Stop what was started, last first (HAProxy, the instances, memcached, storage, directory)."""
    instances = [service for service in started if isinstance(service, InstanceProcess)]
    for service in reversed(started):
        if service in instances:
            for instance in instances:  # all at once: each may take seconds to close
                instance.terminate()
        try:
            service.stop()
        except Exception as error:  # one that fails to stop must not leave the others running
            say(f"could not stop {service!r}: {error}")


def command_run(settings) -> int:
    lock = files.RunLock(settings.var)
    try:
        lock.check_free()
        sock = files.listen_socket(settings.host, settings.port)
        lock.acquire()
    except (files.AlreadyRunning, files.PortInUse) as error:
        return fail(str(error), 1)
    started = []
    try:
        try:
            # One after the other: the directory is stopped if the storage then fails to start.
            for start in (start_directory, start_storage):
                service = start(settings)
                if service is not None:
                    started.append(service)
            if settings.proxy == "varnish":
                # Varnish takes the public address; the instance (or HAProxy) serves behind it
                # on loopback (ent.server.services.varnish.start_front, docs/caching.md).
                from ent.server.services.varnish import start_front

                sock.close()
                proxy, settings = start_front(settings, say)
                started.append(proxy)
                sock = files.listen_socket(settings.host, settings.port)
            if settings.instances > 1:
                # HAProxy takes the public address; it was bound only to report a taken port.
                sock.close()
                run_several(settings, started)
                return 0
            application = prepare(settings)
        except (DirectoryError, InstanceError) as error:
            return fail(str(error), 1)
        except LockError:
            return fail(f"the database in {settings.var} is locked by another process (a runwsgi or zconsole?)", 1)
        except ZConfigError as error:
            return fail(f"the rendered configuration in {settings.etc} is invalid: {error}", 2)
        except RuntimeError as error:  # a private service (storage, memcached, HAProxy) did not start
            return fail(str(error), 1)
        serve(settings, application, sock)
    finally:
        stop_all(started)
        sock.close()
        lock.release()
        import Zope2

        if getattr(Zope2, "DB", None) is not None:
            Zope2.DB.close()
    return 0


def command_serve_one(settings) -> int:
    """One of several instances (started by `ent-instance run`, which holds the run lock):
    serves on ENT_INSTANCE_PORT on loopback, behind HAProxy."""
    try:
        number = int(os.environ["ENT_INSTANCE_NUMBER"])
        port = int(os.environ["ENT_INSTANCE_PORT"])
    except (KeyError, ValueError):
        return fail("serve-one is started by 'ent-instance run' with ENT_INSTANCES above 1", 2)
    try:
        application = prepare(settings, render=False, create=number == 1)
    except ZConfigError as error:
        return fail(f"the rendered configuration in {settings.etc} is invalid: {error}", 2)
    # Bound once Zope is ready, not before: until then HAProxy's connections are refused and
    # sent to another instance at once, instead of waiting in this one's backlog.
    try:
        sock = files.listen_socket("127.0.0.1", port)
    except files.PortInUse as error:
        return fail(str(error), 1)
    try:
        serve(settings, application, sock, behind_balancer=True, label=f"instance {number} serving on 127.0.0.1:{port}")
    finally:
        sock.close()
        import Zope2

        if getattr(Zope2, "DB", None) is not None:
            Zope2.DB.close()
    return 0


def command_check(settings) -> int:
    lock = files.RunLock(settings.var)
    try:
        lock.check_free()
        files.listen_socket(settings.host, settings.port).close()
    except (files.AlreadyRunning, files.PortInUse) as error:
        return fail(str(error), 1)
    say(f"settings are valid; {settings.url} can be served ({settings.storage} in {settings.var})")
    return 0


def command_stop(settings) -> int:
    """Ask the instance serving from settings.var to stop (SIGTERM), wait until it has."""
    lock = files.RunLock(settings.var)
    try:
        lock.check_free()
    except files.AlreadyRunning:
        pid = int(lock.holder())
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                lock.check_free()
            except files.AlreadyRunning:
                time.sleep(0.2)
                continue
            say(f"stopped the instance (pid {pid})")
            return 0
        return fail(f"the instance (pid {pid}) did not stop within 60 s", 1)
    say(f"no instance is running from {settings.var}")
    return 0


def command_render(settings) -> int:
    say(f"configuration written to {files.write_instance(settings).parent}")
    return 0


COMMANDS = {
    "run": command_run,
    "check": command_check,
    "stop": command_stop,
    "render": command_render,
    "serve-one": command_serve_one,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="run", choices=sorted(COMMANDS))
    parser.add_argument(
        "--home",
        default=os.environ.get("ENT_HOME") or os.getcwd(),
        help="the project folder, holding instance/ (default: ENT_HOME or the current folder)",
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error), 2)
    if args.command == "run":
        in_site_zone(settings, argv)
    return COMMANDS[args.command](settings)


if __name__ == "__main__":
    sys.exit(main())

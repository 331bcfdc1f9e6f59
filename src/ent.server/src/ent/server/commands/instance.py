"""`ent-instance`: create and serve the ENT's Zope instance (what `make run` calls).

    ent-instance run      check the settings, render var/etc, create the site on the
                          first run, serve with waitress until Ctrl-C or SIGTERM
    ent-instance check    check the settings and that the instance could start
    ent-instance stop     stop the instance that serves from var/ and wait for it
    ent-instance render   only render the configuration into var/etc

A bad setting, a taken port or a second instance on the same var/ folder is reported in
one line on stderr with exit status 2 (settings) or 1 (the rest), before var/ is touched.
"""

from ent.server import files
from ent.server import settings as settings_module
from ent.server import site as site_module
from ent.server.services.slapd import DirectoryError
from zc.lockfile import LockError
from ZConfig import ConfigurationError as ZConfigError

import argparse
import logging
import os
import signal
import sys
import time


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


def prepare(settings):
    """Start Zope, then make sure the admin account and the site exist."""
    import Zope2

    ini_path = files.write_instance(settings)
    started = time.monotonic()
    application = load_application(ini_path)
    app = Zope2.app()
    try:
        site_module.ensure_admin(app, settings, say=say)
        site_module.ensure_site(app, settings, say=say)
    finally:
        app._p_jar.close()
    say(f"Zope started in {time.monotonic() - started:.1f} s")
    return application


def proxy_settings(settings) -> dict:
    """waitress believes the proxy at ENT_TRUSTED_PROXY only: its X-Forwarded-Proto makes
    the request https for Zope (URLs, HSTS), the last address of its X-Forwarded-For (the
    one it added itself: trusted_proxy_count 1) becomes REMOTE_ADDR (log-in throttling,
    access log). From anyone else, or with no proxy set, waitress drops those headers."""
    if not settings.trusted_proxy:
        return {}
    return {
        "trusted_proxy": settings.trusted_proxy,
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
        "trusted_proxy_count": 1,
    }


def serve(settings, application, sock):
    from ent.server.bodylimit import EntChannel
    from ent.server.bodylimit import waitress_limit
    from waitress import create_server

    # A body over ENT_MAX_UPLOAD_MB is refused by waitress before it is read (413).
    server = create_server(
        application, sockets=[sock], threads=settings.threads, ident="ENT",
        max_request_body_size=waitress_limit(settings.max_upload_mb),
        **proxy_settings(settings),
    )  # fmt: skip
    server.channel_class = EntChannel

    def stop(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    say(f"serving {settings.url} (log in at {settings.url}/login as '{settings.admin_user}'); Ctrl-C stops")
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


def command_run(settings) -> int:
    lock = files.RunLock(settings.var)
    try:
        lock.check_free()
        sock = files.listen_socket(settings.host, settings.port)
        lock.acquire()
    except (files.AlreadyRunning, files.PortInUse) as error:
        return fail(str(error), 1)
    directory = None
    try:
        try:
            directory = start_directory(settings)
            application = prepare(settings)
        except DirectoryError as error:
            return fail(str(error), 1)
        except LockError:
            return fail(f"the database in {settings.var} is locked by another process (a runwsgi or zconsole?)", 1)
        except ZConfigError as error:
            return fail(f"the rendered configuration in {settings.etc} is invalid: {error}", 2)
        serve(settings, application, sock)
    finally:
        if directory is not None:
            directory.stop()
        sock.close()
        lock.release()
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


COMMANDS = {"run": command_run, "check": command_check, "stop": command_stop, "render": command_render}


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

"""The storage's side of the topology: the private database server `ent-instance run` starts
for ENT_STORAGE=relstorage or zeo, and the values the storage templates are rendered with.

    start_storage(settings, say) -> service or None
        FileStorage, or an outside database (ENT_RELSTORAGE_DSN, ENT_ZEO_ADDRESS): None, after
        checking that the outside database answers. Otherwise the private PostgreSQL
        (var/postgresql) or ZEO server (var/zeo), started: call its .stop() on exit.
    storage_values(settings) -> dict
        {{relstorage_dsn}}, {{zeo_address}}, {{blob_cache}} for instance/storage/*.conf.in.

Several instances on one var/ folder render the same configuration (the private server's
port and password are kept under var/), so a starter can call start_storage once and then
start every instance.
"""

from pathlib import Path


class StorageError(RuntimeError):
    """The storage is not usable; the message (one line) says why."""


def postgresql_folder(settings) -> Path:
    return settings.var / "postgresql"


def zeo_folder(settings) -> Path:
    return settings.var / "zeo"


def zeo_server_template(settings) -> Path:
    return settings.templates / "zeoserver.conf.in"


def blob_cache(settings) -> Path:
    return settings.var / "blobcache"


def zconfig_value(value: str) -> str:
    """A value written into zope.conf: ZConfig reads `$name` as a substitution."""
    return str(value).replace("$", "$$")


def relstorage_dsn(settings) -> str:
    if settings.relstorage_dsn:
        return settings.relstorage_dsn
    from ent.server.services.postgresql import PrivatePostgreSQL

    return PrivatePostgreSQL(postgresql_folder(settings)).dsn()


def zeo_address(settings) -> str:
    if settings.zeo_address:
        return settings.zeo_address
    from ent.server.services.zeo import PrivateZEO

    return PrivateZEO(zeo_folder(settings), zeo_server_template(settings)).address


def storage_values(settings) -> dict:
    """The placeholders of the chosen storage's template (none for FileStorage)."""
    if settings.storage == "relstorage":
        return {"relstorage_dsn": zconfig_value(relstorage_dsn(settings)), "blob_cache": blob_cache(settings)}
    if settings.storage == "zeo":
        return {"zeo_address": zeo_address(settings), "blob_cache": blob_cache(settings)}
    return {}


def start_storage(settings, say=print):
    """Start the private database server the storage needs, or check the outside one answers.

    Raises StorageError (one line) when it cannot: nothing has been written to any database.
    """
    if settings.storage == "relstorage":
        from ent.server.services import postgresql

        try:
            if settings.relstorage_dsn:
                postgresql.check_dsn(settings.relstorage_dsn)
                say("storage: RelStorage on the PostgreSQL of ENT_RELSTORAGE_DSN")
                return None
            server = postgresql.start(postgresql_folder(settings), say=say)
        except postgresql.PostgreSQLError as error:
            raise StorageError(str(error)) from None
        say(f"storage: RelStorage on the private PostgreSQL {server.uri} ({server.data})")
        return server
    if settings.storage == "zeo":
        from ent.server.services import zeo

        if settings.zeo_address:
            if not zeo.answers(settings.zeo_address, timeout=5):
                raise StorageError(f"no ZEO server answers at ENT_ZEO_ADDRESS={settings.zeo_address}")
            say(f"storage: the ZEO server at {settings.zeo_address}")
            return None
        try:
            server = zeo.start(zeo_folder(settings), zeo_server_template(settings), say=say)
        except zeo.ZEOError as error:
            raise StorageError(str(error)) from None
        say(f"storage: the private ZEO server {server.uri} ({server.folder})")
        return server
    return None


def open_database(settings):
    """The instance's database opened outside Zope (ZODB.DB), from the same rendered storage
    template: for tests, benchmarks and maintenance scripts. The storage's server must run."""
    from ent.server import files

    import re
    import ZODB.config

    rendered = files.template_values(settings)["storage"]
    text = re.sub(r"<zodb_db main>", "<zodb>", rendered).replace("</zodb_db>", "</zodb>")
    text = re.sub(r"^\s*mount-point .*$", "", text, flags=re.M)
    (settings.var / "blobstorage").mkdir(parents=True, exist_ok=True)
    (settings.var / "filestorage").mkdir(parents=True, exist_ok=True)
    return ZODB.config.databaseFromString(f"%define INSTANCE {settings.var}\n{text}")

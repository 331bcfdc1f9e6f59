"""A person's data on the demo site as `make run` serves it, with its real directory: a
person who used the ENT is deactivated in the directory, then `ent-gdpr purge` erases
what the ENT held about them (after a dry run), and a second run changes nothing."""

from ent.policy.directory.shape import DEACTIVATED
from ent.policy.directory.shape import hash_password
from ent.policy.directory.shape import person_entry
from ent.policy.directory.shape import Shape
from ent.server.commands.gdpr import main
from ent.server.services.local_directory import DEFAULT_BASE

import io
import json
import ldap
import ldap.modlist
import zipfile


LEAVER = "gdpr.depart"


def directory(demo):
    folder = demo.var / "ldap"
    shape = Shape.from_base(DEFAULT_BASE)
    connection = ldap.initialize((folder / "uri").read_text().strip())
    connection.simple_bind_s(f"cn=admin,{shape.base}", (folder / "manager-password").read_text().strip())
    return connection, shape.person_dn(LEAVER)


def exported(session, url, **params):
    answer = session.get(f"{url}/@gdpr-export", params=params, headers={"Accept": "application/json"}, timeout=120)
    assert answer.status_code == 200, answer.text
    return json.loads(zipfile.ZipFile(io.BytesIO(answer.content)).read("donnees.json"))


def test_a_deactivated_person_is_erased_by_ent_gdpr(demo, project, monkeypatch, capsys):
    connection, dn = directory(demo)
    entry = person_entry(LEAVER, "Léon", "Départ", "leon@example.org", "parent", hash_password("demo"))
    try:
        connection.delete_s(dn)
    except ldap.NO_SUCH_OBJECT:
        pass
    connection.add_s(dn, ldap.modlist.addModlist(entry))
    try:
        session = demo.session(LEAVER)
        chosen = session.patch(
            f"{demo.url}/@notification-preferences",
            json={"notifications": "never"},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        assert chosen.status_code == 200, chosen.text
        mine = exported(session, demo.url)
        assert mine["account"]["fullname"] and mine["notification_preference"]["choice"] == "never"
        # Another parent may not have it.
        other = demo.session("0310001h.parent").get(
            f"{demo.url}/@gdpr-export", params={"user": LEAVER}, headers={"Accept": "application/json"}, timeout=60
        )
        assert other.status_code == 403

        connection.modify_s(dn, [(ldap.MOD_REPLACE, "description", [DEACTIVATED.encode()])])
        monkeypatch.setenv("ENT_PASSWORD", demo.admin_password)
        monkeypatch.setenv("ENT_HOME", str(project))
        args = ["--url", demo.url, "--user", "admin"]
        # Deactivated a moment ago: not yet due with the site's 92 days.
        assert main(["purge", "--dry-run", *args]) == 0
        assert LEAVER not in capsys.readouterr().out
        assert main(["purge", "--dry-run", "--retention-days", "0", *args]) == 0
        out = capsys.readouterr().out
        assert f"{LEAVER} " in out and "seraient anonymisée" in out
        admin = demo.session("admin")
        assert exported(admin, demo.url, user=LEAVER)["notification_preference"]["choice"] == "never"
        assert main(["purge", "--retention-days", "0", *args]) == 0
        assert f"{LEAVER} " in capsys.readouterr().out
        assert exported(admin, demo.url, user=LEAVER)["notification_preference"] == {"choice": "digest"}
        # Twice: nothing left for them.
        assert main(["purge", "--retention-days", "0", *args]) == 0
        assert LEAVER not in capsys.readouterr().out
        assert main(["purge", "--retention-days", "-5", *args]) == 2
        assert "cannot be negative" in capsys.readouterr().err
    finally:
        connection.delete_s(dn)
        connection.unbind_s()

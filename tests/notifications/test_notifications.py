"""E-mail notifications (issue #5): publishing queues one job, a worker tells the audience by
each person's preference, a sender delivers through a real SMTP server (aiosmtpd on
loopback) that the tests stop and start. No timing is asserted; waits poll with a deadline.
"""

from ent.policy.notifications import recipients as recipients_module
from ent.policy.notifications import worker as worker_module
from ent.policy.notifications.config import NotificationConfigError
from ent.policy.notifications.config import read_config
from ent.policy.notifications.outbox import Outbox
from ent.policy.notifications.sender import Sender
from plone import api
from support.notifications import a_message
from support.notifications import body
from support.notifications import by_recipient
from support.notifications import outbox_messages
from support.notifications import run_worker
from support.notifications import store_of
from support.notifications import wait_until
from support.smtp_server import SmtpServer

import logging
import pytest
import requests
import threading
import time
import transaction


PASSWORD = "a-test-password-1"
JSON = {"Accept": "application/json"}


# --- settings ----------------------------------------------------------------------------


class TestSettings:
    def test_defaults(self, tmp_path):
        config = read_config({})
        assert (config.smtp_host, config.smtp_port, config.digest_hour, config.enabled) == ("localhost", 25, 7, True)
        assert config.outbox_dir(tmp_path) == tmp_path / "mail"

    @pytest.mark.parametrize(
        "name, value",
        [
            ("ENT_SMTP_PORT", "0"),
            ("ENT_SMTP_PORT", "smtp"),
            ("ENT_DIGEST_HOUR", "24"),
            ("ENT_MAIL_FROM", "nobody"),
            ("ENT_NOTIFICATIONS", "maybe"),
        ],
    )
    def test_bad_value_names_the_variable(self, name, value):
        with pytest.raises(NotificationConfigError, match=name):
            read_config({name: value})

    def test_digest_on_demand_only(self):
        assert read_config({"ENT_DIGEST_HOUR": "off"}).digest_hour is None

    def test_checked_with_the_instance_settings(self, project):
        from ent.server.settings import load
        from ent.server.settings import SettingsError

        with pytest.raises(SettingsError, match="ENT_SMTP_PORT='x'"):
            load({"ENT_SMTP_PORT": "x"}, project)


# --- the sender and a real SMTP server ---------------------------------------------------


@pytest.fixture
def sender_for(tmp_path):
    started = []

    def make(server):
        sender = Sender(Outbox(tmp_path / "mail").ensure(), "127.0.0.1", server.port, retry_max=0.5, poll=0.2)
        sender.start()
        started.append(sender)
        return sender

    yield make
    for sender in started:
        sender.stop()


class TestSender:
    def test_mail_waits_while_the_server_is_down_and_arrives_when_it_is_back(self, smtp, sender_for, caplog):
        caplog.set_level(logging.INFO, logger="ent.policy.notifications")
        sender = sender_for(smtp)  # the server is not started: connections are refused
        for n in range(3):
            sender.outbox.add(a_message(f"parent{n}@example.org", f"Message {n}"))
        sender.wake()
        wait_until(lambda: sender.down_since is not None, what="the sender noticing the server is down")
        wait_until(lambda: sender.delay >= 0.5, what="the back-off reaching its maximum")
        assert sender.outbox.count() == 3
        assert (
            len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
        )  # one line, not one per message or try
        smtp.start()  # no restart of anything else
        smtp.wait_for(3)
        assert sorted(m["Subject"] for _, _, m in smtp.messages) == ["Message 0", "Message 1", "Message 2"]
        assert len(smtp.sessions) == 1  # one connection for every message
        wait_until(lambda: sender.outbox.count() == 0, what="the outbox emptying")
        assert any("is back" in r.getMessage() for r in caplog.records)

    def test_a_permanent_refusal_moves_the_message_aside(self, smtp, sender_for, caplog):
        smtp.refuse.add("nobody@example.org")
        smtp.start()
        sender = sender_for(smtp)
        sender.outbox.add(a_message("nobody@example.org", "Refusé"))
        sender.outbox.add(a_message("parent@example.org", "Accepté"))
        sender.wake()
        smtp.wait_for(1)
        wait_until(
            lambda: sender.outbox.count() == 0 and sender.outbox.rejected_count() == 1,
            what="the refused message moving aside",
        )
        assert [m["Subject"] for _, _, m in smtp.messages] == ["Accepté"]
        assert len([r for r in caplog.records if "refused a message for good" in r.getMessage()]) == 1


# --- a site: publishing, preferences, the worker -----------------------------------------


def publish(container, title, audience, **fields):
    with api.env.adopt_roles(["Manager"]):
        item = api.content.create(container=container, type="News Item", title=title, audience=audience, **fields)
        transitions = [t["id"] for t in api.portal.get_tool("portal_workflow").getTransitionsFor(item)]
        transition = "publish" if "publish" in transitions else "publish_internal"
        api.content.transition(obj=item, transition=transition)
    transaction.commit()
    return item


class TestPublishing:
    def test_publishing_records_one_job_and_expands_nobody(self, site, monkeypatch):
        def no_expansion(*args, **kw):
            raise AssertionError("the publishing request expanded its audience")

        monkeypatch.setattr(recipients_module.Recipients, "members_by_group", no_expansion)
        monkeypatch.setattr(recipients_module.Recipients, "members_among", no_expansion)
        monkeypatch.setattr(recipients_module.DirectoryGroups, "connect", no_expansion)
        item = publish(site["actualites"], "Pour tous les parents", ["parent"])  # all-parent: 61,000 in production
        jobs = list(store_of(site).jobs.values())
        assert len(jobs) == 1
        assert jobs[0]["uid"] == api.content.get_uuid(item)
        assert set(jobs[0]) == {"uid", "url", "site_url", "queued_at"}

    def test_a_wider_audience_later_tells_nobody_again(self, site):
        from ent.policy.notifications.queue import is_publication
        from types import SimpleNamespace as S

        assert is_publication(S(old_state=S(id="private"), new_state=S(id="internal")))
        assert is_publication(S(old_state=S(id="pending"), new_state=S(id="published")))
        assert not is_publication(S(old_state=S(id="internal"), new_state=S(id="published")))
        assert not is_publication(S(old_state=S(id="published"), new_state=S(id="private")))

    def test_an_item_without_audience_queues_nothing(self, site):
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(container=site, type="Folder", title="Dossier")
            api.content.transition(obj=folder, transition="publish")
        transaction.commit()
        assert store_of(site) is None or len(store_of(site).jobs) == 0


class TestPreferences:
    def test_default_is_digest(self, site):
        from ent.policy.notifications.preferences import get_preference

        assert get_preference(site, "0310001h.parent2") == "digest"
        assert get_preference(site, "someone.unknown") == "digest"
        assert get_preference(site, "0310001h.parent") == "immediate"

    def test_rest(self, site):
        url = f"{site.absolute_url()}/@notification-preferences"
        auth = ("0310001h.teacher", PASSWORD)
        got = requests.get(url, headers=JSON, auth=auth, timeout=30)
        assert got.status_code == 200, got.text
        assert got.json()["notifications"] == "digest"
        assert [c["id"] for c in got.json()["choices"]] == ["immediate", "digest", "never"]
        changed = requests.patch(url, json={"notifications": "never"}, headers=JSON, auth=auth, timeout=30)
        assert changed.status_code == 200, changed.text
        assert requests.get(url, headers=JSON, auth=auth, timeout=30).json()["notifications"] == "never"

    @pytest.mark.parametrize("payload", [{"notifications": "weekly"}, {"notifications": None}, {"other": "digest"}])
    def test_rest_bad_value_is_400_with_the_reason(self, site, payload):
        url = f"{site.absolute_url()}/@notification-preferences"
        response = requests.patch(url, json=payload, headers=JSON, auth=("0310001h.teacher", PASSWORD), timeout=30)
        assert response.status_code == 400
        message = response.json()["error"]["message"]
        assert "immediate" in message and "digest" in message and "never" in message

    def test_rest_anonymous_is_401(self, site):
        url = f"{site.absolute_url()}/@notification-preferences"
        assert requests.get(url, headers=JSON, timeout=30).status_code == 401
        assert requests.patch(url, json={"notifications": "never"}, headers=JSON, timeout=30).status_code == 401

    def test_classic_form(self, site):
        from ent.policy.notifications.preferences import get_preference

        url = f"{site.absolute_url()}/@@notifications-preferences"
        http = requests.Session()
        http.auth = ("0310003k.teacher", PASSWORD)
        page = http.get(url, timeout=30)
        assert page.status_code == 200
        assert "Mes notifications" in page.text and "Un résumé quotidien" in page.text
        import re

        token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', page.text)
        data = {"form.widgets.notifications": "immediate", "form.buttons.save": "Enregistrer"}
        if token:
            data["_authenticator"] = token.group(1)
        saved = http.post(url, data=data, timeout=30)
        assert saved.status_code == 200
        assert "sont enregistrées" in saved.text
        transaction.begin()  # see what the server committed
        assert get_preference(site, "0310003k.teacher") == "immediate"
        anonymous = requests.get(url, timeout=30, allow_redirects=False)
        assert anonymous.status_code in (302, 401)


class TestWorker:
    def test_immediate_digest_never_and_outside(self, site, functional, config):
        school = site["colleges"]["0310001h"]
        publish(school["actualites"], "Réunion parents-professeurs", ["parent"])
        db = functional["zodbDB"]
        run_worker(db, config)
        outbox = Outbox(config.outbox_dir())
        mails = by_recipient(outbox_messages(outbox))
        # 0310001h.parent chose immediate; parent2 waits for the digest; parent3 never;
        # 0310003k.parent (immediate) is a parent of another school: outside the audience.
        assert list(mails) == ["0310001h.parent@example.org"]
        (mail,) = mails["0310001h.parent@example.org"]
        assert mail["Subject"] == "[Collège Armand Latour] Réunion parents-professeurs"
        assert "/colleges/0310001h/actualites/" in body(mail)
        assert "@@notifications-preferences" in body(mail)
        transaction.begin()
        store = store_of(site)
        assert len(store.jobs) == 0 and len(store.claimed) == 0 and len(store.published) == 1

    def test_digest_groups_by_school_county_last(self, site, functional, config):
        from ent.policy.notifications.digest import request_digest

        school = site["colleges"]["0310001h"]
        publish(school["actualites"], "Sortie au musée", ["parent"])
        publish(school["actualites"], "Conseil pédagogique", ["teacher"])
        publish(site["actualites"], "Formation des enseignants", ["teacher"])  # County: all-teacher
        db = functional["zodbDB"]
        run_worker(db, config)
        outbox = Outbox(config.outbox_dir())
        immediate = outbox.pending()
        for name in immediate:
            outbox.delete(name)
        transaction.begin()  # see what the worker committed
        request_digest(site)
        transaction.commit()
        run_worker(db, config)
        mails = by_recipient(outbox_messages(outbox))
        assert sorted(mails) == [
            "0310001h.parent2@example.org",
            "0310001h.teacher@example.org",
            "0310003k.teacher@example.org",
        ]
        assert all(len(messages) == 1 for messages in mails.values())
        teacher = body(mails["0310001h.teacher@example.org"][0])
        assert (
            teacher.index("Collège Armand Latour")
            < teacher.index("Conseil pédagogique")
            < teacher.index("Département")
            < teacher.index("Formation des enseignants")
        )
        assert "Sortie au musée" not in teacher
        other = body(mails["0310003k.teacher@example.org"][0])
        assert "Formation des enseignants" in other and "Conseil pédagogique" not in other and "Collège" not in other
        assert "Sortie au musée" in body(mails["0310001h.parent2@example.org"][0])
        assert mails["0310001h.teacher@example.org"][0]["Subject"].startswith("ENT : 2 nouvelles publications")
        # The next digest lists nothing again.
        for name in outbox.pending():
            outbox.delete(name)
        transaction.begin()  # see what the worker committed
        request_digest(site)
        transaction.commit()
        run_worker(db, config)
        assert outbox.pending() == []

    def test_switching_to_digest_does_not_repeat_what_was_sent(self, site, functional, config):
        from ent.policy.notifications.digest import request_digest
        from ent.policy.notifications.preferences import get_preference
        from ent.policy.notifications.preferences import set_preference

        publish(site["colleges"]["0310001h"]["actualites"], "Menu de la cantine", ["parent"])
        db = functional["zodbDB"]
        run_worker(db, config)
        outbox = Outbox(config.outbox_dir())
        assert list(by_recipient(outbox_messages(outbox))) == ["0310001h.parent@example.org"]
        for name in outbox.pending():
            outbox.delete(name)
        transaction.begin()  # see what the worker committed
        set_preference(site, "0310001h.parent", "digest")
        request_digest(site)
        transaction.commit()
        run_worker(db, config)
        transaction.begin()
        assert get_preference(site, "0310001h.parent") == "digest"
        # parent2 (digest) gets the item; parent, told at once before switching, does not again.
        assert sorted(by_recipient(outbox_messages(outbox))) == ["0310001h.parent2@example.org"]

    def test_an_unpublished_item_tells_nobody(self, site, functional, config):
        item = publish(site["colleges"]["0310001h"]["actualites"], "Erreur", ["parent"])
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(obj=item, transition="reject")
        transaction.commit()
        run_worker(functional["zodbDB"], config)
        assert Outbox(config.outbox_dir()).pending() == []

    def test_two_workers_claim_a_job_once(self, site, functional, config, monkeypatch):
        publish(site["actualites"], "Une seule fois", ["parent"])
        db = functional["zodbDB"]
        portal_id = site.getId()
        first, second = transaction.TransactionManager(), transaction.TransactionManager()
        outbox = Outbox(config.outbox_dir())
        works = {}
        for tm in (first, second):
            connection = db.open(transaction_manager=tm)
            works[tm] = worker_module.SiteWork(connection.root()["Application"][portal_id], tm, config, outbox)
        claimed = {}
        commit = worker_module.commit

        def first_commits_in_between(tm):
            if tm is second and first not in claimed:
                claimed[first] = works[first].claim()  # the other process, at the same moment
            return commit(tm)

        monkeypatch.setattr(worker_module, "commit", first_commits_in_between)
        claimed[second] = works[second].claim()
        assert len(claimed[first]) == 1
        assert claimed[second] == []  # a conflict: the job went to one worker only
        second.begin()
        store = works[second].store
        assert len(store.jobs) == 0 and len(store.claimed) == 1
        for tm in (first, second):
            tm.abort()
            works[tm].site._p_jar.close()

    def test_a_failing_directory_puts_the_job_back(self, site, functional, config):
        class Down(recipients_module.Recipients):
            def members_among(self, *args):
                raise OSError("directory down")

        publish(site["actualites"], "Plus tard", ["parent"])
        with pytest.raises(OSError):
            run_worker(functional["zodbDB"], config, recipients_factory=Down)
        transaction.begin()
        assert len(store_of(site).jobs) == 1 and len(store_of(site).claimed) == 0
        run_worker(functional["zodbDB"], config)
        assert list(by_recipient(outbox_messages(Outbox(config.outbox_dir())))) == [
            "0310001h.parent@example.org",
            "0310003k.parent@example.org",
        ]


class TestThreads:
    def test_no_thread_starts_in_a_test_layer(self, site):
        assert not worker_module.RUNTIME.running
        assert not [t for t in threading.enumerate() if t.name in ("ent-notifications", "ent-mail-sender")]

    def test_worker_and_sender_threads_deliver_then_stop(self, site, functional, config, smtp):
        import dataclasses

        smtp.start()
        config = dataclasses.replace(
            config, smtp_host="127.0.0.1", smtp_port=smtp.port, poll_seconds=0.5, retry_max_seconds=0.5
        )
        worker_module.RUNTIME.start(functional["zodbDB"], config)
        try:
            publish(site["colleges"]["0310001h"]["actualites"], "Portes ouvertes", ["parent"])
            (mail,) = smtp.wait_for(1)
            assert mail[1] == ["0310001h.parent@example.org"]
            assert mail[2]["Subject"] == "[Collège Armand Latour] Portes ouvertes"
        finally:
            worker_module.RUNTIME.stop()
        assert not [t for t in threading.enumerate() if t.name in ("ent-notifications", "ent-mail-sender")]


class TestDigestSchedule:
    def test_due_once_a_day_from_the_hour(self):
        from ent.policy.notifications.digest import is_due
        from ent.policy.notifications.store import DigestState

        state = DigestState()
        six = time.mktime((2026, 3, 2, 6, 0, 0, 0, 0, -1))
        eight = six + 2 * 3600
        state.created_at = six
        assert not is_due(state, 7, six + 60)
        assert is_due(state, 7, eight)
        state.last_run_at = eight
        assert not is_due(state, 7, eight + 3600)
        assert is_due(state, 7, eight + 24 * 3600)
        assert not is_due(state, None, eight + 24 * 3600)  # ENT_DIGEST_HOUR=off
        state.requested_at = eight
        assert is_due(state, None, eight)
        state.running = (eight, eight, "another process")
        assert not is_due(state, 7, eight + 60)  # another worker writes it
        assert is_due(state, 7, eight + 2 * 3600)  # that worker died

    def test_a_new_site_waits_for_the_next_morning(self):
        from ent.policy.notifications.digest import is_due
        from ent.policy.notifications.store import DigestState

        state = DigestState()
        state.created_at = time.mktime((2026, 3, 2, 10, 0, 0, 0, 0, -1))
        assert not is_due(state, 7, state.created_at + 3600)
        assert is_due(state, 7, time.mktime((2026, 3, 3, 7, 0, 1, 0, 0, -1)))


# --- the directory: group members in a few searches -------------------------------------


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    from support.directory_server import start_directory

    server = start_directory(tmp_path_factory.mktemp("ldap-notifications"))
    yield server
    server.stop()


def directory_recipients(server):
    from ent.policy.directory.config import read_config as directory_config
    from types import SimpleNamespace

    config = directory_config(
        {
            "ENT_LDAP_URI": server.uri,
            "ENT_LDAP_BIND_DN": server.manager_dn,
            "ENT_LDAP_BIND_PASSWORD": server.manager_password,
            "ENT_LDAP_BASE": server.shape.base,
        }
    )
    return recipients_module.Recipients(
        SimpleNamespace(acl_users=SimpleNamespace()), recipients_module.DirectoryGroups(config)
    )


class TestDirectoryMembers:
    @pytest.mark.parametrize("scan_above", [0, 2000])
    def test_members_by_group(self, directory, monkeypatch, scan_above):
        monkeypatch.setattr(recipients_module, "SCAN_ABOVE", scan_above)
        recipients = directory_recipients(directory)
        by_group, people = recipients.members_by_group(["0310001h-parent", "all-teacher", "no-such-group"])
        recipients.close()
        assert by_group == {
            "0310001h-parent": {"0310001h.parent"},
            "all-teacher": {"0310001h.teacher", "0310003k.teacher"},
            "no-such-group": set(),
        }
        assert people["0310001h.parent"].email == "0310001h.parent@ent.example"

    def test_members_among_candidates(self, directory):
        recipients = directory_recipients(directory)
        found = recipients.members_among(["all-parent"], {"0310001h.parent", "0310001h.teacher", "nobody.here"})
        recipients.close()
        assert sorted(found) == ["0310001h.parent"]

    def test_deactivated_people_are_left_out(self, directory):
        import ldap

        connection = ldap.initialize(directory.uri)
        connection.simple_bind_s(directory.manager_dn, directory.manager_password)
        dn = directory.shape.person_dn("0310003k.parent")
        connection.modify_s(dn, [(ldap.MOD_ADD, "description", [b"ent:deactivated"])])
        try:
            recipients = directory_recipients(directory)
            by_group, _ = recipients.members_by_group(["all-parent"])
            among = recipients.members_among(["all-parent"], {"0310003k.parent"})
            recipients.close()
        finally:
            connection.modify_s(dn, [(ldap.MOD_DELETE, "description", [b"ent:deactivated"])])
        assert by_group["all-parent"] == {"0310001h.parent"}
        assert among == {}


# --- the real instance: `make run`, its demo directory, a real SMTP server ---------------

DEMO = "demo-password-for-tests"
ADMIN = ("admin", "admin-password-for-tests")


@pytest.fixture(scope="module")
def served(project, tmp_path_factory):
    """`make run` with the demo directory; its SMTP server is down at first."""
    from support.instance_process import free_port
    from support.instance_process import Instance

    smtp = SmtpServer()
    folder = tmp_path_factory.mktemp("notifications")
    instance = Instance(
        project,
        folder / "var",
        free_port(),
        ENT_DEMO_PASSWORD=DEMO,
        ENT_ADMIN_PASSWORD=ADMIN[1],
        ENT_SMTP_HOST="127.0.0.1",
        ENT_SMTP_PORT=smtp.port,
        ENT_MAIL_FROM="ent@example.org",
        ENT_SMTP_RETRY_MAX=1,
        ENT_NOTIFICATIONS_POLL=1,
        ENT_DIGEST_HOUR="off",
    )
    instance.start()
    yield instance, smtp
    instance.stop()
    smtp.stop()


def token(instance, login):
    response = requests.post(
        f"{instance.url}/@login", json={"login": login, "password": DEMO}, headers=JSON, timeout=60
    )
    assert response.status_code == 200, response.text
    return {**JSON, "Authorization": f"Bearer {response.json()['token']}"}


def publish_as(instance, login, folder, title, audience):
    headers = token(instance, login)
    created = requests.post(
        f"{instance.url}/{folder}",
        json={"@type": "News Item", "title": title, "audience": audience},
        headers=headers,
        timeout=60,
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    transitions = [
        t["@id"].rsplit("/", 1)[-1]
        for t in requests.get(f"{url}/@workflow", headers=headers, timeout=60).json()["transitions"]
    ]
    transition = "publish" if "publish" in transitions else "publish_internal"
    published = requests.post(f"{url}/@workflow/{transition}", headers=headers, timeout=60)
    assert published.status_code == 200, published.text
    return url


def choose(instance, login, choice):
    response = requests.patch(
        f"{instance.url}/@notification-preferences",
        json={"notifications": choice},
        headers=token(instance, login),
        timeout=30,
    )
    assert response.status_code == 200, response.text


class TestInstance:
    """One scenario: preferences, publishing with SMTP down, SMTP back, the digest."""

    def test_preferences_through_the_api(self, served):
        instance, _ = served
        url = f"{instance.url}/@notification-preferences"
        assert requests.get(url, headers=JSON, timeout=30).status_code == 401
        parent = token(instance, "0310001h.parent")
        assert requests.get(url, headers=parent, timeout=30).json()["notifications"] == "digest"
        bad = requests.patch(url, json={"notifications": "weekly"}, headers=parent, timeout=30)
        assert bad.status_code == 400 and "weekly" in bad.json()["error"]["message"]
        assert requests.patch(url, json={"notifications": "immediate"}, headers=parent, timeout=30).status_code == 200
        teacher = token(instance, "0310003k.teacher")
        assert requests.patch(url, json={"notifications": "never"}, headers=teacher, timeout=30).status_code == 200

    def test_publishing_while_smtp_is_down_then_mail_arrives(self, served):
        instance, smtp = served
        outbox = Outbox(instance.var / "mail")
        choose(instance, "0310001h.parent", "immediate")
        publish_as(instance, "0310001h.principal", "colleges/0310001h/actualites", "Réunion de rentrée", ["parent"])
        # Published at once although the mail server is down; the mail waits in the outbox.
        waiting = wait_until(outbox.pending, what="the mail reaching the outbox")
        assert len(waiting) == 1
        (mail,) = outbox_messages(outbox)
        assert mail["To"].addresses[0].addr_spec == "0310001h.parent@ent.example"
        status = requests.get(f"{instance.url}/@notifications", headers=JSON, auth=ADMIN, timeout=30).json()
        assert status["worker"] is True and status["outbox"]["waiting"] == 1 and status["jobs"] == 0
        smtp.start()  # the server comes back; nothing is restarted
        (arrived,) = smtp.wait_for(1)
        assert arrived[1] == ["0310001h.parent@ent.example"]
        assert arrived[2]["Subject"] == "[Collège Armand Latour] Réunion de rentrée"
        assert f"{instance.url}/colleges/0310001h/actualites/" in body(arrived[2])
        wait_until(lambda: outbox.pending() == [], what="the outbox emptying")

    def test_digest_on_demand(self, served):
        instance, smtp = served
        choose(instance, "0310003k.teacher", "never")
        choose(instance, "0310001h.parent", "immediate")  # so no digest for them below
        if smtp.controller is None:  # this test alone
            smtp.start()
        before = len(smtp.messages)
        publish_as(instance, "0310001h.principal", "colleges/0310001h/actualites", "Conseil pédagogique", ["teacher"])
        publish_as(instance, "county.agent", "actualites", "Formation des enseignants", ["teacher"])
        status = wait_until(
            lambda: (
                (s := requests.get(f"{instance.url}/@notifications", headers=JSON, auth=ADMIN, timeout=30).json())[
                    "jobs"
                ]
                == 0
                and s["claimed"] == 0
                and s
            ),
            what="the jobs being handled",
        )
        assert status["published"] >= 2
        assert len(smtp.messages) == before  # teachers keep the default (digest) or never
        parent = token(instance, "0310001h.parent")
        assert requests.post(f"{instance.url}/@notifications", headers=parent, timeout=30).status_code in (401, 403)
        asked = requests.post(f"{instance.url}/@notifications", headers=JSON, auth=ADMIN, timeout=30)
        assert asked.status_code == 202
        # Every teacher of the 103 demo collèges gets the County item, but 0310003k.teacher
        # (never); 0310001h.teacher also gets the school's item; parents get no digest here
        # (0310001h.parent is on immediate and already had the first item).
        wait_until(lambda: smtp.to("0310001h.teacher@ent.example"), timeout=120, what="the digest arriving")
        wait_until(
            lambda: (
                requests.get(f"{instance.url}/@notifications", headers=JSON, auth=ADMIN, timeout=30).json()["outbox"][
                    "waiting"
                ]
                == 0
            ),
            timeout=120,
            what="the digest being delivered",
        )
        (teacher,) = smtp.to("0310001h.teacher@ent.example")
        text = body(teacher)
        assert (
            text.index("Collège Armand Latour")
            < text.index("Conseil pédagogique")
            < text.index("Département")
            < text.index("Formation des enseignants")
        )
        assert smtp.to("0310003k.teacher@ent.example") == []
        assert not [m for _, recipients, m in smtp.messages[before:] if "0310001h.parent@ent.example" in recipients]
        digests = [m for _, _, m in smtp.messages[before:]]
        addresses = [m["To"].addresses[0].addr_spec for m in digests]
        assert len(addresses) == len(set(addresses))  # one mail per person
        assert all(m["Subject"].startswith("ENT : ") for m in digests)
        county = [a for a, m in zip(addresses, digests, strict=True) if "Formation des enseignants" in body(m)]
        assert len(county) >= 100 and all(a.endswith(".teacher@ent.example") for a in county)
        assert all(
            "Conseil pédagogique" not in body(m)
            for m in digests
            if m["To"].addresses[0].addr_spec != "0310001h.teacher@ent.example"
        )

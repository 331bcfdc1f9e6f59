"""Tokens end with the account (issue #9): at @logout, within 60 s of the account's
deactivation or removal in the directory, and after ENT_TOKEN_LIFETIME."""

from support.instance_process import free_port
from support.instance_process import Instance

import base64
import json
import pytest
import requests
import time


JSON = {"Accept": "application/json"}
DEMO = "demo-password-for-tests"
LIFETIME = 300


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tokens")
    instance = Instance(
        project, folder / "var", free_port(), ENT_DEMO_PASSWORD=DEMO, ENT_ADMIN_PASSWORD="admin-password-for-tests",
        ENT_TOKEN_LIFETIME=LIFETIME,
    )  # fmt: skip
    instance.start()
    yield instance
    instance.stop()


def token_of(instance, login):
    response = requests.post(
        f"{instance.url}/@login", json={"login": login, "password": DEMO}, headers=JSON, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def me(instance, login, token):
    """What the token's owner gets for their own account: 200, or 401 once the token ended."""
    headers = {**JSON, "Authorization": f"Bearer {token}"}
    return requests.get(f"{instance.url}/@users/{login}", headers=headers, timeout=30).status_code


def payload(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def directory(instance):
    import ldap

    folder = instance.var / "ldap"
    connection = ldap.initialize((folder / "uri").read_text().strip())
    connection.simple_bind_s("cn=admin,dc=ent,dc=local", (folder / "manager-password").read_text().strip())
    return connection


def seconds_until_refused(instance, login, token, limit=75):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        status = me(instance, login, token)
        if status == 401:
            return time.monotonic() - started
        assert status == 200
        time.sleep(2)
    raise AssertionError(f"the token of {login} still works after {limit} s")


class TestTokens:
    def test_lifetime_is_the_setting(self, instance):
        token = token_of(instance, "0310001h.parent")
        assert abs(payload(token)["exp"] - time.time() - LIFETIME) < 30
        renewed = requests.post(
            f"{instance.url}/@login-renew", headers={**JSON, "Authorization": f"Bearer {token}"}, timeout=30
        )
        assert renewed.status_code == 200
        assert abs(payload(renewed.json()["token"])["exp"] - time.time() - LIFETIME) < 30

    def test_logout_ends_the_token(self, instance):
        token = token_of(instance, "0310001h.teacher")
        time.sleep(1.1)  # a token is the same within one second (same payload)
        other = token_of(instance, "0310001h.teacher")  # a second device
        assert other != token
        assert me(instance, "0310001h.teacher", token) == 200
        out = requests.post(f"{instance.url}/@logout", headers={**JSON, "Authorization": f"Bearer {token}"}, timeout=30)
        assert out.status_code == 204
        assert me(instance, "0310001h.teacher", token) == 401
        assert me(instance, "0310001h.teacher", other) == 200  # only the token logged out

    def test_a_forged_or_garbage_token_is_refused(self, instance):
        assert me(instance, "0310001h.parent", "not.a.token") == 401
        out = requests.post(f"{instance.url}/@logout", headers={**JSON, "Authorization": "Bearer garbage"}, timeout=30)
        assert out.status_code == 204  # nothing to end; nothing written

    def test_deactivation_ends_the_token_within_60_s(self, instance):
        from ent.policy.directory.shape import DEACTIVATED

        import ldap

        token = token_of(instance, "0310003k.parent")
        kept = token_of(instance, "0310003k.teacher")
        assert me(instance, "0310003k.parent", token) == 200
        directory(instance).modify_s(
            "uid=0310003k.parent,ou=people,dc=ent,dc=local", [(ldap.MOD_REPLACE, "description", [DEACTIVATED.encode()])]
        )
        assert seconds_until_refused(instance, "0310003k.parent", token) < 60
        assert me(instance, "0310003k.teacher", kept) == 200

    def test_removal_ends_the_token_within_60_s(self, instance):
        token = token_of(instance, "0310003k.staff")
        assert me(instance, "0310003k.staff", token) == 200
        directory(instance).delete_s("uid=0310003k.staff,ou=people,dc=ent,dc=local")
        assert seconds_until_refused(instance, "0310003k.staff", token) < 60


@pytest.mark.parametrize("value, message", [("10", "out of range"), ("a day", "is not a whole number")])
def test_bad_lifetime_is_named(value, message):
    from ent.policy.logins.config import LoginConfigError
    from ent.policy.logins.config import read_config

    with pytest.raises(LoginConfigError) as error:
        read_config({"ENT_TOKEN_LIFETIME": value})
    assert str(error.value).startswith(f"ENT_TOKEN_LIFETIME={value!r}") and message in str(error.value)

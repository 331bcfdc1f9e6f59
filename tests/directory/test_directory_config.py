"""The directory's settings come from the environment only, and bad ones are refused."""

from ent.policy.directory.config import DirectoryConfigError
from ent.policy.directory.config import read_config

import pytest


BASE = {"ENT_LDAP_URI": "ldap://127.0.0.1:3389", "ENT_LDAP_BASE": "dc=cd31,dc=fr"}


def test_no_uri_means_no_directory():
    assert read_config({}).enabled is False


def test_bases_from_the_base():
    config = read_config(BASE)
    assert (config.users_base, config.groups_base) == ("ou=people,dc=cd31,dc=fr", "ou=groups,dc=cd31,dc=fr")
    assert (config.connect_timeout, config.operation_timeout) == (2.0, 2.5)


def test_a_county_directory_with_its_own_attributes():
    config = read_config(
        {**BASE, "ENT_LDAP_LOGIN_ATTRIBUTE": "supannAliasLogin", "ENT_LDAP_FULLNAME_ATTRIBUTE": "displayName",
         "ENT_LDAP_USERS_BASE": "ou=personnes,dc=cd31,dc=fr", "ENT_LDAP_START_TLS": "1"}
    )  # fmt: skip
    assert (config.login_attribute, config.fullname_attribute, config.email_attribute) == (
        "supannAliasLogin",
        "displayName",
        "mail",
    )
    assert config.users_base == "ou=personnes,dc=cd31,dc=fr"
    assert config.start_tls is True


def test_the_password_is_not_in_the_repr():
    assert "s3cret-value" not in repr(read_config({**BASE, "ENT_LDAP_BIND_PASSWORD": "s3cret-value"}))


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"ENT_LDAP_URI": "http://ldap"}, "is not an ldap://"),
        ({"ENT_LDAP_URI": "ldap://x"}, "ENT_LDAP_USERS_BASE and ENT_LDAP_GROUPS_BASE"),
        ({**BASE, "ENT_LDAP_TIMEOUT": "soon"}, "ENT_LDAP_TIMEOUT='soon' is not a number"),
        ({**BASE, "ENT_LDAP_CONNECT_TIMEOUT": "0"}, "out of range"),
        ({**BASE, "ENT_LDAP_LOGIN_ATTRIBUTE": "uid)(cn=*"}, "is not an LDAP attribute name"),
    ],
)
def test_bad_settings(settings, words):
    with pytest.raises(DirectoryConfigError, match=words.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        read_config(settings)

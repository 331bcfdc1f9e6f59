"""The ENT_* settings and the configuration they render (unit level, no server)."""

from ent.server import files
from ent.server import settings as settings_module
from ent.server.commands.instance import main
from support.instance_process import free_port

import configparser
import pytest


def load(project, **environ):
    return settings_module.load(environ, project)


def test_defaults(project):
    settings = load(project)
    assert (settings.host, settings.port, settings.site_id) == ("127.0.0.1", 8080, "ent")
    assert settings.site_title == "Portail du Département"
    assert settings.storage == "filestorage"
    assert settings.var == project / "var"
    assert settings.admin_password is None
    assert settings.demo is True
    assert settings.url == "http://127.0.0.1:8080/ent"


def test_relative_var_is_under_the_project(project):
    assert load(project, ENT_VAR_DIR="data/var").var == project / "data" / "var"


def test_known_storages_are_the_templates(project):
    assert settings_module.known_storages(project / "instance") == ["filestorage", "relstorage", "zeo"]


@pytest.mark.parametrize("value", ["yes", "no", "1", "0", "on", "off"])
def test_flags(project, value):
    assert load(project, ENT_DEMO=value).demo is (value in ("yes", "1", "on"))


def test_bad_flag(project):
    with pytest.raises(settings_module.SettingsError, match="ENT_DEMO='maybe'"):
        load(project, ENT_DEMO="maybe")


def test_bad_timezone(project):
    with pytest.raises(settings_module.SettingsError, match="ENT_TIMEZONE='Mars/Olympus'"):
        load(project, ENT_TIMEZONE="Mars/Olympus")


def test_not_a_project_folder(tmp_path):
    with pytest.raises(settings_module.SettingsError, match="has no instance/zope.conf.in"):
        settings_module.load({}, tmp_path)


def test_rendered_configuration(project, tmp_path):
    settings = load(project, ENT_VAR_DIR=str(tmp_path / "var"), ENT_PORT="9123", ENT_THREADS="6")
    ini_path = files.write_instance(settings)
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ini_path)
    assert ini["server:main"]["port"] == "9123"
    assert ini["server:main"]["threads"] == "6"
    assert ini["server:main"]["use"] == "egg:waitress#main"
    conf = (settings.etc / "zope.conf").read_text()
    assert "path $INSTANCE/filestorage/Data.fs" in conf
    assert f"%define INSTANCE {settings.var}" in conf
    assert "{{" not in conf
    assert (settings.etc / "site.zcml").is_file()


def test_placeholder_without_value_is_an_error():
    with pytest.raises(settings_module.SettingsError, match="nope"):
        files.render("a {{nope}} b", {})


def test_cli_exit_status_for_a_bad_setting(project, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ENT_PORT", "http")
    monkeypatch.setenv("ENT_VAR_DIR", str(tmp_path / "var"))
    assert main(["check", "--home", str(project)]) == 2
    assert (
        capsys.readouterr().err == "ent-instance: error: ENT_PORT='http' is not a whole number (expected 1 to 65535)\n"
    )


def test_cli_check_accepts_good_settings(project, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ENT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ENT_PORT", str(free_port()))
    assert main(["check", "--home", str(project)]) == 0
    assert "settings are valid" in capsys.readouterr().out
    assert not (tmp_path / "var").exists()

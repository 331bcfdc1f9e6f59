"""ENT_PROXY, ENT_PURGE_URL and ENT_CACHE_SECONDS are checked before anything runs (one
line naming the variable), and the VCL is rendered from instance/varnish.vcl.in with every
placeholder filled (unit level, no server)."""

from ent.server import settings as settings_module
from ent.server.services.varnish import Varnish
from ent.server.services.varnish import VARNISHD

import pytest
import subprocess


def load(project, **environ):
    return settings_module.load(environ, project)


def test_no_front_cache_by_default(project):
    assert load(project).proxy is None
    assert load(project, ENT_PROXY="varnish").proxy == "varnish"


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("ENT_PROXY", "squid", "ENT_PROXY='squid' is not a known front cache"),
        ("ENT_PURGE_URL", "ftp://127.0.0.1:8080", "ENT_PURGE_URL='ftp://127.0.0.1:8080' is not the address"),
        ("ENT_PURGE_URL", "http://127.0.0.1:8080/ent", "is not the address of a caching proxy"),
        ("ENT_CACHE_SECONDS", "-1", "ENT_CACHE_SECONDS='-1' is out of range"),
        ("ENT_CACHE_SECONDS", "une heure", "ENT_CACHE_SECONDS='une heure' is not a whole number"),
    ],
)
def test_a_bad_value_is_one_clear_line(project, name, value, words):
    with pytest.raises(settings_module.SettingsError) as error:
        load(project, **{name: value})
    assert words in str(error.value)
    assert "\n" not in str(error.value)


def test_the_vcl_is_rendered_whole(project, tmp_path):
    proxy = Varnish(tmp_path, "0.0.0.0", 8080, "127.0.0.1", 8081)
    proxy.configure(project / "instance" / "varnish.vcl.in", threads=4, trusted_proxy="10.0.0.1")
    vcl = proxy.vcl.read_text()
    assert "{{" not in vcl and "}}" not in vcl
    assert '.port = "8081";' in vcl and ".max_connections = 16;" in vcl and '"10.0.0.1";' in vcl
    # PURGE from the instances reaches it on loopback when it listens on every interface.
    assert proxy.purge_url == "http://127.0.0.1:8080"
    # varnishd compiles it (-C: to C, nothing started).
    compiled = subprocess.run(
        [VARNISHD, "-C", "-j", "none", "-n", str(tmp_path / "work"), "-f", str(proxy.vcl)],
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr[-2000:]
    page = (tmp_path / "busy.html").read_text()
    assert "Le service est très sollicité, réessayez dans un instant" in page

"""Logging in to a served instance, as a browser (the form) or a client (`@login`)."""

import requests


JSON = {"Accept": "application/json"}


def rest_login(instance, login, password, timeout=30, **headers):
    return requests.post(
        f"{instance.url}/@login",
        json={"login": login, "password": password},
        headers={**JSON, **headers},
        timeout=timeout,
    )


def form_login(instance, login, password):
    session = requests.Session()
    session.get(f"{instance.url}/login", timeout=30)
    response = session.post(
        f"{instance.url}/login",
        data={"__ac_name": login, "__ac_password": password, "buttons.login": "Se connecter", "came_from": ""},
        timeout=30,
    )
    return session, response

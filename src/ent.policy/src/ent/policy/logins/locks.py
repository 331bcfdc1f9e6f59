"""Lifting a log-in lock: what the control view and `@login-locks` share."""

from .throttle import get_throttle

import ipaddress
import re


KINDS = {"account": "compte", "address": "adresse"}
LOGIN = re.compile(r"^[^\x00-\x1f]{1,256}$")


class LockRequestError(ValueError):
    """The lock asked for cannot be named so; the message says why (French)."""


def lift_lock(portal, kind, value) -> bool:
    """Lift the lock (and forget the failures) of one account or address.

    Returns False when that account or address has no failure recorded; raises
    LockRequestError when `kind` or `value` is not one.
    """
    if kind not in KINDS:
        raise LockRequestError(f"Type inconnu : {kind!r} (attendu : account ou address).")
    if not isinstance(value, str) or not LOGIN.match(value.strip() or "\x00"):
        raise LockRequestError(f"Valeur invalide pour {KINDS[kind]} : {value!r}.")
    if kind == "address":
        try:
            ipaddress.ip_address(value.strip())
        except ValueError:
            raise LockRequestError(f"{value!r} n'est pas une adresse IP.") from None
    throttle = get_throttle(portal)
    return throttle is not None and throttle.lift(kind, value)


def current_locks(portal):
    throttle = get_throttle(portal)
    return throttle.entries() if throttle is not None else []

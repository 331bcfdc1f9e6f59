"""When an item may be announced: from its effective date (publication date) on.

An item published with an effective date to come is not announced at publication: its
job waits (`store.deferred`, one per item) until that date, and the item is looked at
again then (its state, its audience, its dates as they are at that moment: an item
withdrawn, deleted or narrowed meanwhile is announced to nobody, or to its new audience).
The digest does not list an item before its effective date either. Both the worker and the
digest ask here, so that the rule lives in one place.
"""

#: What `announcement` says of an item.
NOW = "now"
LATER = "later"
NEVER = "never"


def effective_time(obj) -> float | None:
    """The item's effective date (epoch seconds), or None when it has none."""
    date = getattr(obj, "effective_date", None)
    return date.timeTime() if date is not None else None


def expiration_time(obj) -> float | None:
    date = getattr(obj, "expiration_date", None)
    return date.timeTime() if date is not None else None


def announcement(obj, now) -> str:
    """NOW: announce it; LATER: its effective date is to come; NEVER: it expired already."""
    effective = effective_time(obj)
    if effective is not None and effective > now:
        return LATER
    expires = expiration_time(obj)
    if expires is not None and expires <= now:
        return NEVER
    return NOW


def brain_effective_time(brain) -> float | None:
    """The effective date of a catalog entry (its metadata), or None."""
    date = getattr(brain, "effective", None)
    if date is None:
        return None
    try:
        value = date.timeTime()
    except AttributeError:
        return None
    # The catalog stores FLOOR_DATE (year 1000) for "no date".
    return value if value > 0 else None

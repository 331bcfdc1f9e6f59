"""ENT_* environment variables: the one way every settings module reads a number or a flag.

An unset or empty variable takes the default; anything else must be a valid value, or the
module's own error (a ValueError) names the variable and the value in one line.
"""

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def number(environ, name, default, low, high, kind=int, error=ValueError):
    """`kind(value)` of `name`, between `low` and `high` included."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise error(f"{name}={raw!r} is not {what} (expected {low} to {high})") from None
    if not low <= value <= high:
        raise error(f"{name}={raw!r} is out of range (expected {low} to {high})")
    return value


def flag(environ, name, default, error=ValueError):
    """Yes (1, true, yes, on) or no (0, false, no, off), in any case."""
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise error(f"{name}={environ[name]!r} is not a yes/no value (use 1 or 0)")


class ProcessSettings:
    """A settings module's `current_config` and `reset_config`: read once per process (the
    environment does not change under Zope), forgotten when a test changes it."""

    def __init__(self, read):
        self._read = read
        self._value = None

    def current(self):
        if self._value is None:
            self._value = self._read()
        return self._value

    def reset(self):
        self._value = None

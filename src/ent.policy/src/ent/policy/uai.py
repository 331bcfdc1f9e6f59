"""The UAI, the identifier of a school: 7 digits and a check letter (docs/domain.md).

The one place where a UAI is checked; everything else calls `normalize_uai`.
"""

import re


CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_PATTERN = re.compile(r"^(\d{7})([A-Za-z])$")


class InvalidUAI(ValueError):
    """The value is not a UAI; the message names the value and what is wrong."""


def check_letter(digits: str) -> str:
    return CHECK_LETTERS[int(digits) % 23]


def normalize_uai(value) -> str:
    """Return the UAI in its canonical form (upper-case letter) or raise InvalidUAI."""
    text = value.strip() if isinstance(value, str) else ""
    match = UAI_PATTERN.match(text)
    if not match:
        raise InvalidUAI(f"{value!r} is not a UAI (7 digits and a letter, e.g. 0310001H)")
    digits, letter = match.group(1), match.group(2).upper()
    expected = check_letter(digits)
    if letter != expected:
        raise InvalidUAI(f"{value!r} is not a valid UAI: the check letter of {digits} is {expected}, not {letter}")
    return digits + letter

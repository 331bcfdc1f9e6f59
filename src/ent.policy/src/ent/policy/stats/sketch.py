"""Distinct people per month without keeping who they were: a HyperLogLog sketch.

The instance never logs who a person is. It hashes the user id with a secret salt of the
month (`collect.month_salt`, deleted once the month is over) and logs only the sketch's
register and rank of that hash (`"p": "1234.5"`): with 4,096 registers, every register is
shared by dozens of people, and without the salt no one can tell whose it was. The ingest
keeps, per month, site and profile, the highest rank seen in each register (4 KiB); the
estimate is HyperLogLog's (Flajolet et al. 2007, small-range correction), ±1.6 %.
"""

import hashlib
import hmac
import math
import zlib


PRECISION = 12
REGISTERS = 1 << PRECISION


def register_of(salt: bytes, user_id: str) -> str:
    """`"index.rank"` of `user_id` under the month's salt: what a log line carries."""
    digest = hmac.new(salt, user_id.encode("utf-8"), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    index = value >> (64 - PRECISION)
    rest = value & ((1 << (64 - PRECISION)) - 1)
    rank = (64 - PRECISION) - rest.bit_length() + 1
    return f"{index}.{rank}"


def parse_register(text):
    """(index, rank) of a log line's `"p"`, or ValueError."""
    index, _, rank = text.partition(".")
    index, rank = int(index), int(rank)
    if not (0 <= index < REGISTERS and 1 <= rank <= 64 - PRECISION + 1):
        raise ValueError(text)
    return index, rank


def empty() -> bytearray:
    return bytearray(REGISTERS)


def merge(into: bytearray, other: bytes) -> bytearray:
    """The registers' maximum: adding the same people twice changes nothing."""
    for index, rank in enumerate(other):
        if rank > into[index]:
            into[index] = rank
    return into


def pack(registers) -> bytes:
    return zlib.compress(bytes(registers))


def unpack(blob) -> bytearray:
    registers = bytearray(zlib.decompress(blob))
    if len(registers) != REGISTERS:
        raise ValueError("not a sketch of this precision")
    return registers


def estimate(registers) -> int:
    """How many distinct people the registers saw."""
    if not any(registers):
        return 0
    m = REGISTERS
    alpha = 0.7213 / (1 + 1.079 / m)
    raw = alpha * m * m / sum(2.0**-rank for rank in registers)
    zeros = registers.count(0)
    if raw <= 2.5 * m and zeros:
        return round(m * math.log(m / zeros))
    return round(raw)

"""Record ids: short enough to type, unique without coordination between clones.

`V20261103-7KQF2M`: a kind letter, the record's date, and six random Crockford base-32 characters
(about 10^9 per day and kind, so two clerks on two clones practically never draw the same id;
exclusive file creation catches the rest on one clone, `wkb validate` across clones).
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import cache

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import say

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
VISIT = "V"
RECTIFICATION = "R"
# An innovation entity of the register (主体, "subject"): `S20261201-7KQF2M`, dated the day it
# was registered. Not E: event ids already start with E.
ENTITY = "S"


@cache
def _id_pattern() -> re.Pattern[str]:
    """Compiled when an id is first checked, not at import: `wkb visit add` only makes one."""
    return re.compile(r"^([VRS])(\d{4})(\d{2})(\d{2})-([0-9A-HJKMNP-TV-Z]{6})$")


def new_id(kind: str, day: date) -> str:
    # 30 random bits from the OS (os.urandom: no `secrets`/hashlib import on the hot path).
    bits = int.from_bytes(os.urandom(4), "big") >> 2
    suffix = "".join(ALPHABET[(bits >> shift) & 31] for shift in range(25, -1, -5))
    return f"{kind}{day.year:04d}{day.month:02d}{day.day:02d}-{suffix}"  # %Y: "1" for year 1


EVENT = "E"


@cache
def _event_id_pattern() -> re.Pattern[str]:
    return re.compile(r"^E\d{20}-[0-9A-HJKMNP-TV-Z]{6}$")


def new_event_id() -> str:
    """`E20261125043000123456-7KQF2M`: the real UTC clock to the microsecond, then six random
    characters. Events of one item are ordered by date, then `at`, then this id, so events written
    in the same second on one clone keep the order they were written in (the clock is read under
    the item's lock), and two clones never draw the same name."""
    import time

    nanoseconds = time.time_ns()
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(nanoseconds // 1_000_000_000))
    micro = (nanoseconds // 1000) % 1_000_000
    random_part = new_id(EVENT, date(2000, 1, 1)).rsplit("-", 1)[1]
    return f"{EVENT}{stamp}{micro:06d}-{random_part}"


def is_event_id(text: str) -> bool:
    return bool(_event_id_pattern().match(text))


def parse_id(text: str, kind: str) -> tuple[str, int, int]:
    """Normalise a typed id; return (id, year, month). Refuse anything that is not an id of `kind`.

    Only ids of this exact shape ever become part of a path, so `/`, `..` and the like never
    reach the file system.
    """
    normalised = text.strip().upper()
    match = _id_pattern().match(normalised)
    if not match or match.group(1) != kind:
        example = f"{kind}20261103-7KQF2M"
        raise UserError(
            say(
                "编号格式不对:{text!r}。编号形如 {example}",
                "malformed id: {text!r}. Ids look like {example}",
                text=text,
                example=example,
            )
        )
    return normalised, int(match.group(2)), int(match.group(3))


def is_valid_id(text: str, kind: str) -> bool:
    match = _id_pattern().match(text)
    return bool(match) and match.group(1) == kind  # type: ignore[union-attr]


def id_date(record_id: str) -> date | None:
    match = _id_pattern().match(record_id)
    if not match:
        return None
    try:
        return date(int(match.group(2)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return None

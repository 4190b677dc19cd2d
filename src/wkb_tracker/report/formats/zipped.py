"""Reproducible .xlsx and .docx bytes: both are zip files, and their writers stamp each member with
the clock and the document's properties with "now". Rewritten here with the output's own date,
the same figures give the same bytes on any day — as `--known-on D` reproduces the JSON of day D.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

CORE = "docProps/core.xml"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def reproducible(data: bytes, day: date) -> bytes:
    """`data` (a zip) with every member dated `day` (midnight) and its document properties'
    created/modified set to `day`; members in their order, compressed as before."""
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    iso = f"{day.isoformat()}T00:00:00Z".encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == CORE:
                content = _STAMP.sub(lambda m: m[1] + iso + m[2], content)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()

"""The process's standard streams: output never fails on an encoding (issue 11).

A command that has written a record must not end in a traceback because the console cannot show
a character (the user would retry and create a duplicate). Kept tiny: `wkb visit add` imports it
at start-up.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO


def tolerant_streams() -> None:
    """Make stdout/stderr print an escape (`\\u5305`) for a character their encoding lacks instead
    of raising: under `LC_ALL=C`, `PYTHONIOENCODING=ascii` or a GBK console a message after a
    successful write must not turn into a traceback. Streams already lenient are left alone."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with suppress(ValueError, OSError):  # a closed or exotic stream: leave it as it is
                reconfigure(errors="backslashreplace")


@contextmanager
def utf8_stdout() -> Iterator[IO[str]]:
    """A text stream onto stdout's bytes: UTF-8 whatever the locale or console code page, and no
    newline translation (CSV's `\\r\\n` stays `\\r\\n` on Windows too). Characters UTF-8 cannot
    carry (a lone surrogate from a non-UTF-8 argument) become escapes, never an error."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # stdout replaced by a plain text stream (embedding, some tests)
        yield sys.stdout
        sys.stdout.flush()
        return
    stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="backslashreplace", newline="")
    try:
        yield stream
        stream.flush()
    finally:
        stream.detach()  # the buffer belongs to sys.stdout: never close it

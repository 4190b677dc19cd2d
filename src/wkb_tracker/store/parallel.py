"""The one way wkb uses the second core: half of a bulk job in a forked child process.

Reading ten thousand record files is CPU-bound (YAML parsing) and statting hundreds of folders
is most of a warm run; the office machines have two cores. Only on Linux, where fork is safe and
cheap, with two or more cores, and unless switched off (`WKB_PARALLEL=0`, settings.py).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from wkb_tracker.store import settings

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_two_halves(
    items: Sequence[Item],
    work: Callable[[Sequence[Item]], list[Result]],
    *,
    from_size: int,
    ship: Callable[[list[Result]], Any] | None = None,
    unship: Callable[[Any], list[Result]] | None = None,
) -> list[Result]:
    """`work(items)`, with the second half done by a forked child when there are at least
    `from_size` items (below that a second process costs more than it saves). Results keep the
    order of `items`. If the child fails, its half is done here: the answer is the same either
    way, only slower.

    `ship` turns the child's results into what it sends back and `unship` turns that into
    results again: records sent as their cache rows (strings) cost a tenth of pickling the
    objects, and the child has to encode them for the cache anyway."""
    if len(items) < from_size or not settings.can_fork_helpers():
        return work(items)
    half = len(items) // 2
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        try:
            os.close(reader)
            with os.fdopen(writer, "wb") as stream:
                done = work(items[half:])
                sent = ship(done) if ship is not None else done
                pickle.dump(sent, stream, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(writer)
    try:
        mine = work(items[:half])
    finally:  # read even when this half raised, so the child never blocks on a full pipe
        with os.fdopen(reader, "rb") as stream:
            data = stream.read()
        os.waitpid(child, 0)
    try:
        received = pickle.loads(data)
        theirs: list[Result] = unship(received) if unship is not None else received
    except Exception:  # the child died before writing all of it (data from our own child only)
        theirs = work(items[half:])
    return mine + theirs

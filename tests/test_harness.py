"""The test harness itself: what it must not do to the process the tests run in."""

from __future__ import annotations

import gc


def test_harness__freezes_nothing_out_of_the_garbage_collector() -> None:
    """store.loader freezes loaded records only in a one-command process, which it tells by
    something frozen already (cli.main's start-up). A harness that froze what collection left
    (gc.freeze, tried for ~1 s of GC) made every load in the suite freeze its records and every
    check count millions of frozen objects: the suite ran at twice the CPU."""
    assert gc.get_freeze_count() == 0

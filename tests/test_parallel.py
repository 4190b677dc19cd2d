"""One fork helper (issue 12.2): half of a bulk job in a forked child, same answer as alone."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import pytest

from wkb_tracker.store import parallel, settings

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="wkb forks on Linux only")


@pytest.fixture(autouse=True)
def _forking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "can_fork_helpers", lambda: True)


def test_in_two_halves__keeps_the_order_and_uses_a_second_process() -> None:
    def work(some: Sequence[int]) -> list[tuple[int, int]]:
        return [(number * number, os.getpid()) for number in some]

    done = parallel.in_two_halves(list(range(10)), work, from_size=4)
    assert [square for square, _pid in done] == [n * n for n in range(10)]
    assert len({pid for _square, pid in done}) == 2


def test_in_two_halves__below_the_size_runs_here_alone() -> None:
    done = parallel.in_two_halves([1, 2, 3], lambda some: [os.getpid() for _ in some], from_size=4)
    assert done == [os.getpid()] * 3


def test_in_two_halves__a_failed_child_is_done_here() -> None:
    parent = os.getpid()

    def work(some: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return list(some)

    assert parallel.in_two_halves(list(range(6)), work, from_size=2) == list(range(6))


def test_in_two_halves__the_child_ships_its_half_in_another_form() -> None:
    """`ship` runs in the child on its results, `unship` here on what it sent (records as cache
    rows, 17.4); the answer is the same as one process's."""
    parent = os.getpid()

    def work(some: Sequence[int]) -> list[tuple[int, bool]]:
        return [(number, os.getpid() == parent) for number in some]

    def ship(done: list[tuple[int, bool]]) -> list[str]:
        assert os.getpid() != parent
        return [f"{number}" for number, _here in done]

    def unship(sent: list[str]) -> list[tuple[int, bool]]:
        return [(int(text), False) for text in sent]

    done = parallel.in_two_halves(list(range(6)), work, from_size=2, ship=ship, unship=unship)
    assert done == [(n, n < 3) for n in range(6)]

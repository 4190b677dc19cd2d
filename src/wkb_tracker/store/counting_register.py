"""The entity register attached to a data set when a counting rule asks who an entity is (the
only counting that does: `one_per_entity_per_day`, domain/identity). A module of its own so
that a report, a seal or its check imports the register's reader (~5 ms of start-up, issue
17.5) only when a rule needs it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from wkb_tracker.domain.counting_rule import CountingRule
from wkb_tracker.domain.dataset import Dataset


def with_counting_register(root: Path, dataset: Dataset, rules: Iterable[CountingRule]) -> Dataset:
    """`dataset` with the entity register attached when one of `rules` counts one contact per
    entity and day; `dataset` itself otherwise, with nothing read. The register's broken files
    are left out here and reported by `wkb validate`."""
    if not any(rule.one_per_entity_per_day for rule in rules):
        return dataset
    from wkb_tracker.store.entity_store import load_register

    register, _problems = load_register(root)
    return replace(dataset, register=register)

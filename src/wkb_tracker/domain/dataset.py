"""The records as the domain sees them: the root's settings (`Config`, declared in
domain/root_config.py) and everything loaded (`Dataset`). Plain data: the store fills them
(store/config.py, store/loader.py), compliance and knowledge read them, and a test can build them
in memory without a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.root_config import Config as Config

if TYPE_CHECKING:
    from wkb_tracker.domain.counting_rule import RuleBook
    from wkb_tracker.domain.entities import Register
    from wkb_tracker.domain.model import Rectification, Visit
    from wkb_tracker.domain.policy import Policy


@dataclass
class Dataset:
    """What a command loaded from a records root: its settings, policy and records, with the
    problems met reading them."""

    root: Path
    config: Config
    policy: Policy
    visits: list[Visit] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    # The day whose knowledge this holds (records made later are left out, see knowledge.py);
    # None: everything on disk.
    known_on: date | None = None
    # The entity register, which says which visits are to the same entity (domain/identity);
    # the store fills it only where measure 14's rule needs it (`one_per_entity_per_day`).
    register: Register | None = None

    @property
    def monthly_minimum(self) -> int:
        """Measure 14's minimum contacts per leader, district and month (config may override)."""
        return self.config.monthly_minimum or self.policy.monthly_minimum

    @property
    def rule_book(self) -> RuleBook:
        """Measure 14's dated counting rules; the config key `monthly_minimum` overrides every
        rule's minimum, as it always overrode measures.yaml's."""
        return self.policy.rule_book.with_minimum(self.config.monthly_minimum)

"""The records as the domain sees them: the root's settings (`Config`) and everything loaded
(`Dataset`). Plain data: the store fills them (store/config.py, store/loader.py), compliance and
knowledge read them, and a test can build them in memory without a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.policy import Policy

if TYPE_CHECKING:
    from wkb_tracker.domain.counting_rule import RuleBook
    from wkb_tracker.domain.entities import Register
    from wkb_tracker.domain.model import Rectification, Visit


@dataclass(frozen=True)
class Config:
    """The root's settings (`wkb.toml`, `wkb.local.toml`, the environment; store/config.py)."""

    monthly_minimum: int | None = None
    rectify_deadline_days: int = 30
    due_soon_days: int = 7
    late_grace_days: int = 5
    lang: str = "zh"
    recorder: str = ""
    auto_commit: bool = False
    tracking_start: str | None = None  # YYYY-MM
    repeat_window_days: int = 180  # wkb stats: a similar problem within this many days repeats
    # wkb remind's group robot (issue 15.3). The URL carries the robot's key and the secret signs
    # messages: both may live in wkb.local.toml (git-ignored) or the environment.
    remind_webhook: str = ""
    remind_kind: str = "wecom"  # wecom (企业微信) | dingtalk (钉钉)
    remind_secret: str = ""

    @property
    def tracking_month(self) -> tuple[int, int] | None:
        """(year, month) of `tracking_start`; None when every month is tracked."""
        if self.tracking_start is None:
            return None
        return int(self.tracking_start[:4]), int(self.tracking_start[5:7])


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

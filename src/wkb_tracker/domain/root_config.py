"""The root's settings as the domain reads them: `Config`, plain data.

Apart from domain/dataset.py (which gives it too) because every command reads the config before
anything else, and `wkb visit add` loads no `Dataset`: store/config.py imports only this.
"""

from __future__ import annotations

from dataclasses import dataclass


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

"""How hard the property tests try: a quick profile by default, a thorough one on request.

`python3 tasks.py test` runs the quick profile (the whole suite in under a minute on 2 cores);
`python3 tasks.py test --thorough` (or WKB_THOROUGH=1) runs each property test with its full
budget. Tests that name their own example count pass it through `examples(n)`.
"""

from __future__ import annotations

import os

from hypothesis import settings

THOROUGH = os.environ.get("WKB_THOROUGH", "") not in ("", "0", "false", "no")

settings.register_profile("quick", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile("thorough" if THOROUGH else "quick")


def examples(full: int, quick: int | None = None) -> int:
    """`full` examples in the thorough profile; in the quick one `quick`, else a tenth of `full`
    (at least 20)."""
    if THOROUGH:
        return full
    return quick if quick is not None else max(20, full // 10)

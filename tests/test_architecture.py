"""The import rule of the layers (issue 12.1, README 架构 / Architecture).

domain ← store ← cli and domain ← report ← cli: a layer imports only the layers below it, and
only cli talks to typer/click. Every import counts, also one inside a function and one under
`if TYPE_CHECKING:`, because each is a dependency a reader has to know about.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "wkb_tracker"

# For each layer, the layers of wkb_tracker and the outside packages it must never import.
FORBIDDEN: dict[str, tuple[set[str], set[str]]] = {
    "domain": ({"store", "report", "cli"}, {"typer", "click", "rich", "yaml", "tomli_w"}),
    "store": ({"report", "cli"}, {"typer", "click", "rich"}),
    "report": ({"store", "cli"}, {"typer", "click"}),
    "cli": (set(), set()),
}


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module `source` imports, absolute, with its line: top-level, function-level and
    relative imports alike (`from . import x` resolves to `package.x`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                base = here[: len(here) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.append((node.lineno, prefix))
            if prefix == PACKAGE:  # `from wkb_tracker import store`: the name is the module
                found += [(node.lineno, f"{prefix}.{alias.name}") for alias in node.names]
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    return parts[1] if parts[1] in FORBIDDEN else None


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of `module` that break the rule, as 'module:line imports target'."""
    layer = layer_of(module)
    if layer is None:
        return []
    inner, outer = FORBIDDEN[layer]
    bad = []
    for line, target in imported_modules(source, module, is_package):
        target_layer = layer_of(target)
        top = target.split(".")[0]
        if (target_layer in inner) or (top != PACKAGE and top in outer):
            bad.append(f"{module}:{line} imports {target}")
    return sorted(set(bad))


def test_layers__no_module_imports_a_higher_layer_or_a_forbidden_package() -> None:
    bad = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module = module_name(path, SRC)
        bad += violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    assert bad == []


def test_layers__every_module_lives_in_a_layer() -> None:
    """No flat module at the top beside the layers (the entry points excepted)."""
    top = sorted(p.name for p in (SRC / PACKAGE).glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("wkb_tracker.domain.x", "from wkb_tracker.store.loader import load\n"),
        ("wkb_tracker.domain.x", "def f():\n    from wkb_tracker.report import render\n"),
        ("wkb_tracker.domain.x", "from wkb_tracker import store\n"),
        ("wkb_tracker.domain.x", "import yaml\n"),
        ("wkb_tracker.domain.x", "from rich.text import Text\n"),
        ("wkb_tracker.domain.x", "from ..store import root\n"),
        ("wkb_tracker.store.x", "from wkb_tracker.report.views import policy_view\n"),
        ("wkb_tracker.store.x", "from wkb_tracker.cli.common import Session\n"),
        ("wkb_tracker.store.x", "def f():\n    import typer\n"),
        ("wkb_tracker.report.x", "from wkb_tracker.store import loader\n"),
        ("wkb_tracker.report.x", "import wkb_tracker.cli\n"),
        ("wkb_tracker.report.x", "import click\n"),
    ],
)
def test_checker__finds_a_violation(module: str, source: str) -> None:
    assert violations(source, module) != []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("wkb_tracker.domain.x", "from wkb_tracker.domain.model import Visit\nimport datetime\n"),
        ("wkb_tracker.store.x", "from wkb_tracker.domain import dates\nimport yaml\n"),
        ("wkb_tracker.report.x", "from wkb_tracker.domain.compliance import Report\nimport rich\n"),
        ("wkb_tracker.cli.x", "import typer\nfrom wkb_tracker.store import loader\n"),
    ],
)
def test_checker__allows_what_the_rule_allows(module: str, source: str) -> None:
    assert violations(source, module) == []

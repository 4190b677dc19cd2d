"""Entity names: one normalisation (entity_names.name_key) and the register's look-up built on it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.domain.entity_names import name_key

CHINESE = "武汉光谷实验室楚天电科技智能装备汉江生物医药长江数软件创新中心研究院"
ASCII = "ABCXYZabcxyz0123456789&-."


def _full_width(text: str) -> str:
    """ASCII letters, digits and signs as their full-width forms (what a Chinese IME types)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


names = st.text(alphabet=CHINESE + ASCII, min_size=1, max_size=12)


@given(
    core=names,
    bracketed=st.text(alphabet=CHINESE, min_size=0, max_size=3),
    suffix=st.sampled_from(["", "有限公司", "有限责任公司", "股份有限公司"]),
    other_suffix=st.sampled_from(["", "有限公司", "有限责任公司", "股份有限公司"]),
    spaces=st.lists(st.integers(min_value=0, max_value=20), max_size=4),
    blank=st.sampled_from([" ", "\u3000", "\t", "\u200b"]),
)
def test_name_key__width_spacing_brackets_and_suffix_variants_agree(
    core: str, bracketed: str, suffix: str, other_suffix: str, spaces: list[int], blank: str
) -> None:
    plain = core + (f"({bracketed})" if bracketed else "") + suffix
    variant = _full_width(core) + (f"({bracketed})" if bracketed else "") + other_suffix
    variant = variant.replace("(", "（").replace(")", "）")
    for position in sorted(spaces, reverse=True):
        variant = variant[:position] + blank + variant[position:]
    assert name_key(plain) == name_key(variant)


@given(st.text(max_size=20))
def test_name_key__is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("武汉光谷实验室", "武汉 光谷实验室"),
        ("楚天光电科技有限公司", "楚天光电科技股份有限公司"),
        ("楚天光电科技有限责任公司", "楚天光电科技"),
        ("华中某研究所（武汉）", "华中某研究所(武汉)"),
        ("ＡＢＣ科技", "abc科技"),
    ],
)
def test_name_key__same(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_key__suffix_alone_is_kept_and_different_names_differ() -> None:
    assert name_key("有限公司") == "有限公司"
    assert name_key("楚天光电") != name_key("楚天智能")
    assert name_key("  ") == ""


def _register() -> Register:
    return Register(
        [
            Entity("S20261201-AAAAAA", "武汉光谷实验室", aliases=("光谷实验室",)),
            Entity("S20261201-BBBBBB", "楚天光电科技有限公司"),
            Entity("S20261201-CCCCCC", "楚天智能装备有限公司"),
            Entity("S20261201-DDDDDD", "江城软件", merged_into="S20261201-BBBBBB"),
        ]
    )


@pytest.mark.parametrize(
    ("typed", "how", "found"),
    [
        ("武汉光谷实验室", "exact", "S20261201-AAAAAA"),
        ("光谷实验室", "alias", "S20261201-AAAAAA"),
        ("武汉　光谷实验室", "normalised", "S20261201-AAAAAA"),
        ("楚天光电科技股份有限公司", "normalised", "S20261201-BBBBBB"),
        ("楚天光", "prefix", "S20261201-BBBBBB"),
        ("楚天", "ambiguous", None),
        ("楚", "none", None),  # one character never picks an entity by prefix
        ("江城软件", "none", None),  # merged away: its name lives on as an alias, if merged so
        ("某某研究院", "none", None),
    ],
)
def test_resolve__order_of_matching(typed: str, how: str, found: str | None) -> None:
    match = _register().resolve(typed)
    assert match.how == how
    assert (match.entity.id if match.entity else None) == found


def test_resolve__near_miss_suggests_and_ambiguous_lists_candidates() -> None:
    register = _register()
    near = register.resolve("楚天光电技术")
    assert near.how == "none" and [e.id for e in near.candidates] == ["S20261201-BBBBBB"]
    ambiguous = register.resolve("楚天")
    assert {e.id for e in ambiguous.candidates} == {"S20261201-BBBBBB", "S20261201-CCCCCC"}


def test_canonical__follows_merges_and_stops_at_cycles() -> None:
    register = _register()
    assert register.canonical("S20261201-DDDDDD").id == "S20261201-BBBBBB"  # type: ignore[union-attr]
    looped = Register(
        [
            Entity("S20261201-EEEEEE", "甲", merged_into="S20261201-FFFFFF"),
            Entity("S20261201-FFFFFF", "乙", merged_into="S20261201-EEEEEE"),
        ]
    )
    assert looped.canonical("S20261201-EEEEEE") is None
    assert register.canonical("S20991231-ZZZZZZ") is None


def test_identity__groups_entity_names_by_the_same_key() -> None:
    """One normalisation everywhere: stats and the counting rule see 「…有限公司」 and
    「…股份有限公司」 as one entity (domain/identity, built on name_key)."""
    from datetime import date

    from builders import make_visit
    from wkb_tracker.domain.identity import Identities

    who = Identities(None)
    day = date(2026, 11, 3)
    first = make_visit(day, entity="楚天光电科技有限公司")
    second = make_visit(day, entity="楚天光电科技（股份有限公司）")
    assert who.key(first) == who.key(second) == "name:" + name_key("楚天光电科技")


def test_ambiguous__a_long_candidate_list_is_cut_to_one_line() -> None:
    from wkb_tracker.domain.entities import ambiguous_error

    register = Register(Entity(f"S20261201-A{n:05d}", f"测试企业{n}") for n in range(100, 130))
    match = register.resolve("测试企业1")
    assert match.how == "ambiguous" and len(match.candidates) == 30
    message = str(ambiguous_error(match))
    assert message.count("测试企业") == 5 + 1  # the typed text and five candidates
    assert message.endswith(" 等,另有 25 个。请写全称或编号")


def test_register__keys_given_with_the_entities_are_used() -> None:
    entity = Entity("S20261201-AAAAAA", "武汉光谷实验室", aliases=("光谷实验室",))
    keyed = Register([entity], keys={entity.id: ["x1", "x2"]})
    assert keyed.resolve("x2").entity == entity  # indexed by the keys given (a cache's)
    stale = Register([entity], keys={entity.id: ["only-one"]})  # a wrong count: computed again
    assert stale.resolve("光谷实验室").how == "alias"


def test_resolve__without_suggestions_skips_the_similarity_pass() -> None:
    """The same-entity rule (domain/identity) asks only whether a name is registered: no
    did-you-mean pass over every name (it made `wkb stats` with a register quadratic)."""
    register = Register([Entity("S20261101-AAAAAA", "武汉光谷实验室")])
    assert register.resolve("武汉光谷实验所").candidates  # suggestions for a person typing
    quiet = register.resolve("武汉光谷实验所", suggest=False)
    assert (quiet.how, quiet.entity, quiet.candidates) == ("none", None, ())
    assert register.resolve("光谷实验室", suggest=False).entity is None
    assert register.resolve("武汉光谷", suggest=False).how == "prefix"

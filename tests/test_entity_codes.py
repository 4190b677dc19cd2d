"""统一社会信用代码: GB 32100-2015 check character and the GB 11714 organisation-code check inside it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wkb_tracker.domain.credit_code import (
    CHARSET,
    WEIGHTS,
    check_character,
    code_problem,
    complete,
    normalise_code,
    org_check_character,
    parse_code,
)
from wkb_tracker.domain.errors import UserError

# Published codes, each verified here by both check characters: the example code printed in
# GB 32100-2015 and commonly cited with it, and two codes shown on well-known business licences
# (an all-digit one, and one whose organisation code ends in the check character X).
PUBLISHED = ("91350100M000100Y43", "914403001922038216", "9144030071526726XG")


def test_weights__are_powers_of_three_mod_31() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


@pytest.mark.parametrize("code", PUBLISHED)
def test_code__published_examples_pass_both_checks(code: str) -> None:
    assert code_problem(code) is None
    assert check_character(code[:17]) == code[17]
    assert org_check_character(code[8:16]) == code[16]


def test_org_check__ten_is_x_and_eleven_is_zero() -> None:
    assert org_check_character("71526726") == "X"  # 11 - (199 mod 11) = 10
    # A body whose weighted sum is a multiple of 11 gets 0 (11 - 0 = 11 → 0).
    assert org_check_character("00000000") == "0"


def test_check_character__sum_multiple_of_31_gives_zero() -> None:
    assert check_character("0" * 17) == "0"


def test_code__one_changed_character_is_refused() -> None:
    good = PUBLISHED[0]
    bad = good[:17] + ("4" if good[17] != "4" else "5")
    assert "第 18 位" in (code_problem(bad) or "")
    swapped = good[:16] + ("5" if good[16] != "5" else "6") + good[17]
    assert "GB 11714" in (code_problem(swapped) or "")


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100Y433", "18 位"),
        ("91350100M00010OY43", "不允许的字符"),  # letter O
        ("913501A0M000100Y43", "6 位数字"),
    ],
)
def test_code__malformed(code: str, why: str) -> None:
    assert why in (code_problem(code) or "")


def test_normalise_code__full_width_lower_case_blanks_hyphens() -> None:
    assert normalise_code(" ９１３５０１００ｍ０００-１００ｙ４３ ") == PUBLISHED[0]


def test_parse_code__refusal_is_one_line_naming_the_option() -> None:
    with pytest.raises(UserError) as caught:
        parse_code("91350100M000100Y44", "--code")
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("--code '91350100M000100Y44' 不是有效的统一社会信用代码")
    assert parse_code("91350100m000100y43") == PUBLISHED[0]


@given(
    st.text(alphabet=CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=8, max_size=8),
)
def test_complete__every_completed_body_is_valid(head: str, division: str, org: str) -> None:
    assert code_problem(complete(head + division + org)) is None


@given(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(CHARSET),
)
def test_code__any_single_substitution_is_caught(body: str, where: int, char: str) -> None:
    """GB 32100's mod-31 check catches every single-character error."""
    code = complete(body)
    changed = code[:where] + char + code[where + 1 :]
    if changed != code:
        assert code_problem(changed) is not None

"""``search.fold``: one pure function folds what is saved and what is asked for."""

from __future__ import annotations

import pytest

from fellowship.network.search import fold, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bookkeeping", "bookkeeping"),
        ("Contabílidad  Fiscal", "contabilidad fiscal"),
        ("Księgowość, ŁÓDŹ", "ksiegowosc, lodz"),
        ("Straße", "strasse"),
        ("Søren Ærø", "soren aero"),
        ("Đorđe", "dorde"),
        ("ıi İstanbul", "ii istanbul"),
        ("Crème brûlée", "creme brulee"),
        ("ﬁnance", "finance"),  # the ligature, by NFKD
    ],
)
def test_fold_latin(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("مُحَاسَبَة", "محاسبه"),  # harakat dropped, teh marbuta → heh
        ("محاسبة", "محاسبه"),
        ("أدوات إدارة آمنة ٱلعمل", "ادوات اداره امنه العمل"),  # alef forms unified
        ("مستشفى", "مستشفي"),  # alef maqsura → yeh
        ("محـــاسبة", "محاسبه"),  # tatweel
        ("\u200fمحاسبة\u200f", "محاسبه"),  # right-to-left marks pasted with the text
    ],
)
def test_fold_arabic(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("הַנְהָלַת חֶשְׁבּוֹנוֹת", "הנהלת חשבונות"),  # niqqud
        ("בְּרֵאשִׁ֖ית", "בראשית"),  # a cantillation mark too
        ("חשבון", "חשבונ"),  # final nun
        ("ך ם ן ף ץ", "כ מ נ פ צ"),
        ("בית־ספר", "בית-ספר"),  # maqaf
    ],
)
def test_fold_hebrew(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_idempotent() -> None:
    text = "Księgowość مُحَاسَبَة הַנְהָלַת Straße"
    assert fold(fold(text)) == fold(text)


def test_words_are_distinct_folded_and_capped() -> None:
    assert words("  Księgowość ksiegowosc  LEGAL ") == ["ksiegowosc", "legal"]
    assert len(words(" ".join(f"w{n}" for n in range(20)))) == 8

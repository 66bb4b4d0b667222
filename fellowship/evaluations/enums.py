import enum

from flask_babel import lazy_gettext as _l


class QuestionKind(enum.StrEnum):
    LIKERT5 = "likert5"
    SCALE10 = "scale10"
    SINGLE = "single"
    MULTI = "multi"
    TEXT = "text"


QUESTION_KIND_LABELS = {
    QuestionKind.LIKERT5: _l("Rating 1–5"),
    QuestionKind.SCALE10: _l("Scale 0–10"),
    QuestionKind.SINGLE: _l("One choice"),
    QuestionKind.MULTI: _l("Several choices"),
    QuestionKind.TEXT: _l("Free text"),
}

SCALES = {QuestionKind.LIKERT5: range(1, 6), QuestionKind.SCALE10: range(0, 11)}
"""The values a scale question accepts."""

CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTI})

"""The post-session evaluation that ships with Fellowship.

It is not a database row: it is offered in every template library and copied, in the language of the
person who attaches or copies it, onto an event or into the library. Its question keys stay fixed, so its
figures compare across every event and cohort that used it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from fellowship.evaluations.enums import QuestionKind

DEFAULT_KEY = "default"
TITLE = _l("Post-session evaluation")

QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "overall",
        "kind": QuestionKind.LIKERT5,
        "prompt": _l("Overall, how would you rate this session?"),
        "low_label": _l("Poor"),
        "high_label": _l("Excellent"),
        "required": True,
    },
    {
        "key": "content",
        "kind": QuestionKind.LIKERT5,
        "prompt": _l("How useful was the content for your work?"),
        "low_label": _l("Not useful"),
        "high_label": _l("Very useful"),
        "required": True,
    },
    {
        "key": "facilitation",
        "kind": QuestionKind.LIKERT5,
        "prompt": _l("How well was the session facilitated?"),
        "low_label": _l("Poorly"),
        "high_label": _l("Very well"),
        "required": True,
    },
    {
        "key": "recommend",
        "kind": QuestionKind.SCALE10,
        "prompt": _l("How likely are you to recommend this program to a colleague?"),
        "low_label": _l("Not at all likely"),
        "high_label": _l("Extremely likely"),
        "required": True,
    },
    {"key": "worked", "kind": QuestionKind.TEXT, "prompt": _l("What worked well?")},
    {"key": "improve", "kind": QuestionKind.TEXT, "prompt": _l("What should we improve?")},
    {"key": "next_topics", "kind": QuestionKind.TEXT, "prompt": _l("Which topics would you like next?")},
]


def questions() -> list[dict[str, Any]]:
    """The questions as plain values, in the current language."""
    return [
        {
            "key": q["key"],
            "kind": q["kind"],
            "prompt": str(q["prompt"]),
            "options": [],
            "low_label": str(q.get("low_label", "")),
            "high_label": str(q.get("high_label", "")),
            "required": q.get("required", False),
        }
        for q in QUESTIONS
    ]

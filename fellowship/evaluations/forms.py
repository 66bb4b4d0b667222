"""Forms: the template editor, attaching an evaluation to an event, and answering one."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fellowship.core.forms import Form, strip
from fellowship.evaluations.enums import QUESTION_KIND_LABELS, SCALES, QuestionKind
from fellowship.evaluations.models import Question, Survey


class QuestionRow(Form):
    class Meta:
        csrf = False  # part of the template form, which carries the token
        model = Question

    key = HiddenField()
    position = IntegerField(
        _l("Order"),
        description=_l("Questions are asked from the lowest number up."),
        validators=[Optional(), NumberRange(min=0, max=999)],
    )
    prompt = StringField(_l("Question"), validators=[Optional()], filters=[strip])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in QUESTION_KIND_LABELS.items()],
        default=QuestionKind.LIKERT5.value,
    )
    options = TextAreaField(
        _l("Options"),
        description=_l("For choice questions: one option per line."),
        validators=[Optional(), Length(max=3000)],
    )
    low_label = StringField(_l("Label of the low end"), validators=[Optional()], filters=[strip])
    high_label = StringField(_l("Label of the high end"), validators=[Optional()], filters=[strip])
    required = BooleanField(_l("Required"))

    def validate_options(self, field: Any) -> None:
        if not (self.prompt.data or "").strip():
            return
        options = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data in {QuestionKind.SINGLE, QuestionKind.MULTI} and len(options) < 2:
            raise ValidationError(_l("A choice question needs at least two options."))
        if len(options) > 20 or any(len(o) > 200 for o in options):
            raise ValidationError(_l("At most 20 options of 200 characters each."))


BLANK_ROWS = 3
MAX_QUESTIONS = 40


class TemplateForm(Form):
    class Meta:
        model = Survey

    title = StringField(_l("Title"), validators=[DataRequired()], filters=[strip])
    questions = FieldList(FormField(QuestionRow), min_entries=BLANK_ROWS, max_entries=MAX_QUESTIONS)

    def specs(self) -> list[dict[str, Any]]:
        """The filled rows as question values, in order; rows without a question are dropped."""
        specs = []
        rows = sorted(
            enumerate(self.questions.entries),
            key=lambda item: (
                item[1].form.position.data if item[1].form.position.data is not None else 999,
                item[0],
            ),
        )
        for _index, entry in rows:
            row = entry.form
            if not row.prompt.data:
                continue
            specs.append(
                {
                    "key": row.key.data or "",
                    "kind": row.kind.data,
                    "prompt": row.prompt.data,
                    "options": [
                        line.strip() for line in (row.options.data or "").splitlines() if line.strip()
                    ],
                    "low_label": row.low_label.data or "",
                    "high_label": row.high_label.data or "",
                    "required": bool(row.required.data),
                }
            )
        return specs


def template_form(specs: list[dict[str, Any]] | None = None, title: str = "") -> TemplateForm:
    """The editor, filled from ``specs`` on GET, with blank rows for new questions."""
    if specs is None:
        return TemplateForm()
    rows = [
        {**spec, "kind": str(spec["kind"]), "options": "\n".join(spec.get("options", [])), "position": n + 1}
        for n, spec in enumerate(specs)
    ]
    rows += [{} for _ in range(BLANK_ROWS)]
    return TemplateForm(data={"title": title, "questions": rows[:MAX_QUESTIONS]})


class AttachForm(Form):
    source = SelectField(_l("Questions from"), validators=[DataRequired()])
    anonymous = BooleanField(
        _l("Anonymous"),
        description=_l("Answers are not linked to the person; once answers arrive this cannot change."),
    )
    closes_on = DateField(
        _l("Closes on"),
        description=_l("The last day answers are accepted (in the cohort's timezone)."),
        validators=[DataRequired()],
    )


def source_choices(templates: list[Survey]) -> list[SelectChoice]:
    from fellowship.evaluations.defaults import DEFAULT_KEY, TITLE

    return [SelectChoice(DEFAULT_KEY, str(TITLE))] + [SelectChoice(str(t.id), t.title) for t in templates]


# --- answering ----------------------------------------------------------------------------------------------


class _MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def response_form(survey: Survey, formdata: Any = None) -> Form:
    """One field per question, named ``q<question id>``; values are option indexes or scale points."""

    class ResponseForm(Form):
        pass

    for question in survey.questions:
        required = [InputRequired(_l("Please answer this question."))] if question.required else [Optional()]
        name = f"q{question.id}"
        if question.kind in SCALES:
            field: Any = RadioField(
                question.prompt,
                choices=[SelectChoice(v, str(v)) for v in SCALES[question.kind]],
                coerce=int,
                validators=required,
            )
        elif question.kind is QuestionKind.SINGLE:
            field = RadioField(
                question.prompt,
                choices=[SelectChoice(n, o) for n, o in enumerate(question.options)],
                coerce=int,
                validators=required,
            )
        elif question.kind is QuestionKind.MULTI:
            field = _MultiCheckbox(
                question.prompt,
                choices=[SelectChoice(n, o) for n, o in enumerate(question.options)],
                coerce=int,
                validators=[DataRequired(_l("Please answer this question."))] if question.required else [],
            )
        else:
            field = TextAreaField(
                question.prompt,
                validators=[*required, Length(max=5000)],
                filters=[strip],
            )
        setattr(ResponseForm, name, field)
    return ResponseForm(formdata=formdata)


def values_from(form: Form, survey: Survey) -> dict[int, Any]:
    values: dict[int, Any] = {}
    for question in survey.questions:
        data = form[f"q{question.id}"].data
        if question.kind is QuestionKind.MULTI:
            values[question.id] = list(data or [])
        elif question.kind is QuestionKind.TEXT:
            values[question.id] = data or ""
        else:
            values[question.id] = data
    return values

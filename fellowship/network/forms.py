"""The network's forms. Skills are checkboxes of ``enums.SKILL_LABELS`` (stored by key, so they match across
languages) plus the person's own words, comma-separated; languages are checkboxes of the site's five plus
other codes, comma-separated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fellowship.core.forms import Form, strip, timezone_name
from fellowship.core.i18n import LANGUAGE_NAMES, timezone_choices
from fellowship.network.enums import CATEGORY_LABELS, ENTRY_KIND_LABELS, PAYMENT_LABELS, SKILL_LABELS, Payment
from fellowship.network.models import (
    EXCHANGE_HOURS_MAX,
    MEETING_MINUTES_MAX,
    Entry,
    Exchange,
    MentoringMeeting,
    MentoringPair,
    MentoringReflection,
    NetworkProfile,
)

OWN_WORDS_LENGTH = 500
OWN_CODES_LENGTH = 100


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _kinds() -> list[SelectChoice]:
    return [SelectChoice(kind.value, label) for kind, label in ENTRY_KIND_LABELS.items()]


def _categories() -> list[SelectChoice]:
    return [SelectChoice(category.value, label) for category, label in CATEGORY_LABELS.items()]


def _languages() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


def split_words(text: str | None) -> list[str]:
    """ "a, b ,c" -> ["a", "b", "c"]; empty parts dropped."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class SearchForm(Form):
    """Read from the address (GET): no CSRF token, and nothing it holds changes anything."""

    class Meta:
        csrf = False

    q = StringField(_l("Words"), validators=[Optional(), Length(max=200)], filters=[strip])
    kind = SelectField(_l("Offers or needs"), choices=[SelectChoice("", _l("Both")), *_kinds()], default="")
    category = SelectField(
        _l("Category"), choices=[SelectChoice("", _l("Any category")), *_categories()], default=""
    )
    skill = StringField(_l("Skill"), validators=[Optional(), Length(max=40)], filters=[strip])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=120)], filters=[strip])
    language = SelectField(
        _l("Language"), choices=[SelectChoice("", _l("Any language")), *_languages()], default=""
    )


class EntryForm(Form):
    class Meta:
        model = Entry

    owner = RadioField(
        _l("Whose entry"),
        choices=[SelectChoice("person", _l("Mine")), SelectChoice("organization", _l("My organisation's"))],
        default="person",
    )
    kind = RadioField(_l("This is"), choices=_kinds(), default="offer")
    category = SelectField(_l("Category"), choices=_categories())
    title = StringField(_l("Title"), validators=[DataRequired()], filters=[strip])
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: *emphasis*, lists and links. No contact details: members reach you here."),
        validators=[Optional()],
        filters=[strip],
    )
    skills = _Checkboxes(
        _l("Skills"), choices=[SelectChoice(key, label) for key, label in SKILL_LABELS.items()]
    )
    own_skills = StringField(
        _l("Other skills"),
        description=_l("Your own words, separated by commas."),
        validators=[Optional(), Length(max=OWN_WORDS_LENGTH)],
        filters=[strip],
    )
    place = StringField(
        _l("City or area"), description=_l("Where you can meet in person."), validators=[Optional()]
    )
    languages = _Checkboxes(_l("Languages spoken"), choices=_languages())
    own_languages = StringField(
        _l("Other languages"),
        description=_l("Language codes separated by commas, for example: pt, uk"),
        validators=[Optional(), Length(max=OWN_CODES_LENGTH)],
        filters=[strip],
    )
    published = BooleanField(
        _l("Publish: signed-in members of every program may find it"),
        description=_l("Until you publish it, nobody but you sees this entry."),
    )


class OrganizationForm(Form):
    class Meta:
        model = NetworkProfile

    in_public_directory = BooleanField(
        _l("List our offers in the public directory"),
        description=_l(
            "Anyone may see our name, what we offer and our place; never people or contact details."
        ),
    )
    place = StringField(_l("City or area"), validators=[Optional()], filters=[strip])
    languages = _Checkboxes(_l("Languages spoken"), choices=_languages())
    own_languages = StringField(
        _l("Other languages"),
        description=_l("Language codes separated by commas, for example: pt, uk"),
        validators=[Optional(), Length(max=OWN_CODES_LENGTH)],
        filters=[strip],
    )
    ta_provider = BooleanField(
        _l("We give co-ops technical assistance"),
        description=_l("Programs' reports count exchanges with us as collaboration with other TA providers."),
    )


class HideForm(Form):
    class Meta:
        model = Entry

    hidden_reason = TextAreaField(
        _l("Reason"),
        description=_l("The owner sees it."),
        validators=[DataRequired(message=_l("Say why the entry is hidden."))],
        filters=[strip],
    )


class AskForm(Form):
    """A request for help on an offer: a short message; no contact details are exchanged yet."""

    class Meta:
        model = Exchange

    message = TextAreaField(
        _l("What do you need help with?"),
        description=_l(
            "A few lines: what, by when, and whether you can pay or would give something in kind. Your "
            "email address is shown to the other side only if they accept."
        ),
        validators=[DataRequired(message=_l("Say what you need help with."))],
        filters=[strip],
    )


def _payments() -> list[SelectChoice]:
    return [SelectChoice(payment.value, label) for payment, label in PAYMENT_LABELS.items()]


class AcceptForm(Form):
    """The offer's side accepts and writes down the agreement (seed 004's "social contract")."""

    class Meta:
        model = Exchange

    agreed_help = TextAreaField(
        _l("The help agreed"),
        validators=[DataRequired(message=_l("Say what help was agreed."))],
        filters=[strip],
    )
    expectations = TextAreaField(
        _l("Expectations on both sides"),
        description=_l(
            "For example: who prepares what, how you keep in touch, what happens if plans change."
        ),
        filters=[strip],
    )
    due_on = DateField(_l("By when"), validators=[Optional()])
    payment = RadioField(_l("Paid or in kind"), choices=_payments(), default=Payment.IN_KIND.value)
    answer = TextAreaField(_l("A message to the person who asked"), filters=[strip])


class DeclineForm(Form):
    class Meta:
        model = Exchange

    answer = TextAreaField(_l("A message to the person who asked"), filters=[strip])


class DoneForm(Form):
    hours = DecimalField(
        _l("Hours the help took"),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=0.25, max=EXCHANGE_HOURS_MAX, message=_l("Between a quarter of an hour and 500 hours.")
            ),
        ],
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # not a choice: the select refuses it with its message


class PairForm(Form):
    """A facilitator pairs one of the network's mentors with a fellow of the cohort."""

    mentor_id = SelectField(_l("Mentor"), coerce=_int_or_none, validate_choice=True)
    mentee_id = SelectField(_l("Fellow"), coerce=_int_or_none, validate_choice=True)

    def with_people(self, mentors: Sequence[tuple[int, str]], fellows: Sequence[tuple[int, str]]) -> PairForm:
        self.mentor_id.choices = [SelectChoice(user_id, name) for user_id, name in mentors]
        self.mentee_id.choices = [SelectChoice(user_id, name) for user_id, name in fellows]
        return self


class AskMentorForm(Form):
    class Meta:
        model = MentoringPair

    cohort_id = SelectField(_l("For your cohort"), coerce=_int_or_none, validate_choice=True)
    message = TextAreaField(
        _l("A few words to the mentor"),
        description=_l("What you would like to talk about, and how often you could meet."),
        filters=[strip],
    )

    def with_cohorts(self, cohorts: Sequence[tuple[int, str]]) -> AskMentorForm:
        self.cohort_id.choices = [SelectChoice(cohort_id, name) for cohort_id, name in cohorts]
        return self


class MeetingForm(Form):
    class Meta:
        model = MentoringMeeting

    held_on = DateField(_l("Day"), validators=[InputRequired(_l("Say on which day you met."))])
    minutes = IntegerField(
        _l("Length in minutes"),
        validators=[
            InputRequired(_l("Say how long you met, in minutes.")),
            NumberRange(min=1, max=MEETING_MINUTES_MAX, message=_l("Between 1 and 600 minutes.")),
        ],
    )
    notes = TextAreaField(_l("Notes (only the two of you read them)"), filters=[strip])


class ReflectionForm(Form):
    class Meta:
        model = MentoringReflection

    text = TextAreaField(
        _l("Your reflection"),
        description=_l("Only you and the cohort's facilitators read it."),
        validators=[DataRequired(_l("Write a few words on how the mentoring went."))],
        filters=[strip],
    )


class LocalGroupForm(Form):
    """An administrator starts a local group: its name, place, timezone and champion."""

    name = StringField(
        _l("Name of the group"),
        validators=[DataRequired(_l("Name the local group.")), Length(max=200)],
        filters=[strip],
    )
    place = StringField(_l("City or area"), validators=[Optional(), Length(max=120)], filters=[strip])
    timezone = SelectField(
        _l("Timezone"), choices=timezone_choices, default="UTC", validators=[timezone_name]
    )
    champion = StringField(
        _l("Champion's email address"),
        description=_l("Someone with an account, who coordinates the group and its meetups."),
        validators=[DataRequired(_l("Say who the champion is.")), Length(max=254)],
        filters=[strip],
    )

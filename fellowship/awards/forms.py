from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from fellowship.accounts.models import User
from fellowship.awards.enums import Combine
from fellowship.awards.models import AwardCategory, ConflictOfInterest, Contest, Criterion, Project, Vote
from fellowship.core.forms import Form, strip

MARKDOWN_HELP = _l("Markdown: **bold**, *italic*, lists and links.")


class ContestForm(Form):
    class Meta:
        model = Contest

    program = SelectField(_l("Program"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired()], filters=[strip])
    slug = StringField(
        _l("Web address"),
        description=_l("Lower-case letters, digits and dashes; the public pages live at /awards/<address>."),
        validators=[
            DataRequired(),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and dashes.")),
        ],
        filters=[strip],
    )
    description = TextAreaField(
        _l("Description"), description=MARKDOWN_HELP, validators=[Optional(), Length(max=20000)]
    )
    submissions_close_at = DateTimeLocalField(
        _l("Submissions close"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    judging_closes_at = DateTimeLocalField(
        _l("Judging closes"),
        description=_l("Jurors see it as their deadline for submitting scores."),
        validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
    )
    voting_opens_at = DateTimeLocalField(_l("Voting opens"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    voting_closes_at = DateTimeLocalField(
        _l("Voting closes"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    votes_per_voter = IntegerField(
        _l("Votes per person"), default=1, validators=[DataRequired(), NumberRange(min=1, max=20)]
    )
    live_tally = BooleanField(_l("Show the vote count to the public while voting is open"))
    combine = SelectField(
        _l("Combine jurors' scores by"),
        choices=[
            SelectChoice(Combine.MEAN.value, _l("Mean")),
            SelectChoice(Combine.MEDIAN.value, _l("Median")),
        ],
    )

    def validate_judging_closes_at(self, field: DateTimeLocalField) -> None:
        closes = self.submissions_close_at.data
        if field.data is not None and closes is not None and field.data <= closes:
            raise ValidationError(_l("Judging must close after submissions close."))


class CategoryRow(Form):
    class Meta:
        csrf = False
        model = AwardCategory

    id = HiddenField()
    name = StringField(_l("Award"), validators=[DataRequired()], filters=[strip])
    winner = SelectField(_l("Winner (special award)"), coerce=str, validate_choice=False)
    citation = TextAreaField(_l("Citation"), validators=[Optional(), Length(max=2000)], filters=[strip])


class CategoriesForm(Form):
    categories = FieldList(FormField(CategoryRow))


class CriterionRow(Form):
    class Meta:
        csrf = False
        model = Criterion

    id = HiddenField()
    name = StringField(_l("Criterion"), validators=[Optional()], filters=[strip])
    description = StringField(_l("What it means"), validators=[Optional()], filters=[strip])
    weight = FloatField(_l("Weight"), default=1.0, validators=[Optional(), NumberRange(min=0.1, max=100)])
    max_points = IntegerField(
        _l("Maximum points"), default=10, validators=[Optional(), NumberRange(min=1, max=100)]
    )


class CriteriaForm(Form):
    criteria = FieldList(FormField(CriterionRow), min_entries=1, max_entries=20)


class ProjectForm(Form):
    class Meta:
        model = Project

    title = StringField(_l("Project title"), validators=[DataRequired()], filters=[strip])
    team = TextAreaField(_l("Team members"), description=_l("One name per line."), validators=[Optional()])
    organization = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    summary = TextAreaField(
        _l("Summary"), description=MARKDOWN_HELP, validators=[DataRequired(), Length(max=5000)]
    )
    problem = TextAreaField(_l("The problem it tackles"), validators=[Optional(), Length(max=5000)])
    beneficiaries = TextAreaField(_l("Who benefits"), validators=[Optional(), Length(max=5000)])
    results = TextAreaField(_l("Results so far"), validators=[Optional(), Length(max=5000)])
    image = FileField(_l("Image"), description=_l("JPEG, PNG or WebP, at most 5 MB. Optional."))


class ReviewProjectForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("accepted", _l("Accept")), SelectChoice("returned", _l("Return for changes"))],
        validators=[DataRequired()],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)], filters=[strip])


class JurorForm(Form):
    class Meta:
        columns = {"email": User.email}

    email = EmailField(
        _l("Juror's email"), validators=[DataRequired(), Email(check_deliverability=False)], filters=[strip]
    )


class ConflictForm(Form):
    class Meta:
        model = ConflictOfInterest

    reason = StringField(_l("Reason"), validators=[DataRequired()], filters=[strip])


class VoidForm(Form):
    class Meta:
        columns = {"reason": Vote.void_reason}

    reason = StringField(_l("Reason"), validators=[DataRequired()], filters=[strip])


class VoteForm(Form):
    email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[strip],
    )
    website = StringField(_l("Leave this empty"))
    """A honeypot: hidden from people by the stylesheet; bots that fill every field are ignored."""

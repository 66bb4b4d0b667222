"""Every route, every role: who may open it and what everyone else gets.

A route missing from ROUTES fails ``test_every_route_is_in_the_inventory``; later capabilities add their
routes here. Roles: anonymous, public voter, juror, fellow of another cohort, fellow, observer, facilitator
of another cohort, facilitator, admin. Every URL with an inner id is also tried with that id taken from
another cohort, program, contest or person (``test_an_inner_id_from_elsewhere_...``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from fellowship.accounts import services
from fellowship.accounts.models import Organization, ProviderIdentity, User
from fellowship.awards import images, voting
from fellowship.awards import services as contest_services
from fellowship.awards.enums import Phase, ProjectStatus
from fellowship.awards.models import JurorAssignment, Vote
from fellowship.core import clock, mail
from fellowship.core.identity_providers import Provider
from fellowship.credentials import services as credential_services
from fellowship.curriculum import resources
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import (
    CohortModule,
    CurriculumEditor,
    Module,
    Review,
    Worksheet,
    WorksheetRevision,
)
from fellowship.discussions import services as discussions
from fellowship.evaluations import defaults
from fellowship.evaluations import services as evaluations
from fellowship.evaluations import tokens as evaluation_tokens
from fellowship.events import calendar
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.extensions import db
from fellowship.groups import services as groups_services
from fellowship.impact import services as impact_services
from fellowship.impact.enums import AssistanceKind, Stage
from fellowship.impact.models import Certificate
from fellowship.network import services as network_services
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Block, Entry
from fellowship.programs.models import Cohort, Program
from tests.conftest import ROLES, World

PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset(ROLES) - {"anonymous", "voter"}
ADMIN = frozenset({"admin"})
COHORT_READERS = frozenset({"fellow", "observer", "facilitator", "admin"})
COHORT_MANAGERS = frozenset({"facilitator", "admin"})
INVITED = frozenset({"fellow", "observer", "facilitator"})
PARTICIPANTS = frozenset({"fellow"})
REPORT_READERS = frozenset({"observer", "facilitator", "admin"})  # every member is invited; the admin is not
ENTRANTS = frozenset({"fellow", "admin"})
STAFF = frozenset({"facilitator", "admin"})
HIDDEN = {r: 404 for r in ("juror", "other_fellow", "fellow", "observer", "other_facilitator")}
JURORS = frozenset({"juror"})
LIBRARY = frozenset({"facilitator", "other_facilitator", "admin"})
CURRICULUM_EDITORS = frozenset({"facilitator", "admin"})
NETWORK = frozenset(SIGNED_IN - {"juror"})
ENTRY_EDITORS = frozenset({"fellow", "admin"})
EXCHANGE_SIDES = frozenset({"fellow", "other_fellow", "admin"})
PAIR = frozenset({"fellow", "other_fellow"})
PAIR_READERS = PAIR | {"facilitator", "admin"}
WRITERS = frozenset({"fellow", "facilitator", "admin"})
THREAD = ("cohort_id", "kind", "subject_id")
REPLY = ("cohort_id", "reply_id")
GET_POST = frozenset({"GET", "POST"})
POST_ONLY = frozenset({"POST"})


@dataclass(frozen=True)
class Route:
    allowed: frozenset[str]
    # Signed-in people outside the allowed set get 404 when the route is scoped to a cohort they are not in
    # (its existence is private) and 403 otherwise.
    scoped: bool = False
    params: tuple[str, ...] = ()
    methods: frozenset[str] = frozenset({"GET"})
    ok: int = 200
    extra: dict[str, int] = field(default_factory=dict)
    denied: dict[str, int] = field(default_factory=dict)  # refusals that differ from the usual 403/404


ROUTES: dict[str, Route] = {
    "fellowship.static": Route(PUBLIC, params=("filename",)),
    "fellowship.healthz": Route(PUBLIC),
    "fellowship.readyz": Route(PUBLIC),
    # For Prometheus: with no token set, the machine itself only (the test client is 127.0.0.1).
    "fellowship.metrics": Route(PUBLIC),
    "fellowship.accounts.sign_in": Route(PUBLIC, extra={r: 302 for r in SIGNED_IN}, methods=GET_POST),
    "fellowship.accounts.sign_out": Route(PUBLIC, methods=POST_ONLY),
    # Signing in through an identity provider: the inventory's provider cannot be reached (503); its
    # callback without a sign-in under way is refused (400); a person disconnects only their own identity.
    "fellowship.accounts.provider_sign_in": Route(
        PUBLIC, params=("provider_key",), ok=503, extra={r: 302 for r in SIGNED_IN}
    ),
    "fellowship.accounts.provider_callback": Route(PUBLIC, params=("provider_key",), ok=400),
    "fellowship.accounts.provider_unlink": Route(
        PARTICIPANTS,
        params=("identity_id",),
        methods=POST_ONLY,
        denied={r: 404 for r in SIGNED_IN - {"fellow"}},
    ),
    "fellowship.accounts.provider_link_grant": Route(ADMIN, params=("user_id",), methods=POST_ONLY),
    "fellowship.accounts.language": Route(PUBLIC, methods=POST_ONLY),
    "fellowship.accounts.password_forgot": Route(PUBLIC, methods=GET_POST),
    "fellowship.accounts.password_reset": Route(PUBLIC, params=("token=reset_token",), methods=GET_POST),
    "fellowship.accounts.invitation": Route(PUBLIC, params=("token=invite_token",), methods=GET_POST),
    "fellowship.accounts.unsubscribe": Route(PUBLIC, params=("token=unsubscribe_token",), methods=GET_POST),
    "fellowship.accounts.profile": Route(SIGNED_IN, methods=GET_POST),
    "fellowship.accounts.password_change": Route(SIGNED_IN, methods=POST_ONLY),
    "fellowship.accounts.sign_out_everywhere": Route(SIGNED_IN, methods=POST_ONLY),
    "fellowship.accounts.personal_data_download": Route(SIGNED_IN),
    "fellowship.accounts.erasure_request": Route(SIGNED_IN, methods=POST_ONLY),
    "fellowship.accounts.erasure_withdraw": Route(SIGNED_IN, methods=POST_ONLY),
    "fellowship.accounts.user_invite": Route(ADMIN, params=("user_id",), methods=POST_ONLY),
    "fellowship.accounts.outbox": Route(ADMIN),
    "fellowship.accounts.outbox_message": Route(ADMIN, params=("message_id",)),
    # Off in the test application, so nobody reaches it (see tests/accounts/test_dev_mailbox.py).
    "fellowship.accounts.dev_mailbox_list": Route(PUBLIC, ok=404),
    "fellowship.accounts.dev_mailbox_message": Route(PUBLIC, params=("message_id",), ok=404),
    "fellowship.accounts.users": Route(ADMIN),
    "fellowship.accounts.user_new": Route(ADMIN, methods=GET_POST),
    "fellowship.accounts.user_edit": Route(ADMIN, params=("user_id",), methods=GET_POST),
    "fellowship.accounts.user_deactivate": Route(ADMIN, params=("user_id",), methods=POST_ONLY),
    "fellowship.accounts.user_activate": Route(ADMIN, params=("user_id",), methods=POST_ONLY),
    "fellowship.accounts.user_erase": Route(ADMIN, params=("user_id",), methods=POST_ONLY),
    "fellowship.accounts.organizations": Route(ADMIN),
    "fellowship.accounts.organization_new": Route(ADMIN, methods=GET_POST),
    "fellowship.accounts.organization_edit": Route(ADMIN, params=("org_id",), methods=GET_POST),
    "fellowship.programs.dashboard": Route(SIGNED_IN),
    "fellowship.programs.programs": Route(ADMIN),
    "fellowship.programs.program_new": Route(ADMIN, methods=GET_POST),
    "fellowship.programs.program": Route(COHORT_READERS, scoped=True, params=("program_id",)),
    "fellowship.programs.program_edit": Route(ADMIN, params=("program_id",), methods=GET_POST),
    "fellowship.programs.cohort_new": Route(ADMIN, params=("program_id",), methods=GET_POST),
    "fellowship.programs.cohort": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.programs.cohort_edit": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.programs.member_new": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.programs.member_edit": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "member_id"), methods=GET_POST
    ),
    "fellowship.programs.invitations": Route(COHORT_MANAGERS, scoped=True, params=("cohort_id",)),
    "fellowship.programs.invitation_resend": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "invitation_id"), methods=POST_ONLY
    ),
    "fellowship.programs.invitation_revoke": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "invitation_id"), methods=POST_ONLY
    ),
    "fellowship.events.cohort_events": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.events.event_new": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.events.event": Route(COHORT_READERS, scoped=True, params=("event_id",)),
    "fellowship.events.event_edit": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=GET_POST
    ),
    "fellowship.events.event_cancel": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=POST_ONLY
    ),
    "fellowship.events.agenda": Route(COHORT_MANAGERS, scoped=True, params=("event_id",), methods=GET_POST),
    "fellowship.events.guests": Route(COHORT_MANAGERS, scoped=True, params=("event_id",), methods=GET_POST),
    "fellowship.events.rsvp": Route(INVITED, scoped=True, params=("event_id",), methods=POST_ONLY),
    "fellowship.events.guest_rsvp": Route(PUBLIC, params=("token=guest_token",), methods=GET_POST),
    "fellowship.events.my_events": Route(SIGNED_IN),
    "fellowship.events.reset_user_feed": Route(SIGNED_IN, methods=POST_ONLY),
    "fellowship.events.reset_cohort_feed": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=POST_ONLY
    ),
    "fellowship.events.user_feed": Route(PUBLIC, params=("user_id", "token=user_feed_token")),
    "fellowship.events.cohort_feed": Route(PUBLIC, params=("cohort_id", "token=cohort_feed_token")),
    "fellowship.attendance.grid": Route(COHORT_MANAGERS, scoped=True, params=("event_id",), methods=GET_POST),
    "fellowship.attendance.all_present": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=POST_ONLY
    ),
    # Participants excuse themselves and check in; staff host events and are never counted as attendees.
    "fellowship.attendance.apologies": Route(
        PARTICIPANTS, scoped=True, params=("event_id",), methods=GET_POST
    ),
    "fellowship.attendance.check_in": Route(
        PARTICIPANTS, scoped=True, params=("event_id",), methods=GET_POST
    ),
    "fellowship.attendance.checkin_open": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=POST_ONLY
    ),
    "fellowship.attendance.checkin_close": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=POST_ONLY
    ),
    "fellowship.attendance.checkin_qr": Route(COHORT_MANAGERS, scoped=True, params=("event_id",)),
    "fellowship.attendance.cohort_report": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.attendance.cohort_report_csv": Route(REPORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.attendance.organisations_csv": Route(REPORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.attendance.event_csv": Route(REPORT_READERS, scoped=True, params=("event_id",)),
    "fellowship.curriculum.modules": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.curriculum.assign": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.curriculum.module": Route(COHORT_READERS, scoped=True, params=("cohort_id", "slug")),
    "fellowship.curriculum.progress": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.curriculum.worksheet_markdown": Route(
        frozenset({"fellow", "facilitator", "admin"}),
        scoped=True,
        params=("worksheet_id",),
        denied={"observer": 404},
    ),
    "fellowship.curriculum.worksheet": Route(
        frozenset({"fellow"}), scoped=True, params=("cohort_id", "slug"), methods=GET_POST
    ),
    "fellowship.curriculum.worksheet_autosave": Route(
        frozenset({"fellow"}), scoped=True, params=("cohort_id", "slug"), methods=POST_ONLY
    ),
    # The module editor: administrators, and the facilitator the world makes a curriculum editor of the
    # module's program kind; the other facilitator is no editor. Publishing without a draft goes back to
    # the editor (302).
    "fellowship.curriculum.library": Route(CURRICULUM_EDITORS),
    "fellowship.curriculum.new_module": Route(CURRICULUM_EDITORS, methods=GET_POST),
    "fellowship.curriculum.edit_module": Route(CURRICULUM_EDITORS, params=("slug",), methods=GET_POST),
    "fellowship.curriculum.edit_fields": Route(CURRICULUM_EDITORS, params=("slug",), methods=GET_POST),
    "fellowship.curriculum.publish_module": Route(
        CURRICULUM_EDITORS, params=("slug",), methods=GET_POST, ok=302
    ),
    "fellowship.curriculum.discard_draft": Route(CURRICULUM_EDITORS, params=("slug",), methods=POST_ONLY),
    "fellowship.curriculum.export_module": Route(CURRICULUM_EDITORS, params=("slug",)),
    "fellowship.curriculum.import_module": Route(CURRICULUM_EDITORS, methods=POST_ONLY),
    "fellowship.curriculum.editors": Route(ADMIN, methods=GET_POST),
    "fellowship.curriculum.module_resources": Route(CURRICULUM_EDITORS, params=("slug",), methods=GET_POST),
    "fellowship.curriculum.remove_module_resource": Route(
        CURRICULUM_EDITORS, params=("slug", "resource_id=module_resource_id"), methods=POST_ONLY
    ),
    # A cohort's resource library: its members read it, its facilitators add and remove; a file is sent to
    # the cohort's members only (a module's file to the members of cohorts using the module).
    "fellowship.curriculum.cohort_resources": Route(
        COHORT_READERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.curriculum.remove_cohort_resource": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "resource_id"), methods=POST_ONLY
    ),
    "fellowship.curriculum.resource_file": Route(COHORT_READERS, scoped=True, params=("resource_id",)),
    "fellowship.curriculum.remove_editor": Route(ADMIN, params=("editor_id",), methods=POST_ONLY),
    # Anyone who facilitates some cohort has a queue (possibly empty); it is not scoped to one cohort.
    "fellowship.curriculum.queue": Route(frozenset({"facilitator", "other_facilitator", "admin"})),
    # A worksheet is private to its fellow and the cohort's facilitators: even an observer gets 404.
    "fellowship.curriculum.worksheet_review": Route(
        frozenset({"fellow", "facilitator", "admin"}),
        scoped=True,
        params=("worksheet_id",),
        methods=GET_POST,
        denied={"observer": 404},
    ),
    # Anyone who facilitates some cohort keeps the evaluation template library and compares cohorts.
    "fellowship.evaluations.library": Route(LIBRARY),
    "fellowship.evaluations.template_new": Route(LIBRARY, methods=GET_POST),
    "fellowship.evaluations.template_edit": Route(LIBRARY, params=("survey_id",), methods=GET_POST),
    "fellowship.evaluations.template_delete": Route(LIBRARY, params=("survey_id",), methods=POST_ONLY),
    "fellowship.evaluations.compare_cohorts": Route(LIBRARY),
    # The event already has its evaluation, so the setup page sends managers on to its summary.
    "fellowship.evaluations.setup": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=GET_POST, ok=302
    ),
    "fellowship.evaluations.remove": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id",), methods=POST_ONLY
    ),
    "fellowship.evaluations.answer": Route(
        COHORT_READERS, scoped=True, params=("event_id",), methods=GET_POST
    ),
    "fellowship.evaluations.guest_answer": Route(
        PUBLIC, params=("token=evaluation_token",), methods=GET_POST
    ),
    "fellowship.evaluations.summary": Route(REPORT_READERS, scoped=True, params=("event_id",)),
    "fellowship.evaluations.responses_csv": Route(COHORT_MANAGERS, scoped=True, params=("event_id",)),
    "fellowship.evaluations.cohort_trend": Route(REPORT_READERS, scoped=True, params=("cohort_id",)),
    # Awards. The inventory's contest is in its voting phase: results, receipts and the ceremony are not
    # public yet (404 for everyone but, for results, the admins who preview them).
    "fellowship.awards.contests": Route(SIGNED_IN),
    "fellowship.awards.contest_new": Route(ADMIN, methods=GET_POST),
    "fellowship.awards.contest_edit": Route(ADMIN, params=("contest_id",), methods=GET_POST),
    "fellowship.awards.phase": Route(ADMIN, params=("contest_id",), methods=POST_ONLY),
    "fellowship.awards.criteria": Route(ADMIN, params=("contest_id",), methods=GET_POST),
    "fellowship.awards.categories": Route(ADMIN, params=("contest_id",), methods=GET_POST),
    "fellowship.awards.manage": Route(ADMIN, params=("contest_id",)),
    "fellowship.awards.project_review": Route(ADMIN, params=("contest_id", "project_id"), methods=GET_POST),
    "fellowship.awards.juror_add": Route(ADMIN, params=("contest_id",), methods=POST_ONLY),
    "fellowship.awards.juror_reopen": Route(ADMIN, params=("contest_id", "assignment_id"), methods=POST_ONLY),
    "fellowship.awards.vote_void": Route(ADMIN, params=("contest_id", "vote_id"), methods=POST_ONLY),
    # Entrants are the fellows of the contest's program; a project is its submitter's (others: 404).
    "fellowship.awards.entries": Route(ENTRANTS, params=("contest_id",)),
    "fellowship.awards.project_new": Route(ENTRANTS, params=("contest_id",), methods=GET_POST),
    "fellowship.awards.project_edit": Route(
        ENTRANTS,
        params=("contest_id", "project_id"),
        methods=GET_POST,
        denied={r: 404 for r in ("juror", "other_fellow", "observer", "other_facilitator", "facilitator")},
    ),
    "fellowship.awards.jury": Route(JURORS, params=("contest_id",)),
    "fellowship.awards.score": Route(JURORS, params=("contest_id", "project_id"), methods=GET_POST),
    "fellowship.awards.declare_conflict": Route(
        JURORS, params=("contest_id", "project_id"), methods=POST_ONLY
    ),
    "fellowship.awards.jury_submit": Route(JURORS, params=("contest_id",), methods=POST_ONLY),
    "fellowship.awards.gallery": Route(PUBLIC, params=("slug=contest_slug",)),
    "fellowship.awards.project_page": Route(PUBLIC, params=("slug=contest_slug", "project_id")),
    "fellowship.awards.project_image": Route(PUBLIC, params=("slug=contest_slug", "project_id")),
    "fellowship.awards.vote": Route(PUBLIC, params=("slug=contest_slug", "project_id"), methods=GET_POST),
    "fellowship.awards.confirm": Route(
        PUBLIC, params=("slug=contest_slug", "token=vote_token"), methods=GET_POST
    ),
    "fellowship.awards.results": Route(PUBLIC, params=("slug=contest_slug",), ok=404, extra={"admin": 200}),
    "fellowship.awards.receipts": Route(PUBLIC, params=("slug=contest_slug",), ok=404),
    "fellowship.awards.ceremony": Route(PUBLIC, params=("slug=contest_slug", "step"), ok=404),
    # Impact: program staff are admins and the facilitators of the program's cohorts; to anyone else the
    # program's reports do not exist (404). An observer of one of the program's cohorts reads its list of
    # reports (the submitted ones) and each submitted report; the period here is a draft, so they get 404
    # for it (tests/impact/test_observer_reports.py covers submitted reports). Demographics are each
    # person's own.
    "fellowship.impact.assistance": Route(STAFF, params=("program_id",), methods=GET_POST, denied=HIDDEN),
    "fellowship.impact.assistance_edit": Route(
        STAFF, params=("program_id", "log_id"), methods=GET_POST, denied=HIDDEN
    ),
    "fellowship.impact.assistance_delete": Route(
        STAFF, params=("program_id", "log_id"), methods=POST_ONLY, denied=HIDDEN
    ),
    "fellowship.impact.demographics": Route(SIGNED_IN, methods=GET_POST),
    "fellowship.impact.demographics_delete": Route(SIGNED_IN, methods=POST_ONLY),
    "fellowship.impact.reports": Route(
        STAFF | {"observer"}, params=("program_id",), methods=GET_POST, denied=HIDDEN
    ),
    "fellowship.impact.report": Route(STAFF, params=("period_id",), methods=GET_POST, denied=HIDDEN),
    "fellowship.impact.report_submit": Route(STAFF, params=("period_id",), methods=POST_ONLY, denied=HIDDEN),
    "fellowship.impact.report_threshold": Route(
        ADMIN, params=("period_id",), methods=POST_ONLY, denied={**HIDDEN, "facilitator": 403}
    ),
    "fellowship.impact.report_csv": Route(STAFF, params=("period_id",), denied=HIDDEN),
    "fellowship.impact.report_markdown": Route(STAFF, params=("period_id",), denied=HIDDEN),
    "fellowship.impact.dashboard": Route(STAFF, params=("program_id",), denied=HIDDEN),
    "fellowship.impact.completion": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.impact.my_certificate": Route(
        frozenset({"fellow"}), scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    # A certificate is its holder's and the cohort managers'.
    "fellowship.impact.certificate": Route(
        frozenset({"fellow", "facilitator", "admin"}), scoped=True, params=("code=certificate_code",)
    ),
    "fellowship.impact.verify_certificate": Route(PUBLIC),
    # Credentials: what verifiers fetch is public; the file is its holder's; an administrator revokes.
    "fellowship.credentials.issuer": Route(PUBLIC),
    "fellowship.credentials.verify_page": Route(PUBLIC, methods=GET_POST),
    "fellowship.credentials.key_set": Route(PUBLIC),
    "fellowship.credentials.key": Route(PUBLIC, params=("kid",)),
    "fellowship.credentials.status_list": Route(PUBLIC, params=("number=status_list",)),
    "fellowship.credentials.download": Route(
        PARTICIPANTS, params=("code=certificate_code",), denied={r: 404 for r in SIGNED_IN - {"fellow"}}
    ),
    "fellowship.credentials.issue": Route(
        PARTICIPANTS,
        params=("code=certificate_code",),
        methods=POST_ONLY,
        denied={r: 404 for r in SIGNED_IN - {"fellow"}},
    ),
    "fellowship.credentials.revoke": Route(ADMIN, params=("code=certificate_code",), methods=POST_ONLY),
    # Module badges: a cohort's managers choose them; the badge of an approved worksheet is its fellow's.
    "fellowship.credentials.choose_badges": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=POST_ONLY
    ),
    "fellowship.credentials.download_badge": Route(
        PARTICIPANTS,
        params=("cohort_id", "slug=badge_slug"),
        denied={r: 404 for r in SIGNED_IN - {"fellow"}},
    ),
    "fellowship.credentials.issue_badge": Route(
        PARTICIPANTS,
        params=("cohort_id", "slug=badge_slug"),
        methods=POST_ONLY,
        denied={r: 404 for r in SIGNED_IN - {"fellow"}},
    ),
    "fellowship.credentials.revoke_badge": Route(ADMIN, params=("uuid=badge_uuid",), methods=GET_POST),
    # Working groups: the cohort's staff take a meeting's minutes; an action item's owner (the fellow) or the
    # staff mark it.
    "fellowship.groups.minutes": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id=meeting_id",), methods=GET_POST
    ),
    "fellowship.groups.decision_add": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id=meeting_id",), methods=POST_ONLY
    ),
    "fellowship.groups.action_add": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id=meeting_id",), methods=POST_ONLY
    ),
    "fellowship.groups.subgroups": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.groups.subgroup_new": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=POST_ONLY
    ),
    "fellowship.groups.subgroup_edit": Route(
        COHORT_MANAGERS, scoped=True, params=("subgroup_id",), methods=GET_POST
    ),
    "fellowship.groups.common_agenda": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    # The interviews before the first meeting: the group's staff only (the notes are theirs).
    "fellowship.groups.interviews": Route(COHORT_MANAGERS, scoped=True, params=("cohort_id",)),
    "fellowship.groups.interview": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "user_id"), methods=GET_POST
    ),
    "fellowship.groups.interview_remove": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "user_id"), methods=POST_ONLY
    ),
    "fellowship.groups.agenda_version": Route(
        COHORT_READERS, scoped=True, params=("cohort_id", "number=agenda_number")
    ),
    "fellowship.groups.agenda_edit": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.groups.summary": Route(
        COHORT_MANAGERS, scoped=True, params=("event_id=meeting_id",), methods=POST_ONLY
    ),
    "fellowship.groups.action_status": Route(
        frozenset({"fellow", "facilitator", "admin"}), scoped=True, params=("item_id",), methods=POST_ONLY
    ),
    # The network: members of any cohort and admins (a juror in no cohort gets 403); the inventory's entry is
    # the fellow's organisation's, which its members and admins edit and confirm.
    "fellowship.network.find": Route(NETWORK),
    "fellowship.network.entry": Route(NETWORK, params=("entry_id",)),
    "fellowship.network.entry_new": Route(NETWORK, methods=GET_POST),
    "fellowship.network.entry_edit": Route(ENTRY_EDITORS, params=("entry_id",), methods=GET_POST),
    "fellowship.network.confirm": Route(ENTRY_EDITORS, params=("entry_id",), methods=GET_POST),
    "fellowship.network.mine": Route(NETWORK),
    "fellowship.network.organisation": Route(NETWORK, methods=POST_ONLY),  # each belongs to an organisation
    "fellowship.network.hide": Route(ADMIN, params=("entry_id",), methods=POST_ONLY),
    "fellowship.network.unhide": Route(ADMIN, params=("entry_id",), methods=POST_ONLY),
    "fellowship.network.directory": Route(PUBLIC),
    # Requests and exchanges: Olga (another program's fellow) asked Fiona's organisation's offer. The two
    # sides and administrators see it; only the offer's side answers or blocks, only the asker withdraws.
    "fellowship.network.ask": Route(NETWORK, params=("entry_id",), methods=GET_POST),
    "fellowship.network.exchanges": Route(NETWORK),
    "fellowship.network.exchange": Route(
        EXCHANGE_SIDES, params=("exchange_id",), denied=dict.fromkeys(NETWORK - EXCHANGE_SIDES, 404)
    ),
    **{
        f"fellowship.network.exchange_{action}": Route(
            frozenset({"fellow"}),
            params=("exchange_id",),
            methods=POST_ONLY,
            denied={**dict.fromkeys(NETWORK - EXCHANGE_SIDES, 404), "other_fellow": 403, "admin": 403},
        )
        for action in ("accept", "decline", "block")
    },
    "fellowship.network.exchange_withdraw": Route(
        frozenset({"other_fellow"}),
        params=("exchange_id",),
        methods=POST_ONLY,
        denied={**dict.fromkeys(NETWORK - EXCHANGE_SIDES, 404), "fellow": 403, "admin": 403},
    ),
    "fellowship.network.exchange_done": Route(
        frozenset({"fellow", "other_fellow"}),
        params=("exchange_id",),
        methods=POST_ONLY,
        denied={**dict.fromkeys(NETWORK - EXCHANGE_SIDES, 404), "admin": 403},
    ),
    # Mentoring: Olga (another program's fellow, who offers mentoring) mentors Fiona, paired by an
    # administrator. The cohort's facilitators pair and read the pair's page (never its notes); only the two
    # of the pair log and reflect; only the mentor answers a request; only fellows ask a mentor.
    "fellowship.network.ask_mentoring": Route(
        frozenset({"fellow", "other_fellow"}),
        params=("entry_id=mentoring_entry_id",),
        methods=GET_POST,
    ),
    "fellowship.network.pair_new": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.network.mentoring_pair": Route(
        PAIR_READERS, params=("pair_id",), denied=dict.fromkeys(SIGNED_IN - PAIR_READERS, 404)
    ),
    **{
        f"fellowship.network.mentoring_{action}": Route(
            PAIR,
            params=("pair_id",),
            methods=POST_ONLY,
            denied={**dict.fromkeys(SIGNED_IN - PAIR_READERS, 404), "facilitator": 403, "admin": 403},
        )
        for action in ("meeting", "end", "reflection")
    },
    "fellowship.network.mentoring_answer": Route(
        frozenset({"other_fellow"}),
        params=("pair_id",),
        methods=POST_ONLY,
        denied={
            **dict.fromkeys(SIGNED_IN - PAIR_READERS, 404),
            "facilitator": 403,
            "admin": 403,
            "fellow": 403,
        },
    ),
    # Local groups: any member of the network joins or leaves one; an administrator starts one.
    "fellowship.network.groups": Route(NETWORK),
    "fellowship.network.group_new": Route(ADMIN, methods=POST_ONLY),
    "fellowship.network.group_join": Route(NETWORK, params=("cohort_id=group_id",), methods=POST_ONLY),
    "fellowship.network.group_leave": Route(NETWORK, params=("cohort_id=group_id",), methods=POST_ONLY),
    "fellowship.network.unblock": Route(
        frozenset({"fellow"}),
        params=("block_id",),
        methods=POST_ONLY,
        denied=dict.fromkeys(NETWORK - {"fellow"}, 404),
    ),
    # Discussions: the cohort's members read and follow; fellows, facilitators and admins write; staff post
    # announcements and hide replies; a reply is edited and deleted by its author (the fellow) alone.
    "fellowship.discussions.index": Route(COHORT_READERS, scoped=True, params=("cohort_id",)),
    "fellowship.discussions.announcement_new": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
    "fellowship.discussions.announcement": Route(
        COHORT_READERS, scoped=True, params=("cohort_id", "announcement_id")
    ),
    "fellowship.discussions.announcement_edit": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id", "announcement_id"), methods=GET_POST
    ),
    "fellowship.discussions.thread": Route(COHORT_READERS, scoped=True, params=THREAD),
    "fellowship.discussions.reply": Route(WRITERS, scoped=True, params=THREAD, methods=POST_ONLY),
    "fellowship.discussions.follow": Route(COHORT_READERS, scoped=True, params=THREAD, methods=POST_ONLY),
    "fellowship.discussions.unfollow": Route(COHORT_READERS, scoped=True, params=THREAD, methods=POST_ONLY),
    "fellowship.discussions.reply_link": Route(COHORT_READERS, scoped=True, params=REPLY, ok=302),
    "fellowship.discussions.reply_edit": Route(PARTICIPANTS, scoped=True, params=REPLY, methods=GET_POST),
    "fellowship.discussions.reply_delete": Route(PARTICIPANTS, scoped=True, params=REPLY, methods=POST_ONLY),
    "fellowship.discussions.reply_hide": Route(COHORT_MANAGERS, scoped=True, params=REPLY, methods=GET_POST),
    "fellowship.discussions.reply_unhide": Route(
        COHORT_MANAGERS, scoped=True, params=REPLY, methods=POST_ONLY
    ),
    "fellowship.programs.roster_import": Route(
        COHORT_MANAGERS, scoped=True, params=("cohort_id",), methods=GET_POST
    ),
}


UNREACHABLE = Provider(
    key="acme",
    issuer="http://127.0.0.1:9",  # nothing listens there
    client_id="fellowship",
    client_secret="not-a-secret",
    name="Acme",
    domains=("example.org",),
)


@pytest.fixture(autouse=True)
def _a_sign_in_provider(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_OIDC_PROVIDERS", [UNREACHABLE])


def url_params(app: Any, world: World) -> dict[str, Any]:
    """Values for every URL parameter; the tokens are real, so token pages answer 200."""
    fellow = world.users["fellow"]
    _reset_user, reset_token = services.request_password_reset(fellow.email)
    invitation, invite_token = services.invite(
        world.users["observer"], dt.timedelta(days=14), world.users["admin"], world.cohort.id, "observer"
    )
    message = mail.queue("test", fellow.email, "Subject", "Body")
    event = events.create_event(
        world.cohort,
        events.EventFields(
            kind=EventKind.WEBINAR,
            title="Business model canvas",
            description="",
            starts_at=dt.datetime(2024, 2, 15, 18, tzinfo=dt.UTC),
            ends_at=dt.datetime(2024, 2, 15, 19, 30, tzinfo=dt.UTC),
            timezone="America/Chicago",
        ),
        world.users["admin"].id,
    )
    [(guest, guest_token)] = events.add_guests(event, [("Gail Guest", "gail@example.org")])
    template = evaluations.save_template(None, "Webinar feedback", defaults.questions(), None)
    evaluations.attach(event, "Webinar feedback", defaults.questions(), False, None, None)
    # An open check-in window (set directly: the service opens one only around a day of the event).
    event.checkin_code, event.checkin_opens_at, event.checkin_closes_at = "ABCDEF", clock.now(), event.ends_at
    db.session.add(
        Module(
            slug="mission-statement",
            version=1,
            content_hash="x",
            program_kind="coop_fellowship",
            published_on=dt.date(2024, 3, 14),
            title={"en": "Mission statement"},
            body={"en": "Why a mission."},
            fields=[],
        )
    )
    db.session.add(CohortModule(cohort_id=world.cohort.id, slug="mission-statement", position=0))
    editor = CurriculumEditor(
        user_id=world.users["facilitator"].id, program_kind="coop_fellowship", granted_at=clock.now()
    )
    db.session.add(editor)
    library_file = resources.add_file(
        resources.Place(cohort_id=world.cohort.id),
        "Bylaws guide",
        b"%PDF-1.4\n%%EOF\n",
        "g.pdf",
        fellow.id,
        1024,
    )
    module_link = resources.add_link(
        resources.Place(module_slug="mission-statement"), "A reading", "https://example.org/r", fellow.id
    )
    db.session.flush()
    module = db.session.scalar(sa.select(Module).where(Module.slug == "mission-statement"))
    worksheet = Worksheet(
        cohort_id=world.cohort.id,
        user_id=fellow.id,
        slug="mission-statement",
        module_id=module.id,
        answers={},
    )
    db.session.add(worksheet)
    badge = approved_badge(world, fellow)
    meeting, action_item = group_meeting(world, fellow)
    subgroup = groups_services.save_subgroup(
        world.cohort.id, None, "Research", [fellow.id], [fellow.id], world.users["admin"].id
    )
    agenda = groups_services.save_agenda(
        world.cohort.id, {"vision": "Fair work."}, 0, None, world.users["admin"].id
    )
    groups_services.save_interview(
        world.cohort.id,
        fellow,
        None,
        dt.date(2024, 1, 10),
        1.0,
        "Met at the co-op.",
        world.users["admin"].id,
        clock.today(),
    )
    contest, project, vote_token, vote = awards_fixture(app, world)
    impact_log = ta_log(world.program, world.users["facilitator"])
    certificate = Certificate(
        cohort_id=world.cohort.id,
        user_id=fellow.id,
        code="ABCD-EFGH-JKLM",
        holder=fellow.name,
        program=world.program.name,
        cohort=world.cohort.name,
        starts_on=world.cohort.starts_on,
        ends_on=world.cohort.ends_on,
        modules=[],
        issued_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    db.session.add(certificate)
    db.session.flush()
    credential = credential_services.issue(certificate)
    period = impact_services.open_period(
        world.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None
    )
    network_entry = network_services.save_entry(
        Entry(organization_id=world.organization.id),
        None,
        kind=EntryKind.OFFER,
        category=Category.BUSINESS,
        title="Bookkeeping for new co-ops",
    )
    exchange = network_services.ask(network_entry, world.users["other_fellow"], "Could you help us?")
    mentor = world.users["other_fellow"]
    mentoring_entry = network_services.save_entry(
        Entry(user_id=mentor.id),
        mentor.id,
        kind=EntryKind.OFFER,
        category=Category.MENTORING,
        title="Mentoring for new co-ops",
        published=True,
    )
    pair = network_services.pair(
        world.cohort.id, mentor.id, fellow.id, world.users["admin"].id, clock.today()
    )
    group = network_services.create_group(
        "South Side co-op circle",
        "Chicago",
        "UTC",
        world.users["facilitator"],
        world.users["admin"].id,
        clock.today(),
    )
    block = Block(
        owner_organization_id=world.organization.id,
        blocked_id=world.users["observer"].id,
        created_at=clock.now(),
    )
    db.session.add(block)
    announcement = discussions.post_announcement(
        world.cohort.id, world.users["facilitator"].id, "Welcome", "Hello, everyone.", clock.now()
    )
    reply = discussions.post_reply(
        discussions.open_thread(world.cohort.id, "event", event.id, clock.now()),
        fellow.id,
        "See you!",
        clock.now(),
    )
    identity = ProviderIdentity(
        user_id=fellow.id,
        provider=UNREACHABLE.key,
        issuer=UNREACHABLE.issuer,
        subject="fiona",
        email=fellow.email,
        linked_at=clock.now(),
    )
    db.session.add(identity)
    db.session.commit()
    return {
        "provider_key": UNREACHABLE.key,
        "identity_id": identity.id,
        "announcement_id": announcement.id,
        "kind": "event",
        "subject_id": event.id,
        "reply_id": reply.id,
        "entry_id": network_entry.id,
        "exchange_id": exchange.id,
        "mentoring_entry_id": mentoring_entry.id,
        "pair_id": pair.id,
        "group_id": group.id,
        "block_id": block.id,
        "contest_id": contest.id,
        "contest_slug": contest.slug,
        "project_id": project.id,
        "assignment_id": db.session.scalar(sa.select(JurorAssignment.id)),
        "vote_id": vote.id,
        "vote_token": vote_token,
        "step": 0,
        "log_id": impact_log.id,
        "certificate_code": certificate.code,
        "kid": credential.kid,
        "status_list": credential.status_list,
        "badge_slug": "badge-module",
        "meeting_id": meeting.id,
        "subgroup_id": subgroup.id,
        "agenda_number": agenda.number,
        "item_id": action_item.id,
        "badge_uuid": badge.uuid,
        "period_id": period.id,
        "reset_token": reset_token,
        "invite_token": invite_token,
        "unsubscribe_token": URLSafeSerializer(app.secret_key, salt="fellowship-unsubscribe").dumps(
            fellow.id
        ),
        "message_id": message.id,
        "invitation_id": invitation.id,
        "event_id": event.id,
        "slug": "mission-statement",
        "editor_id": editor.id,
        "resource_id": library_file.id,
        "module_resource_id": module_link.id,
        "worksheet_id": worksheet.id,
        "user_feed_token": calendar.feed_token(app.secret_key, "user", fellow.id, 1),
        "cohort_feed_token": calendar.feed_token(app.secret_key, "cohort", world.cohort.id, 1),
        "guest_token": guest_token,
        "evaluation_token": evaluation_tokens.guest_token(guest),
        "survey_id": template.id,
        "filename": "css/fellowship.css",
        "user_id": world.users["fellow"].id,
        "org_id": world.organization.id,
        "program_id": world.program.id,
        "cohort_id": world.cohort.id,
        "member_id": world.memberships["fellow"].id,
    }


def approved_badge(world: World, fellow: Any) -> Any:
    """A second module whose worksheet the fellow had approved, in the cohort that chose module badges, and
    its badge."""
    module = Module(
        slug="badge-module",
        version=1,
        content_hash="y",
        program_kind="coop_fellowship",
        published_on=dt.date(2024, 3, 14),
        title={"en": "Badge module"},
        body={"en": "Earn a badge."},
        fields=[],
    )
    db.session.add(module)
    db.session.add(CohortModule(cohort_id=world.cohort.id, slug="badge-module", position=1))
    db.session.flush()
    sheet = Worksheet(
        cohort_id=world.cohort.id,
        user_id=fellow.id,
        slug="badge-module",
        module_id=module.id,
        answers={},
        status=WorksheetStatus.APPROVED,
    )
    db.session.add(sheet)
    db.session.flush()
    revision = WorksheetRevision(
        worksheet_id=sheet.id, number=1, kind="submission", answers={}, saved_at=clock.now()
    )
    db.session.add(revision)
    db.session.flush()
    db.session.add(
        Review(
            worksheet_id=sheet.id,
            revision_id=revision.id,
            decision=WorksheetStatus.APPROVED,
            created_at=clock.now(),
        )
    )
    credential_services.choose_badges(world.cohort, True, world.users["admin"].id)
    return credential_services.issue_badge(sheet)


def group_meeting(world: World, fellow: Any) -> tuple[Any, Any]:
    """A working-group meeting of the cohort (meeting 2's agenda) and an action item it gave the fellow."""
    from fellowship.groups import services as groups

    meeting = events.create_event(
        world.cohort,
        events.EventFields(
            kind=EventKind.WORKING_GROUP,
            title="Working group, meeting 2",
            description="",
            starts_at=dt.datetime(2024, 2, 20, 16, tzinfo=dt.UTC),
            ends_at=dt.datetime(2024, 2, 20, 18, tzinfo=dt.UTC),
            timezone="America/Chicago",
        ),
        world.users["admin"].id,
    )
    events.apply_template(meeting, "working_group_2")
    db.session.flush()
    item = groups.add_action(
        meeting, "Draft the vision", fellow.id, None, world.users["admin"].id, clock.today()
    )
    return meeting, item


def ta_log(program: Any, facilitator: Any) -> Any:
    """An hour of one-on-one assistance in January 2024, logged by ``facilitator``."""
    return impact_services.save_log(
        None,
        program,
        facilitator.id,
        {
            "given_on": dt.date(2024, 1, 12),
            "kind": AssistanceKind.ONE_ON_ONE,
            "stage": Stage.OTHER,
            "hours": 1.0,
        },
    )


def awards_fixture(app: Any, world: World) -> tuple[Any, Any, str, Any]:
    """A contest of the world's program in its voting phase: one accepted project (by the fellow, with
    an image), the juror assigned, one counted vote and a pending vote request."""
    from tests.awards.conftest import make_contest, png

    contest = make_contest(world, Phase.VOTING)
    project = contest_services.save_project(
        contest,
        None,
        {"title": "Mentoring circle", "summary": "Peer mentoring."},
        world.users["fellow"],
        True,
    )
    project.status = ProjectStatus.ACCEPTED
    project.image = images.store(png(), 10**6)
    contest_services.assign_juror(contest, world.users["juror"], None)
    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    counted = voting.request_vote(contest, project, secret, "first@example.org", 24)
    voting.confirm(counted, contest, "")
    token = voting.request_vote(contest, project, secret, "second@example.org", 24)
    return contest, project, token, db.session.scalar(sa.select(Vote))


def expected_denial(route: Route, role: str) -> int:
    if role in route.denied:
        return route.denied[role]
    if role in {"anonymous", "voter"}:
        return 302
    if route.scoped and role in {"other_fellow", "other_facilitator", "juror"}:
        return 404
    return 403


def build_url(app: Any, endpoint: str, route: Route, world: World) -> str:
    params = url_params(app, world)
    with app.test_request_context():
        from flask import url_for

        values = {}
        for spec in route.params:  # "name", or "url_argument=source" where the source is named otherwise
            argument, _sep, source = spec.partition("=")
            values[argument] = params[source or argument]
        return url_for(endpoint, **values)


def test_every_route_is_in_the_inventory(app: Any) -> None:
    rules = {
        rule.endpoint: frozenset(rule.methods or ()) - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("fellowship.")
    }
    assert sorted(rules.keys() - ROUTES.keys()) == []
    assert sorted(ROUTES.keys() - rules.keys()) == []
    assert {e: sorted(m) for e, m in rules.items()} == {e: sorted(r.methods) for e, r in ROUTES.items()}


# One world per route, every role tried against it in turn (a subtest each): building the world is most of a
# case's cost, and a GET, or a refused POST, changes nothing the next role would see.
GET_ROUTES = [e for e, r in sorted(ROUTES.items()) if "GET" in r.methods]
POST_DENIALS = [e for e, r in sorted(ROUTES.items()) if "POST" in r.methods and set(ROLES) - r.allowed]


@pytest.mark.parametrize("endpoint", GET_ROUTES)
def test_route_get_answers_each_role(
    app: Any, world: World, client_as: Any, subtests: Any, endpoint: str
) -> None:
    route = ROUTES[endpoint]
    url = build_url(app, endpoint, route, world)
    for role in ROLES:
        with subtests.test(role=role):
            response = client_as(role).get(url)
            if role in route.allowed:
                assert response.status_code == route.extra.get(role, route.ok)
            else:
                assert response.status_code == expected_denial(route, role)
                if role in {"anonymous", "voter"}:
                    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("endpoint", POST_DENIALS)
def test_route_post_refuses_other_roles(
    app: Any, world: World, client_as: Any, subtests: Any, endpoint: str
) -> None:
    route = ROUTES[endpoint]
    url = build_url(app, endpoint, route, world)
    for role in ROLES:
        if role in route.allowed:
            continue
        with subtests.test(role=role):
            marker = "Changed by " + role
            response = client_as(role).post(url, data={"name": marker, "email": "x@example.org"})
            assert response.status_code == expected_denial(route, role)
            names = [
                db.session.scalars(sa.select(model.name).where(model.name == marker)).all()
                for model in (User, Organization, Program, Cohort)
            ]
            assert names == [[], [], [], []]


POST_ALLOWED = [
    (e, sorted(r.allowed - {"anonymous", "voter"})[0] if r.allowed - {"anonymous", "voter"} else "anonymous")
    for e, r in sorted(ROUTES.items())
    if "POST" in r.methods
]


@pytest.mark.parametrize(("endpoint", "role"), POST_ALLOWED)
def test_every_post_route_refuses_a_missing_csrf_token(
    app: Any, world: World, client_as: Any, endpoint: str, role: str
) -> None:
    """Even for someone allowed to post, a form without its CSRF token is refused and changes nothing."""
    route = ROUTES[endpoint]
    marker = "Posted without a token"
    response = client_as(role).post(
        build_url(app, endpoint, route, world), data={"name": marker, "title": marker}, csrf=False
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.name == marker)) == 0


@pytest.mark.parametrize("endpoint", sorted(e for e, r in ROUTES.items() if "GET" in r.methods))
def test_every_page_carries_the_security_headers(
    app: Any, world: World, client_as: Any, endpoint: str
) -> None:
    route = ROUTES[endpoint]
    role = sorted(route.allowed)[0]
    response = client_as(role).get(build_url(app, endpoint, route, world))
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    body = response.get_data()
    secrets = [app.secret_key, app.config["FELLOWSHIP_VOTER_KEY_SECRET"]]
    secrets += [h for h in db.session.scalars(sa.select(User.password_hash)) if h]
    assert not any(secret.encode() in body for secret in secrets)  # no secret or password hash on any page
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer"}


def foreign_params(app: Any, world: World) -> dict[str, Any]:
    """For each inner URL parameter, an object that exists but belongs to another cohort, program, contest
    or person than the outer parameter of the same URL."""
    from tests.awards.conftest import add_project, make_contest

    other = world.other_cohort
    invitation, _token = services.invite(
        world.users["other_fellow"], dt.timedelta(days=14), world.users["admin"], other.id, "fellow"
    )
    contest = make_contest(world, Phase.VOTING, slug="other-awards")
    contest.program_id = world.other_program.id
    project = add_project(contest, world, "Someone else's project")
    contest_services.assign_juror(contest, world.users["other_facilitator"], None)
    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    voting.confirm(voting.request_vote(contest, project, secret, "third@example.org", 24), contest, "")
    vote_token = voting.request_vote(contest, project, secret, "fourth@example.org", 24)
    log = ta_log(world.other_program, world.users["other_facilitator"])
    other_event = events.create_event(
        other,
        events.EventFields(
            kind=EventKind.WEBINAR,
            title="Someone else's webinar",
            description="",
            starts_at=dt.datetime(2024, 2, 16, 18, tzinfo=dt.UTC),
            ends_at=dt.datetime(2024, 2, 16, 19, tzinfo=dt.UTC),
            timezone="America/Chicago",
        ),
        world.users["admin"].id,
    )
    other_announcement = discussions.post_announcement(
        other.id, world.users["other_facilitator"].id, "Theirs", "Not yours.", clock.now()
    )
    other_reply = discussions.post_reply(
        discussions.open_thread(other.id, "announcement", other_announcement.id, clock.now()),
        world.users["other_fellow"].id,
        "Ours.",
        clock.now(),
    )
    db.session.commit()
    return {
        "announcement_id": other_announcement.id,
        "subject_id": other_event.id,
        "reply_id": other_reply.id,
        "invitation_id": invitation.id,
        "member_id": world.memberships["other_fellow"].id,
        "user_id": world.users["other_fellow"].id,  # a member of another cohort
        "slug": "erg-business-case",  # a module this cohort was never given
        "badge_slug": "erg-business-case",
        "agenda_number": 99,  # the other cohort's numbering: no such version here
        "cohort_feed_token": calendar.feed_token(app.secret_key, "cohort", other.id, 1),
        "user_feed_token": calendar.feed_token(app.secret_key, "user", world.users["other_fellow"].id, 1),
        "assignment_id": db.session.scalar(
            sa.select(JurorAssignment.id).where(JurorAssignment.contest_id == contest.id)
        ),
        "project_id": project.id,
        "vote_id": db.session.scalar(sa.select(Vote.id).where(Vote.contest_id == contest.id)),
        "vote_token": vote_token,
        "log_id": log.id,
        "resource_id": resources.add_link(
            resources.Place(cohort_id=other.id), "Theirs", "https://example.org/t", world.users["admin"].id
        ).id,
        "module_resource_id": resources.add_link(
            resources.Place(module_slug="erg-business-case"),
            "Another module's",
            "https://example.org/e",
            None,
        ).id,
    }


NESTED = [
    (endpoint, method, index)
    for endpoint, route in sorted(ROUTES.items())
    for method in sorted(route.methods)
    for index in range(1, len(route.params))
    if route.params[index] not in {"step", "kind"}  # a ceremony step is a number, a kind a word: not objects
]
# A vote link of another contest opens the same "confirm" button any link shows (nothing is looked up on
# GET), and pressing it counts nothing: the refusal there is 409, the vote page's answer for a bad link.
NESTED_ANSWERS = {("fellowship.awards.confirm", "GET"): 200, ("fellowship.awards.confirm", "POST"): 409}


@pytest.mark.parametrize(("endpoint", "method", "index"), NESTED)
def test_an_inner_id_from_elsewhere_is_not_found_even_for_the_most_trusted_role(
    app: Any, world: World, client_as: Any, endpoint: str, method: str, index: int
) -> None:
    """``/cohorts/<mine>/members/<theirs>``: the outer id is one the person may use, the inner one belongs
    to another cohort, program, contest or person. Nobody, not even an admin, reaches the object that way,
    and a POST changes nothing."""
    route = ROUTES[endpoint]
    own = url_params(app, world)
    foreign = foreign_params(app, world)
    values = {}
    for position, spec in enumerate(route.params):
        argument, _sep, source = spec.partition("=")
        key = source or argument
        values[argument] = foreign[key] if position == index else own[key]
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **values)
    role = "admin" if "admin" in route.allowed else sorted(route.allowed)[0]
    client = client_as(role)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("audit_entries")))
    votes = db.session.scalar(sa.select(sa.func.count(Vote.id)))
    marker = "Changed across scopes"
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(
            url, data={"name": marker, "title": marker, "reason": marker, "email": "x@example.org"}
        )
    assert response.status_code == NESTED_ANSWERS.get((endpoint, method), 404), url
    after = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("audit_entries")))
    assert after == before
    assert db.session.scalar(sa.select(sa.func.count(Vote.id))) == votes
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.name == marker)) == 0

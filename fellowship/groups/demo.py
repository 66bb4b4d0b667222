"""The working group of the demo (DOMAIN.md §7, seed 003): a Hebrew-language collective-impact group on fair
employment. Eight members from six organisations meet monthly in Jerusalem time. The facilitator
interviewed every member one on one in the two weeks before meeting 1 (eight and a half hours in all);
meetings 1–3 were held before the demo loads, with the seed's agendas in Hebrew, notes, decisions and action
items (three done, three open, one of them overdue); meeting 4 is next week and carries the open items. Two
subgroups (research, public procurement) were formed at meeting 3, and the common agenda has three versions,
one agreed at each meeting. Hosting goes round the member organisations (nobody chose a host).

Called by ``fellowship.demo.load``, which hands it the function that makes demo accounts (they share one
password hash)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fellowship.accounts import services as accounts
from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import User
from fellowship.core import clock
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.groups import services
from fellowship.groups.enums import ActionStatus
from fellowship.programs import services as programs
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort

ZONE = "Asia/Jerusalem"
FACILITATOR = ("מיכל ברק", "michal.barak@example.org.il")
ORGANIZATIONS = [
    ("קואופרטיב הסדנה", OrganizationKind.COOP),
    ("כוח לעובדים", OrganizationKind.CBO),
    ("מרכז הצדק התעסוקתי", OrganizationKind.CBO),
    ("קואופרטיב ניקיון הוגן", OrganizationKind.COOP),
    ("רשת העסקים החברתיים", OrganizationKind.DEVELOPER),
    ("פורום מעסיקים הוגנים", OrganizationKind.COMPANY),
]
MEMBERS = [  # name, address, organisation (index in ORGANIZATIONS)
    ("יעל כהן", "yael.cohen@example.org.il", 0),
    ("אבי מזרחי", "avi.mizrahi@example.org.il", 1),
    ("רונית אברהם", "ronit.avraham@example.org.il", 2),
    ("עומר פרץ", "omer.peretz@example.org.il", 3),
    ("תמר שלום", "tamar.shalom@example.org.il", 4),
    ("דני ביטון", "dani.biton@example.org.il", 5),
    ("שירה גולן", "shira.golan@example.org.il", 0),
    ("יוסי אלון", "yossi.alon@example.org.il", 1),
]
MEETINGS = [  # days from today, title, agenda template
    (-84, "קבוצת עבודה, מפגש 1: היכרות וחזון משותף", "working_group_1"),
    (-56, "קבוצת עבודה, מפגש 2: עקרונות מנחים ואג'נדה משותפת", "working_group_2"),
    (-28, "קבוצת עבודה, מפגש 3: חידוד האג'נדה המשותפת", "working_group_3"),
    (7, "קבוצת עבודה, מפגש 4: ניצחונות מהירים ותתי־קבוצות", None),
]
MEETING_4_AGENDA = [
    (0, "פתיחה וסקירת סדר היום"),
    (10, "מעקב אחר משימות פתוחות מהמפגשים הקודמים"),
    (30, "ניצחונות מהירים: מה אפשר להשיג עד הרבעון הבא"),
    (70, "הקמת תתי־קבוצות"),
    (105, "סיכום וצעדים הבאים"),
]
NOTES = {  # meeting → {agenda position: notes}
    0: {
        1: "כל אחד מהחברים סיפר מה מביא אותו לשולחן: ארגוני עובדים, קואופרטיבים ומעסיקים רוצים לראות "
        "העסקה הוגנת בענפי הניקיון והשמירה.",
        5: "הסכמנו להיפגש פעם בחודש, בכל פעם אצל ארגון חבר אחר.",
    },
    1: {
        1: "עקרונות מנחים: שקיפות בשכר, קול לעובדים בקבלת החלטות, עבודה עם מעסיקים ולא רק נגדם.",
        3: "הבעיה: עובדי קבלן בענפי הניקיון והשמירה מקבלים פחות מהמגיע להם על פי חוק.",
    },
    2: {
        2: "שני סיפורי הצלחה: קואופרטיב ניקיון שהעלה את השכר ב־12% ומעסיק שהעביר עובדי קבלן להעסקה ישירה.",
        4: "מנופים לשינוי מערכתי: מכרזים ציבוריים, תקנון רכש של רשויות מקומיות.",
    },
}
DECISIONS = {
    0: ["נפגשים אחת לחודש; האירוח עובר בין הארגונים החברים."],
    1: ["העקרונות המנחים יאושרו סופית במפגש 3.", "נתמקד תחילה בענפי הניקיון והשמירה."],
    2: ["מאשרים את העקרונות המנחים.", "במפגש 4 נקים שתי תתי־קבוצות: מחקר ומכרזים."],
}
AGENDAS = [  # the common agenda as agreed at meetings 1, 2 and 3
    {
        "vision": "כל עובדת ועובד בענפי הניקיון והשמירה מועסקים בתנאים הוגנים.",
        "pitch": "אנחנו משנים את הדרך שבה העיר קונה שירותים.",
    },
    {
        "vision": "כל עובדת ועובד בענפי הניקיון והשמירה מועסקים בתנאים הוגנים ובהעסקה ישירה.",
        "principles": "שקיפות בשכר; קול לעובדים בקבלת החלטות; עבודה עם מעסיקים ולא רק נגדם.",
        "problem": "עובדי קבלן מקבלים פחות מהמגיע להם על פי חוק.",
        "pitch": "אנחנו משנים את הדרך שבה העיר קונה שירותים.",
    },
    {
        "vision": "כל עובדת ועובד בענפי הניקיון והשמירה מועסקים בתנאים הוגנים ובהעסקה ישירה.",
        "principles": "שקיפות בשכר; קול לעובדים בקבלת החלטות; עבודה עם מעסיקים ולא רק נגדם.",
        "problem": "עובדי קבלן מקבלים פחות מהמגיע להם על פי חוק.",
        "results": "עד סוף השנה: שתי רשויות מקומיות מכניסות תנאי העסקה הוגנת למכרזים.",
        "stories": "קואופרטיב ניקיון שהעלה את השכר ב־12%; מעסיק שהעביר עובדי קבלן להעסקה ישירה.",
        "levers": "מכרזים ציבוריים; תקנון רכש של רשויות מקומיות.",
        "pitch": "אנחנו משנים את הדרך שבה העיר קונה שירותים, כדי שמי שמנקה ושומר ירוויח בכבוד.",
    },
]
INTERVIEWS = [  # member (index in MEMBERS), days before meeting 1, hours, the staff's notes
    (0, 16, 1.5, "מביאה ניסיון של קואופרטיב שהעלה שכר; רוצה שהקבוצה תגיע למכרזים."),
    (1, 15, 1.0, "ארגון עובדים; חושש שמעסיקים ישתלטו על סדר היום."),
    (2, 14, 1.0, "מחזיקה נתונים משפטיים על הפרות שכר; מוכנה לשתף."),
    (3, 12, 1.0, "מנהל קואופרטיב ניקיון; זמן מוגבל, מעדיף מפגשים בערב."),
    (4, 11, 1.5, "מכירה את הרשויות המקומיות; מציעה לארח את המפגש השלישי."),
    (5, 9, 1.0, "מייצג מעסיקים; שואל מה הם מרוויחים מהשותפות."),
    (6, 8, 0.5, "חברה שנייה מהסדנה; תעבוד על הנתונים."),
    (7, 7, 1.0, "ותיק בארגון; מציע להתחיל מענף אחד."),
]
ACTIONS = [  # meeting, what, owner (index in MEMBERS), due and done: days after the meeting, or None
    (0, "לסכם את הראיונות האישיים ולשתף עם הקבוצה", 0, 14, 10),
    (0, "למפות את היוזמות הקיימות בתחום התעסוקה ההוגנת", 1, 21, 20),
    (1, "לנסח טיוטה של העקרונות המנחים", 2, 14, 12),
    (1, "לאסוף נתונים על השכר בענפי הניקיון והשמירה", 3, 21, None),  # overdue
    (2, "לכתוב טיוטה ראשונה של נאום המעלית", 4, 35, None),
    (2, "לתאם את האירוח של מפגש 4", 5, None, None),
]


def load(admin: User, make_user: Callable[..., User], observer: User | None = None) -> Cohort:
    today = clock.today(ZONE)
    program = programs.create_program(
        "תעסוקה הוגנת: יוזמת קולקטיב אימפקט",
        ProgramKind.WORKING_GROUP,
        ZONE,
        "ארגוני עובדים, קואופרטיבים ומעסיקים עובדים יחד על אג'נדה משותפת להעסקה הוגנת.",
    )
    cohort = programs.create_cohort(
        program,
        "קבוצת העבודה לתעסוקה הוגנת",
        today - dt.timedelta(days=100),
        today + dt.timedelta(days=180),
        ZONE,
    )
    organizations = [accounts.create_organization(name, kind, "ירושלים") for name, kind in ORGANIZATIONS]
    name, email = FACILITATOR
    facilitator = make_user(email, name, locale="he", timezone=ZONE)
    programs.add_member(cohort, facilitator, Role.FACILITATOR, cohort.starts_on, admin.id)
    if observer is not None:  # the fellowship's funder follows the initiative too
        programs.add_member(cohort, observer, Role.OBSERVER, cohort.starts_on, admin.id)
    members = []
    for name, email, org in MEMBERS:
        user = make_user(email, name, locale="he", timezone=ZONE, organization=organizations[org])
        programs.add_member(cohort, user, Role.FELLOW, cohort.starts_on, admin.id)
        members.append(user)
    db.session.flush()
    meetings = [
        _meeting(cohort, today, offset, title, template, facilitator) for offset, title, template in MEETINGS
    ]
    first = today + dt.timedelta(days=MEETINGS[0][0])
    for member, before, hours, notes in INTERVIEWS:
        held = first - dt.timedelta(days=before)
        interview = services.save_interview(
            cohort.id,
            members[member],
            facilitator.id,
            held,
            hours,
            notes,
            facilitator.id,
            today,
            [facilitator.id],
        )
        interview.recorded_at = events.to_utc(dt.datetime.combine(held, dt.time(18, 0)), ZONE)
    for index, texts in NOTES.items():
        meeting = meetings[index]
        services.save_notes(
            meeting, {meeting.agenda[p].id: text for p, text in texts.items()}, facilitator.id
        )
    for index, texts in DECISIONS.items():
        for text in texts:
            services.record_decision(meetings[index], text, facilitator.id).recorded_at = meetings[
                index
            ].ends_at
    for number, sections in enumerate(AGENDAS):
        version = services.save_agenda(cohort.id, sections, number, meetings[number].id, facilitator.id)
        if version is not None:
            version.changed_at = meetings[number].ends_at
    research = services.save_subgroup(
        cohort.id,
        None,
        "מחקר ונתונים",
        [members[3].id, members[6].id],
        [m.id for m in members],
        facilitator.id,
    )
    services.save_subgroup(
        cohort.id,
        None,
        "מכרזים ורכש ציבורי",
        [members[1].id, members[4].id],
        [m.id for m in members],
        facilitator.id,
    )
    for index, what, owner, due, done in ACTIONS:
        meeting = meetings[index]
        held = meeting.starts_at.date()
        item = services.add_action(
            meeting,
            what,
            members[owner].id,
            held + dt.timedelta(days=due) if due is not None else None,
            facilitator.id,
            today,
        )
        item.created_at = meeting.ends_at
        if owner == 3:  # the wage data: the research subgroup's
            item.subgroup_id = research.id
        if done is not None:
            item.status, item.closed_at = ActionStatus.DONE, meeting.ends_at + dt.timedelta(days=done)
    db.session.flush()
    return cohort


def _meeting(
    cohort: Cohort, today: dt.date, offset: int, title: str, template: str | None, facilitator: Any
) -> Event:
    day = today + dt.timedelta(days=offset)
    starts = events.to_utc(dt.datetime.combine(day, dt.time(17, 0)), ZONE)
    meeting = events.create_event(
        cohort,
        events.EventFields(
            kind=EventKind.WORKING_GROUP,
            title=title,
            description="",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            timezone=ZONE,
            venue="ירושלים",
        ),
        facilitator.id,
    )
    if template is not None:
        events.apply_template(meeting, template, "he")
    else:
        events.replace_agenda(
            meeting,
            [(starts + dt.timedelta(minutes=minutes), text, "") for minutes, text in MEETING_4_AGENDA],
        )
    db.session.flush()
    return meeting

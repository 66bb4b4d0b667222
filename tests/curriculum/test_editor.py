"""The module editor: who may edit, texts per language, fields, publishing versions (drafts moving or
staying), the funder report's count, YAML export and import, and `curriculum sync` beside browser edits."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.curriculum import loader, queries
from fellowship.curriculum.models import CohortModule, CurriculumEditor, Module, ModuleDraft, Worksheet
from fellowship.extensions import db
from tests.conftest import World
from tests.curriculum.test_loader import GOOD
from tests.curriculum.test_views import add_module
from tests.curriculum.test_worksheets import FILLED

EDIT = "/curriculum/mission-statement/edit"
FIELDS = "/curriculum/mission-statement/fields"
PUBLISH = "/curriculum/mission-statement/publish"


def current() -> Module:
    return db.session.scalar(
        sa.select(Module).where(Module.slug == "mission-statement", Module.current.is_(True))
    )


def draft() -> ModuleDraft | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(ModuleDraft).where(ModuleDraft.slug == "mission-statement"))


def edits() -> str:
    found = draft()
    return str(found.edits if found else 0)


def texts_form(client: Any, lang: str = "en") -> dict[str, str]:
    """Every text input of the texts page as the browser would post it."""
    page = client.get(f"{EDIT}?texts={lang}").get_data(as_text=True)
    values = dict(re.findall(r'<input id="t-\d+" name="(t:[^"]+)" value="([^"]*)"', page))
    values.update(re.findall(r'<textarea id="t-\d+" name="(t:[^"]+)"[^>]*>([^<]*)</textarea>', page, re.S))
    import html

    return {key: html.unescape(value) for key, value in values.items()} | {"edits": edits()}


def make_editor(world: World) -> None:
    db.session.add(
        CurriculumEditor(
            user_id=world.users["facilitator"].id,
            program_kind=world.program.kind.value,
            granted_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
    )
    db.session.commit()


def save_fellow_draft(client: Any, module_path: str, **answers: str) -> None:
    data = {
        "action": "save",
        "base_revision": "0",
        "name": "Sourdough Collective",
        "frequency": "",
        **answers,
    }
    assert client.post(module_path, data=data).status_code == 302


# --- who may edit -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["fellow", "observer", "facilitator", "other_facilitator", "juror"])
def test_only_admins_and_editors_of_the_kind_reach_the_editor(
    world: World, client_as: Any, module: str, role: str
) -> None:
    client = client_as(role)
    for path in ("/curriculum", EDIT, FIELDS, "/curriculum/new", "/curriculum/mission-statement/export.yaml"):
        assert client.get(path).status_code == 403, path
    assert client.post(EDIT, data={"t:title": "Hijacked", "edits": "0"}).status_code == 403
    assert draft() is None
    assert client_as("anonymous").get("/curriculum").status_code == 302  # to sign-in


def test_an_admin_makes_a_facilitator_an_editor_who_then_finds_the_editor_from_home(
    world: World, client_as: Any, module: str
) -> None:
    admin = client_as("admin")
    page = admin.get("/curriculum/editors").get_data(as_text=True)
    assert "Fatima Facilitator" in page and "Oscar Observer" not in page  # facilitators only
    response = admin.post(
        "/curriculum/editors",
        data={"user_id": world.users["facilitator"].id, "program_kind": world.program.kind.value},
    )
    assert response.status_code == 302
    again = admin.post(
        "/curriculum/editors",
        data={"user_id": world.users["facilitator"].id, "program_kind": world.program.kind.value},
    )
    assert again.status_code == 400 and "already edits" in again.get_data(as_text=True)
    facilitator = client_as("facilitator")
    home = facilitator.get("/").get_data(as_text=True)
    assert "Edit the curriculum" in home
    library = facilitator.get("/curriculum").get_data(as_text=True)
    assert 'href="/curriculum/mission-statement/edit"' in library
    module_page = facilitator.get(f"/cohorts/{world.cohort.id}/modules/mission-statement").get_data(
        as_text=True
    )
    assert "Edit this module" in module_page
    # The grant is for a kind: another kind's module stays closed to them.
    add_module("erg-only", 1, kind="erg_academy", title={"en": "ERG"})
    assert facilitator.get("/curriculum/erg-only/edit").status_code == 403
    assert "ERG" not in library
    [editor] = db.session.scalars(sa.select(CurriculumEditor)).all()
    assert admin.post(f"/curriculum/editors/{editor.id}/remove").status_code == 302
    assert facilitator.get(EDIT).status_code == 403
    assert "Edit the curriculum" not in facilitator.get("/").get_data(as_text=True)


def test_only_admins_grant(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    assert editor.get("/curriculum/editors").status_code == 403
    response = editor.post(
        "/curriculum/editors", data={"user_id": world.users["fellow"].id, "program_kind": "erg_academy"}
    )
    assert response.status_code == 403


# --- texts, fields, publishing ------------------------------------------------------------------------------


def test_an_arabic_fix_is_a_draft_until_published_then_a_new_version(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    page = editor.get(f"{EDIT}?texts=ar").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page  # the inputs of a right-to-left language
    assert "It keeps everyone pointed the same way." in page  # the English beside
    form = texts_form(editor, "ar")
    form["t:body"] = "### لماذا الرسالة\nتبقينا جميعًا في الاتجاه نفسه."
    form["t:title"] = "بيان الرسالة"
    assert editor.post(f"{EDIT}?texts=ar", data=form).status_code == 302
    assert current().version == 1 and "ar" not in current().body  # fellows see nothing yet
    saved = draft()
    assert saved is not None and saved.data["body"]["ar"].startswith("### لماذا الرسالة")
    preview = editor.get(f"{EDIT}?texts=ar").get_data(as_text=True)
    assert "<h3>لماذا الرسالة</h3>" in preview  # the Markdown preview
    publish_page = editor.get(PUBLISH).get_data(as_text=True)
    assert "Fellowship 2024" in publish_page and "Publish version 2" in publish_page
    response = editor.post(PUBLISH, data={"edits": edits(), "change_note": "Arabic reading"})
    assert response.status_code == 302
    module_row = current()
    assert (module_row.version, module_row.source, module_row.substantive) == (2, "browser", False)
    assert module_row.body["ar"].startswith("### لماذا الرسالة") and module_row.title["ar"] == "بيان الرسالة"
    assert module_row.published_by_id == world.users["facilitator"].id
    assert module_row.published_on == dt.date(2024, 3, 14)  # not substantive: the material's date stays
    assert draft() is None
    fellow = client_as("fellow")
    fellow.post("/language", data={"locale": "ar", "next": "/"})
    reading = fellow.get(f"/cohorts/{world.cohort.id}/modules/mission-statement").get_data(as_text=True)
    assert "تبقينا جميعًا في الاتجاه نفسه." in reading


def test_a_fellows_open_draft_moves_when_it_fits_and_stays_when_it_does_not(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    fellow, editor = client_as("fellow"), client_as("facilitator")
    save_fellow_draft(fellow, module, frequency="monthly", who_we_are="Bakers")
    # A choice is added: the draft fits, so it moves to version 2 with its text kept.
    assert (
        editor.post(FIELDS, data={"edits": edits(), "add-choices:frequency": "Quarterly"}).status_code == 302
    )
    assert "1 open draft moves to the new version." in editor.get(PUBLISH).get_data(as_text=True)
    editor.post(PUBLISH, data={"edits": edits(), "change_note": "A quarterly option"})
    db.session.expire_all()
    sheet = db.session.scalar(sa.select(Worksheet))
    assert (sheet.module.version, sheet.answers["who_we_are"]) == (2, "Bakers")
    page = fellow.get(module).get_data(as_text=True)
    assert '<option value="quarterly">Quarterly</option>' in page and "Bakers" in page
    assert 'id="newer-version"' not in page
    # "Monthly" is removed: the draft's choice no longer fits, so it stays on version 2 and is told why.
    position = [c["value"] for c in current().fields[1]["choices"]].index("monthly")
    editor.post(FIELDS, data={"edits": edits(), f"remove-choice:frequency:{position}": "on"})
    publish_page = editor.get(PUBLISH).get_data(as_text=True)
    assert "Fiona Fellow" in publish_page and "the choice you picked is no longer offered" in publish_page
    editor.post(PUBLISH, data={"edits": edits(), "change_note": "Monthly reporting is gone."})
    db.session.expire_all()
    sheet = db.session.scalar(sa.select(Worksheet))
    assert (sheet.module.version, current().version) == (2, 3)
    page = fellow.get(module).get_data(as_text=True)
    assert "Version 3 of this module was published" in page and "stays on version 2" in page
    assert "How often" in page and "the choice you picked is no longer offered" in page
    assert "Monthly reporting is gone." in page
    assert '<option selected value="monthly">Monthly</option>' in page  # still answerable on its version


def test_submitted_work_stays_on_its_version(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    fellow, editor = client_as("fellow"), client_as("facilitator")
    submitted = fellow.post(module, data={**FILLED, "action": "submit"})
    assert submitted.status_code == 302
    editor.post(FIELDS, data={"edits": edits(), "add-choices:frequency": "Yearly"})
    usage = editor.get(PUBLISH).get_data(as_text=True)
    assert "<td>1</td><td>0</td><td>1</td>" in usage  # one fellow, no open draft, one submitted
    editor.post(
        PUBLISH,
        data={
            "edits": edits(),
        },
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(Worksheet)).module.version == 1


def test_fields_are_added_moved_removed_and_required(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    response = editor.post(
        FIELDS,
        data={
            "edits": "0",
            "position:who_we_are": "9",
            "remove:strengths": "on",
            "required:who_we_are": "on",
            "max:who_we_are": "300",
            "new-label": "Decision method",
            "new-type": "choice",
            "new-choices": "Consensus\nMajority vote",
        },
    )
    assert response.status_code == 302
    fields = draft().data["fields"]  # type: ignore[union-attr]
    names = [f["name"] for f in fields]
    assert names == [
        "frequency",
        "indicators",
        "review_on",
        "members",
        "name",
        "who_we_are",
        "decision_method",
    ]
    assert fields[5]["required"] is True and fields[5]["max_length"] == 300
    assert [c["value"] for c in fields[6]["choices"]] == ["consensus", "majority_vote"]
    assert fields[4]["required"] is False  # "name" was required; the form left its box unticked


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"position:who_we_are": "first"}, "Give the position as a whole number."),
        ({"max:who_we_are": "0"}, "Give the longest answer as a whole number"),
        ({"new-label": "Method", "new-type": "choice"}, "Give the new field&#39;s choices, one per line."),
        ({"new-label": "Method", "new-type": "table"}, "Choose the new field&#39;s type."),
        ({"new-label": "x" * 301, "new-type": "short_text"}, "Use at most 300 characters (this has 301)."),
    ],
)
def test_bad_field_changes_are_refused_and_nothing_is_saved(
    world: World, client_as: Any, module: str, data: dict[str, str], message: str
) -> None:
    make_editor(world)
    response = client_as("facilitator").post(FIELDS, data={"edits": "0", **data})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert draft() is None


def test_the_draft_is_checked_like_a_file_and_cannot_be_published_with_problems(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    form = texts_form(editor)
    form["t:title"] = ""
    assert editor.post(EDIT, data=form).status_code == 302
    page = editor.get(EDIT).get_data(as_text=True)
    assert "title: the English text (en) is missing" in page  # curriculum check's own words
    publish = editor.post(PUBLISH, data={"edits": edits(), "change_note": "x"})
    assert publish.status_code == 400 and "Publish version 2</button>" not in publish.get_data(as_text=True)
    assert current().version == 1


def test_a_text_too_long_is_refused_and_nothing_is_lost(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    form = texts_form(editor)
    form["t:title"] = "A better title"
    editor.post(EDIT, data=form)
    form = texts_form(editor)
    form["t:body"] = "x" * 50_001
    response = editor.post(EDIT, data=form)
    assert (
        response.status_code == 400
        and "Use at most 50000 characters (this has 50001)." in response.get_data(as_text=True)
    )
    assert draft().data["title"]["en"] == "A better title"  # type: ignore[union-attr]


def test_two_editors_do_not_overwrite_each_other(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    first, second = client_as("facilitator"), client_as("admin")
    form_one, form_two = texts_form(first), texts_form(second)
    form_one["t:title"], form_two["t:title"] = "Title one", "Title two"
    first.post(EDIT, data=form_one)
    refused = second.post(EDIT, data=form_two)
    assert draft().data["title"]["en"] == "Title one"  # type: ignore[union-attr]
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Someone else saved this draft" in page
    assert 'value="Title two"' in page  # the second editor's text is still in their form
    assert f'name="edits" value="{draft().edits}"' in page  # saving again is now a deliberate choice
    assert second.post(EDIT, data={**form_two, "edits": str(draft().edits)}).status_code == 302
    assert draft().data["title"]["en"] == "Title two"  # type: ignore[union-attr]


def test_markdown_in_a_reading_is_sanitised(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    form = texts_form(editor)
    form["t:body"] = "Hello <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    editor.post(EDIT, data=form)
    preview = editor.get(EDIT).get_data(as_text=True)
    shown = preview.split('id="preview-heading"')[1].split("</section>")[0]
    assert "<script" not in shown and "<img" not in shown and 'href="javascript' not in shown
    editor.post(
        PUBLISH,
        data={
            "edits": edits(),
        },
    )
    reading = client_as("fellow").get(f"/cohorts/{world.cohort.id}/modules/mission-statement")
    text = reading.get_data(as_text=True)
    reading_html = text.split('id="reading-heading"')[1].split("</section>")[0]
    assert (
        "<script" not in reading_html
        and "<img" not in reading_html
        and 'href="javascript' not in reading_html
    )


def test_only_substantive_revisions_and_new_modules_count_as_materials(
    world: World, client_as: Any, module: str, clock: Any
) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    today = clock.today()

    def created_this_month() -> int:
        return db.session.scalar(queries.materials_published(today.replace(day=1), today))

    before = created_this_month()
    form = texts_form(editor)
    form["t:title"] = "Mission statement (fixed)"
    editor.post(EDIT, data=form)
    editor.post(PUBLISH, data={"edits": edits(), "change_note": "Typo"})
    assert created_this_month() == before
    form = texts_form(editor)
    form["t:body"] = "A rewritten reading."
    editor.post(EDIT, data=form)
    editor.post(PUBLISH, data={"edits": edits(), "substantive": "y", "change_note": "Rewritten"})
    assert (current().version, current().substantive) == (3, True)
    assert created_this_month() == before + 1
    # A new module counts on the day it is published.
    response = editor.post(
        "/curriculum/new",
        data={
            "title": "Meeting facilitation",
            "slug": "meeting-facilitation",
            "program_kind": world.program.kind.value,
        },
    )
    assert response.status_code == 302
    new_edit = "/curriculum/meeting-facilitation/edit"
    page = editor.get(new_edit).get_data(as_text=True)
    assert "fields: give the worksheet" in page and "body: missing" in page
    editor.post(
        "/curriculum/meeting-facilitation/fields",
        data={"edits": "0", "new-label": "Notes", "new-type": "long_text"},
    )
    form = {"edits": "1", "t:body": "Read this first."}
    editor.post(new_edit, data=form)
    assert editor.post("/curriculum/meeting-facilitation/publish", data={"edits": "2"}).status_code == 302
    assert db.session.scalar(sa.select(Module.version).where(Module.slug == "meeting-facilitation")) == 1
    assert created_this_month() == before + 2


def test_a_taken_short_name_is_refused_for_a_new_module(world: World, client_as: Any, module: str) -> None:
    response = client_as("admin").post(
        "/curriculum/new",
        data={"title": "Again", "slug": "mission-statement", "program_kind": "coop_fellowship"},
    )
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    bad = client_as("admin").post(
        "/curriculum/new", data={"title": "Bad", "slug": "Bad Name!", "program_kind": "coop_fellowship"}
    )
    assert bad.status_code == 400 and "Use lowercase letters, digits and hyphens." in bad.get_data(
        as_text=True
    )


# --- export and import --------------------------------------------------------------------------------------


def test_export_and_import_round_trip(world: World, client_as: Any, module: str) -> None:
    admin = client_as("admin")
    exported = admin.get("/curriculum/mission-statement/export.yaml")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="mission-statement.yaml"'
    assert exported.headers["X-Content-Type-Options"] == "nosniff"
    problems: list[str] = []
    again = loader.check_data(loader.parse_yaml(exported.data, problems), problems)
    assert problems == [] and again is not None and again.content_hash == current().content_hash
    # The same file imported is a draft with nothing to publish.
    response = admin.post("/curriculum/import", data={"upload": (BytesIO(exported.data), "m.yaml")})
    assert response.status_code == 302
    unchanged = admin.post(
        PUBLISH,
        data={
            "edits": edits(),
        },
        follow_redirects=True,
    )
    assert "Nothing has changed since the version published now." in unchanged.get_data(as_text=True)
    assert current().version == 1
    # A changed file becomes the draft, then version 2.
    changed = exported.data.replace(b"It keeps everyone pointed", b"It keeps all of us pointed")
    admin.post("/curriculum/import", data={"upload": (BytesIO(changed), "m.yaml")})
    assert "all of us" in draft().data["body"]["en"]  # type: ignore[union-attr]
    assert (
        admin.post(
            PUBLISH,
            data={
                "edits": edits(),
            },
        ).status_code
        == 302
    )
    assert current().version == 2 and "all of us" in current().body["en"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"slug: [", "cannot be read as YAML"),
        (b"\xff\xfe", "The file is not UTF-8 text."),
        (textwrap.dedent(GOOD).replace("fields:", "fieldz:").encode(), "fields: give the worksheet"),
        (b"", "Choose a module file to import."),
    ],
)
def test_a_bad_import_is_refused_with_the_reason(
    world: World, client_as: Any, module: str, content: bytes, message: str
) -> None:
    response = client_as("admin").post("/curriculum/import", data={"upload": (BytesIO(content), "m.yaml")})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert draft() is None


def test_an_import_over_the_size_limit_is_refused(
    world: World, client_as: Any, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fellowship.curriculum import editor

    monkeypatch.setattr(editor, "IMPORT_MAX_BYTES", 2048)  # 512 KB in use: a smaller file is quicker to send
    content = textwrap.dedent(GOOD) + "# " + "x" * 2048 + "\n"
    response = client_as("admin").post(
        "/curriculum/import", data={"upload": (BytesIO(content.encode()), "m.yaml")}
    )
    assert response.status_code == 400 and "The file is larger than 2 KB." in response.get_data(as_text=True)
    assert draft() is None


def test_an_editor_cannot_import_into_another_program_kind(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    other = textwrap.dedent(GOOD).replace(
        "slug: mission-statement", "slug: erg-thing\nprogram_kind: erg_academy"
    )
    response = client_as("facilitator").post(
        "/curriculum/import", data={"upload": (BytesIO(other.encode()), "m.yaml")}
    )
    assert response.status_code == 400 and "You may not edit" in response.get_data(as_text=True)


# --- curriculum sync beside browser edits -------------------------------------------------------------------


def test_sync_keeps_a_browser_edit_refuses_a_conflict_and_overwrites_only_when_told(
    app: Any, world: World, client_as: Any, tmp_path: Path
) -> None:
    from tests.curriculum.conftest import assign_sample_module

    assign_sample_module(world, tmp_path)
    admin = client_as("admin")
    form = texts_form(admin)
    form["t:title"] = "Mission statement, edited in the browser"
    admin.post(EDIT, data=form)
    admin.post(
        PUBLISH,
        data={
            "edits": edits(),
        },
    )
    runner = app.test_cli_runner()
    app.config["FELLOWSHIP_CURRICULUM_DIR"] = str(tmp_path)
    try:
        unchanged = runner.invoke(args=["fellowship", "curriculum", "sync"])
        assert unchanged.exit_code == 0 and "1 kept as edited in the browser" in unchanged.output
        assert current().version == 2
        path = tmp_path / "coop_fellowship" / "mission-statement.yaml"
        path.write_text(path.read_text("utf-8").replace("Who are we?", "Who are we, really?"), "utf-8")
        conflict = runner.invoke(args=["fellowship", "curriculum", "sync"])
        assert conflict.exit_code == 1
        assert (
            "coop_fellowship/mission-statement.yaml: the file changed since version 1 was loaded"
            in conflict.output
        )
        assert "version 2 was published in the browser" in conflict.output and "Ada Admin" in conflict.output
        assert current().version == 2
        forced = runner.invoke(args=["fellowship", "curriculum", "sync", "--overwrite", "mission-statement"])
        assert forced.exit_code == 0 and "1 updated" in forced.output
        assert (current().version, current().source) == (3, "file")
        # An edit exported into the folder: the file holds it, and later file changes load as usual.
        admin.post(EDIT, data=texts_form(admin) | {"t:title": "Edited again"})
        admin.post(
            PUBLISH,
            data={
                "edits": edits(),
            },
        )
        written = runner.invoke(args=["fellowship", "curriculum", "export", "mission-statement", "--write"])
        assert written.exit_code == 0 and "Edited again" in path.read_text("utf-8")
        synced = runner.invoke(args=["fellowship", "curriculum", "sync"])
        assert "1 unchanged" in synced.output and current().source == "file"
        path.write_text(path.read_text("utf-8").replace("Edited again", "Edited in the file"), "utf-8")
        later = runner.invoke(args=["fellowship", "curriculum", "sync"])
        assert later.exit_code == 0 and current().title["en"] == "Edited in the file"
    finally:
        app.config["FELLOWSHIP_CURRICULUM_DIR"] = ""


def test_a_choice_is_added_to_a_tables_column(world: World, client_as: Any, module: str) -> None:
    make_editor(world)
    from fellowship.curriculum import editing

    data = editing.for_storage(loader.as_data(current()))
    data["fields"][2]["columns"].append(
        {
            "name": "often",
            "type": "choice",
            "label": {"en": "How often"},
            "choices": [{"value": "weekly", "label": {"en": "Weekly"}}],
        }
    )
    db.session.add(
        ModuleDraft(
            slug="mission-statement",
            program_kind="coop_fellowship",
            base_version=1,
            data=data,
            edits=0,
            updated_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
    )
    db.session.commit()
    editor = client_as("facilitator")
    page = editor.get(FIELDS).get_data(as_text=True)
    assert 'name="add-choices:indicators:often"' in page
    response = editor.post(
        FIELDS,
        data={
            "edits": "0",
            "add-choices:indicators:often": "Twice a year",
            "remove-choice:indicators:often:0": "on",
        },
    )
    assert response.status_code == 302
    column = draft().data["fields"][2]["columns"][2]  # type: ignore[union-attr]
    assert column["choices"] == [{"value": "twice_a_year", "label": {"en": "Twice a year"}}]


def test_an_import_for_a_module_of_another_kind_is_refused(world: World, client_as: Any, module: str) -> None:
    other_kind = textwrap.dedent(GOOD).replace(
        "slug: mission-statement", "slug: mission-statement\nprogram_kind: erg_academy"
    )
    response = client_as("admin").post(
        "/curriculum/import", data={"upload": (BytesIO(other_kind.encode()), "m.yaml")}
    )
    assert response.status_code == 400
    assert "already exists here for another kind of program" in response.get_data(as_text=True)
    assert draft() is None


# --- what the review found ---------------------------------------------------------------------------------


def test_an_import_cannot_take_over_another_kinds_unpublished_draft(
    world: World, client_as: Any, module: str
) -> None:
    admin = client_as("admin")
    new = {"title": "ERG thing", "slug": "erg-thing", "program_kind": "erg_academy"}
    assert admin.post("/curriculum/new", data=new).status_code == 302
    other = textwrap.dedent(GOOD).replace(
        "slug: mission-statement", "slug: erg-thing\nprogram_kind: coop_fellowship"
    )
    response = admin.post("/curriculum/import", data={"upload": (BytesIO(other.encode()), "m.yaml")})
    assert response.status_code == 400 and "another kind of program" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(ModuleDraft.program_kind).where(ModuleDraft.slug == "erg-thing"))
        == "erg_academy"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            textwrap.dedent(GOOD).replace("published_on: 2024-03-14", "published_on: 2024-02-30"),
            "day is out of range",
        ),
        ("slug: x\ntitle: &t {en: T}\nsummary: *t\n", "uses YAML aliases"),
    ],
)
def test_an_import_that_cannot_be_read_is_refused_not_a_crash(
    world: World, client_as: Any, module: str, text: str, message: str
) -> None:
    response = client_as("admin").post(
        "/curriculum/import", data={"upload": (BytesIO(text.encode()), "m.yaml")}
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_a_field_never_takes_a_name_the_worksheet_form_uses(
    world: World, client_as: Any, module: str
) -> None:
    admin = client_as("admin")
    for label in ("Meta", "Errors", "Action"):
        admin.post(FIELDS, data={"edits": edits(), "new-label": label, "new-type": "short_text"})
    names = [f["name"] for f in draft().data["fields"]]  # type: ignore[union-attr]
    assert names[-3:] == ["meta_2", "errors_2", "action_2"]
    assert admin.post(PUBLISH, data={"edits": edits()}).status_code == 302
    fellow = client_as("fellow")
    assert fellow.get(module).status_code == 200
    save_fellow_draft(fellow, module, meta_2="x", errors_2="y", action_2="z")
    db.session.expire_all()
    answers = db.session.scalar(sa.select(Worksheet.answers))
    assert (answers["meta_2"], answers["errors_2"], answers["action_2"]) == ("x", "y", "z")


def test_the_loader_refuses_a_reserved_field_name(tmp_path: Path) -> None:
    from tests.curriculum.test_loader import write

    write(
        tmp_path, "coop_fellowship", "mission-statement", GOOD.replace("name: name, type", "name: meta, type")
    )
    assert "field 'meta': the name is reserved" in loader.read_all(tmp_path).errors[0]


def test_a_moved_draft_tells_a_tab_still_open_on_the_old_version(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    fellow, editor = client_as("fellow"), client_as("facilitator")
    save_fellow_draft(fellow, module, who_we_are="Bakers")
    db.session.expire_all()
    sheet = db.session.scalar(sa.select(Worksheet))
    base = {"base_revision": str(sheet.revision_number), "base_draft": str(sheet.draft_version)}
    editor.post(FIELDS, data={"edits": edits(), "add-choices:frequency": "Weekly"})
    editor.post(PUBLISH, data={"edits": edits()})
    stale = fellow.post(f"{module}/autosave", data={**base, "frequency": "", "name": "Typed in the old tab"})
    assert stale.status_code == 409 and stale.get_json()["stale"] is True
    db.session.expire_all()
    assert db.session.scalar(sa.select(Worksheet)).answers["who_we_are"] == "Bakers"


def test_a_draft_saved_while_the_publish_page_was_open_is_not_published_unseen(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    editor, admin = client_as("facilitator"), client_as("admin")
    editor.post(EDIT, data=texts_form(editor) | {"t:title": "Reviewed title"})
    reviewed = edits()
    admin.post(EDIT, data=texts_form(admin) | {"t:title": "Changed meanwhile"})
    refused = editor.post(PUBLISH, data={"edits": reviewed}, follow_redirects=True)
    assert "Someone else saved this draft" in refused.get_data(as_text=True)
    assert current().version == 1


def test_the_publish_page_names_only_the_fellows_of_cohorts_the_editor_facilitates(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    db.session.add(CohortModule(cohort_id=world.other_cohort.id, slug="mission-statement", position=0))
    db.session.commit()
    for role, path in (
        ("fellow", module),
        ("other_fellow", f"/cohorts/{world.other_cohort.id}/modules/mission-statement/worksheet"),
    ):
        save_fellow_draft(client_as(role), path, frequency="monthly")
    editor = client_as("facilitator")
    editor.post(
        FIELDS, data={"edits": edits(), "remove-choice:frequency:0": "on", "add-choices:frequency": "Weekly"}
    )
    page = editor.get(PUBLISH).get_data(as_text=True)
    assert "Fiona Fellow" in page and "Olga Outsider" not in page and "A fellow of Other cohort" in page
    assert "Olga Outsider" in client_as("admin").get(PUBLISH).get_data(as_text=True)


def test_discarding_a_new_modules_draft_takes_its_resources_along(
    world: World, client_as: Any, module: str
) -> None:
    from fellowship.curriculum.models import Resource

    admin = client_as("admin")
    admin.post(
        "/curriculum/new",
        data={"title": "Short-lived", "slug": "short-lived", "program_kind": "coop_fellowship"},
    )
    admin.post(
        "/curriculum/short-lived/resources",
        data={"title": "Handout", "upload": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "h.pdf")},
    )
    assert db.session.scalar(sa.select(sa.func.count(Resource.id))) == 1
    assert admin.post("/curriculum/short-lived/discard").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Resource.id))) == 0


def test_sync_warns_of_a_browser_draft_left_behind(
    app: Any, world: World, client_as: Any, tmp_path: Path
) -> None:
    from tests.curriculum.conftest import assign_sample_module

    assign_sample_module(world, tmp_path)
    admin = client_as("admin")
    admin.post(EDIT, data=texts_form(admin) | {"t:title": "Draft title"})
    path = tmp_path / "coop_fellowship" / "mission-statement.yaml"
    path.write_text(path.read_text("utf-8").replace("Who are we?", "Who are we now?"), "utf-8")
    app.config["FELLOWSHIP_CURRICULUM_DIR"] = str(tmp_path)
    try:
        result = app.test_cli_runner().invoke(args=["fellowship", "curriculum", "sync"])
    finally:
        app.config["FELLOWSHIP_CURRICULUM_DIR"] = ""
    assert result.exit_code == 0 and "1 updated" in result.output
    assert (
        "coop_fellowship/mission-statement: the draft in the browser started from version 1" in result.output
    )


def test_a_fixed_row_table_fits_when_only_empty_trailing_rows_go() -> None:
    from fellowship.curriculum import editing

    old = [
        {
            "name": "steps",
            "type": "table",
            "label": {"en": "Steps"},
            "rows": [{"en": "A"}, {"en": "B"}, {"en": "C"}],
            "columns": [{"name": "note", "type": "short_text", "label": {"en": "Note"}}],
        }
    ]
    new = [{**old[0], "rows": [{"en": "A"}, {"en": "B"}]}]
    answers = {"steps": [{"note": "first"}, {"note": ""}, {"note": ""}]}
    assert editing.misfits(old, new, answers) == []
    answers = {"steps": [{"note": "first"}, {"note": ""}, {"note": "third"}]}
    assert [str(m.reason) for m in editing.misfits(old, new, answers)] == ["the table now has fewer rows"]


@pytest.mark.parametrize("lang", ["en", "es", "pl", "ar", "he"])
def test_saving_every_text_unchanged_leaves_every_shipped_module_as_it_is(lang: str) -> None:
    """The texts page posts every text of a language back: for all 24 modules that is no change at all."""
    from fellowship import PROJECT_DIR
    from fellowship.curriculum import editing

    for module in loader.read_all(PROJECT_DIR / "curriculum").modules:
        data = editing.for_storage(loader.as_data(module))
        posted = {text.key: text.value.replace("\n", "\r\n") for text in editing.texts(data, lang)}
        again, problems = editing.check(editing.set_texts(data, lang, posted))
        assert problems == [] and again is not None and again.content_hash == module.content_hash, module.slug

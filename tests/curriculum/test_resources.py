"""Resources: links and small files on a module (its editors keep them, every cohort using it sees them)
and in a cohort's library (its facilitators keep it); type read from the content, size limited, files sent
as attachments with nosniff, and only to the people who may read them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from io import BytesIO
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.storage import NotStored, storage
from fellowship.curriculum.models import CurriculumEditor, Resource
from fellowship.extensions import db
from tests.conftest import World

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def make_editor(world: World) -> None:
    db.session.add(
        CurriculumEditor(
            user_id=world.users["facilitator"].id,
            program_kind="coop_fellowship",
            granted_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
    )
    db.session.commit()


def only() -> Resource:
    db.session.expire_all()
    return db.session.scalars(sa.select(Resource)).one()


def test_an_editor_attaches_a_file_to_a_module_and_every_cohort_using_it_gets_it(
    world: World, client_as: Any, module: str
) -> None:
    make_editor(world)
    editor = client_as("facilitator")
    response = editor.post(
        "/curriculum/mission-statement/resources",
        data={"title": "Mission statement template", "upload": (BytesIO(docx()), "Template (final).docx")},
    )
    assert response.status_code == 302
    item = only()
    assert (item.module_slug, item.filename, item.size) == (
        "mission-statement",
        "Template (final).docx",
        len(docx()),
    )
    assert storage().get("resources", item.stored_name) == docx()
    module_page = client_as("fellow").get(f"/cohorts/{world.cohort.id}/modules/mission-statement")
    assert f'href="/resources/{item.id}/file"' in module_page.get_data(as_text=True)
    download = client_as("fellow").get(f"/resources/{item.id}/file")
    assert download.status_code == 200 and download.data == docx()
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "private, no-cache"
    # Outside every cohort that uses the module: as if it did not exist.
    assert client_as("other_fellow").get(f"/resources/{item.id}/file").status_code == 404
    assert client_as("juror").get(f"/resources/{item.id}/file").status_code == 404
    assert client_as("other_facilitator").get("/curriculum/mission-statement/resources").status_code == 403


def test_the_type_is_read_from_the_content_not_the_name(world: World, client_as: Any, module: str) -> None:
    admin = client_as("admin")
    disguised = admin.post(
        "/curriculum/mission-statement/resources",
        data={
            "title": "Looks like a PDF",
            "upload": (BytesIO(b"<html><script>alert(1)</script></html>"), "x.pdf"),
        },
    )
    assert disguised.status_code == 400 and "This kind of file cannot be added." in disguised.get_data(
        as_text=True
    )
    renamed = admin.post(
        "/curriculum/mission-statement/resources",
        data={"title": "A picture named report.pdf", "upload": (BytesIO(PNG), "report.pdf")},
    )
    assert renamed.status_code == 302
    item = only()
    assert (item.filename, item.content_type, item.stored_name.endswith(".png")) == (
        "report.png",
        "image/png",
        True,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"title": "Both", "url": "https://example.org/x", "upload": (BytesIO(PDF), "x.pdf")},
            "Give either a link or a file.",
        ),
        ({"title": "Neither"}, "Give either a link or a file."),
        ({"title": "Script link", "url": "javascript:alert(1)"}, "Enter a web address starting with"),
        ({"title": "", "url": "https://example.org/x"}, "This field is required."),
        ({"title": "Empty", "upload": (BytesIO(b""), "x.pdf")}, "Give either a link or a file."),
    ],
)
def test_bad_resources_are_refused_with_the_reason(
    world: World, client_as: Any, module: str, data: dict[str, Any], message: str
) -> None:
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/resources", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Resource.id))) == 0


def test_a_file_over_the_limit_is_refused(app: Any, world: World, client_as: Any, module: str) -> None:
    app.config["FELLOWSHIP_RESOURCE_MAX_BYTES"] = 100 * 1024  # the test client spools 500 KB to disk
    try:
        big = PDF + b"%" * (100 * 1024)
        response = client_as("facilitator").post(
            f"/cohorts/{world.cohort.id}/resources",
            data={"title": "Big", "upload": (BytesIO(big), "big.pdf")},
        )
    finally:
        app.config["FELLOWSHIP_RESOURCE_MAX_BYTES"] = 2 * 1024 * 1024
    assert response.status_code == 400 and "The file is larger than 100 KB." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Resource.id))) == 0


def test_a_cohort_library_is_kept_by_its_facilitators_and_read_by_its_members(
    world: World, client_as: Any, module: str
) -> None:
    facilitator = client_as("facilitator")
    library = f"/cohorts/{world.cohort.id}/resources"
    assert (
        facilitator.post(
            library, data={"title": "Bylaws guide", "upload": (BytesIO(PDF), "bylaws.pdf")}
        ).status_code
        == 302
    )
    assert (
        facilitator.post(
            library, data={"title": "Co-op law clinic", "url": "https://example.org/clinic"}
        ).status_code
        == 302
    )
    cohort_page = client_as("fellow").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert (
        "Bylaws guide" in cohort_page
        and 'href="https://example.org/clinic" rel="noopener noreferrer nofollow"' in cohort_page
    )
    assert f'href="{library}"' in cohort_page
    file_item = db.session.scalar(sa.select(Resource).where(Resource.stored_name.is_not(None)))
    for role, status in {
        "fellow": 200,
        "observer": 200,
        "other_fellow": 404,
        "other_facilitator": 404,
    }.items():
        assert client_as(role).get(f"/resources/{file_item.id}/file").status_code == status, role
    # A fellow reads the library but adds nothing and removes nothing.
    fellow = client_as("fellow")
    assert "Add a resource" not in fellow.get(library).get_data(as_text=True)
    assert fellow.post(library, data={"title": "Mine", "url": "https://example.org/mine"}).status_code == 403
    assert fellow.post(f"{library}/{file_item.id}/remove").status_code == 403
    stored, item_id = file_item.stored_name, file_item.id
    assert facilitator.post(f"{library}/{item_id}/remove").status_code == 302
    assert db.session.get(Resource, item_id) is None
    with pytest.raises(NotStored):
        storage().get("resources", stored)  # the file left the store too


def test_a_resource_is_removed_only_through_its_own_place(world: World, client_as: Any, module: str) -> None:
    admin = client_as("admin")
    admin.post(
        f"/cohorts/{world.other_cohort.id}/resources",
        data={"title": "Theirs", "url": "https://example.org/t"},
    )
    theirs = only()
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/resources/{theirs.id}/remove")
    assert response.status_code == 404 and db.session.get(Resource, theirs.id) is not None
    response = admin.post(f"/curriculum/mission-statement/resources/{theirs.id}/remove")
    assert response.status_code == 404 and db.session.get(Resource, theirs.id) is not None


def test_resources_live_in_the_database_store_when_servers_share_it(
    app: Any, world: World, client_as: Any, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fellowship.core.storage import StoredFile

    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE", "database")
    facilitator = client_as("facilitator")
    library = f"/cohorts/{world.cohort.id}/resources"
    facilitator.post(library, data={"title": "Bylaws guide", "upload": (BytesIO(PDF), "bylaws.pdf")})
    item = only()
    assert db.session.scalar(sa.select(StoredFile.size).where(StoredFile.name == item.stored_name)) == len(
        PDF
    )
    download = client_as("fellow").get(f"/resources/{item.id}/file")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    assert facilitator.post(f"{library}/{item.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0

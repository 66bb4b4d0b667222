"""The file store every domain uses (``core.storage``): new names that start with the content's hash, no way
out of its folder, whole files only, and responses the browser does not sniff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from fellowship.core.storage import LocalStorage, NotStored, storage


def test_files_are_stored_under_new_random_names_and_read_back(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    first, second = store.put("awards", b"one", ".jpg"), store.put("awards", b"two", ".jpg")
    assert first != second and first.endswith(".jpg") and len(first) == 36
    assert store.get("awards", first) == b"one"
    assert sorted(path.name for path in (tmp_path / "awards").iterdir()) == sorted([first, second])
    store.delete("awards", first)
    with pytest.raises(NotStored):
        store.get("awards", first)
    store.delete("awards", first)  # twice is fine


@pytest.mark.parametrize("kind", ["folder", "database"])
def test_a_name_starts_with_its_contents_hash_and_is_still_new_for_every_upload(
    app: Any, tmp_path: Path, monkeypatch: Any, kind: str
) -> None:
    """So an address carrying that start means these bytes for ever, and deleting one upload's file never
    takes another upload's with the same bytes."""
    import hashlib

    from fellowship.core.storage import content_version

    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE", kind)
    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE_DIR", str(tmp_path))
    store = storage()
    first, again, other = (store.put("awards", data, ".png") for data in (b"same", b"same", b"other"))
    assert content_version(first) == content_version(again) == hashlib.sha256(b"same").hexdigest()[:16]
    assert content_version(other) != content_version(first) and first != again
    store.delete("awards", first)
    assert store.get("awards", again) == b"same"


@pytest.mark.parametrize(
    ("area", "name"),
    [("awards", "../secret.txt"), ("awards", "/etc/passwd"), ("../awards", "a" * 32 + ".jpg"), ("", "x")],
)
def test_a_name_from_outside_the_store_is_never_read(tmp_path: Path, area: str, name: str) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    with pytest.raises(NotStored):
        LocalStorage(tmp_path / "store").get(area, name)


def test_a_suffix_cannot_carry_a_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put("awards", b"x", "/../x.jpg")


def test_a_stored_file_is_sent_without_sniffing(app: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE_DIR", str(tmp_path))
    with app.test_request_context():
        name = storage().put("awards", b"%PDF-1.4", ".pdf")
        response = storage().send("awards", name, as_attachment=True, download_name="handout.pdf")
        response.close()  # the file is streamed: close it as the server would
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response.headers["Content-Disposition"]
        assert (tmp_path / "awards" / name).read_bytes() == b"%PDF-1.4"


# --- the database store, for several application servers (on PostgreSQL in CI's PostgreSQL leg) -----------


def test_the_database_store_keeps_files_in_the_callers_transaction(app: Any) -> None:
    from fellowship.core.storage import DatabaseStorage, StoredFile
    from fellowship.extensions import db

    store = DatabaseStorage()
    kept = store.put("awards", b"kept", ".jpg")
    db.session.commit()
    dropped = store.put("awards", b"dropped", ".jpg")
    db.session.rollback()  # the row naming it was never saved: neither is the file
    assert store.get("awards", kept) == b"kept"
    with pytest.raises(NotStored):
        store.get("awards", dropped)
    assert len(kept) == 36 and kept != dropped
    store.delete("awards", kept)
    db.session.commit()
    with pytest.raises(NotStored):
        store.get("awards", kept)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    with pytest.raises(NotStored):
        store.get("../awards", kept)


def test_the_database_store_sends_with_an_etag_and_answers_304(app: Any, monkeypatch: Any) -> None:
    import hashlib

    from fellowship.extensions import db

    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE", "database")
    with app.test_request_context():
        name = storage().put("resources", b"%PDF-1.4 handout", ".pdf")
        db.session.commit()
        response = storage().send("resources", name, as_attachment=True, download_name="handout.pdf")
        etag = hashlib.sha256(b"%PDF-1.4 handout").hexdigest()
        assert response.headers["ETag"] == f'"{etag}"' and response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
    with app.test_request_context(headers={"If-None-Match": f'"{etag}"'}):
        assert storage().send("resources", name).status_code == 304
    with app.test_request_context(), pytest.raises(NotFound):
        storage().send("resources", "0" * 32 + ".pdf")


def test_files_move_from_the_folder_into_the_database_once(
    app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from fellowship.core.storage import DatabaseStorage, LocalStorage

    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE_DIR", str(tmp_path))
    folder = LocalStorage(tmp_path)
    names = [folder.put("awards", b"image", ".jpg"), folder.put("resources", b"%PDF", ".pdf")]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["fellowship", "move-files-to-database"])
    assert first.exit_code == 0 and "Copied 2 files into the database (0 were there already)" in first.output
    again = runner.invoke(args=["fellowship", "move-files-to-database"])
    assert "Copied 0 files into the database (2 were there already)" in again.output
    assert [
        DatabaseStorage().get(area, name) for area, name in zip(["awards", "resources"], names, strict=True)
    ] == [
        b"image",
        b"%PDF",
    ]

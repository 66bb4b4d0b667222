"""The file store every domain uses (``core.storage``): random names, no way out of its folder, whole files
only, and responses the browser does not sniff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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

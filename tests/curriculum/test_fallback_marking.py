"""Module text shown in a language other than the page's carries its own lang and dir, so an English
fallback inside an Arabic page keeps its punctuation and numbers where English readers expect them."""

from __future__ import annotations

from typing import Any

from fellowship.accounts.models import User
from fellowship.extensions import db
from tests.conftest import World

EN = 'lang="en" dir="ltr"'


def reading_as(world: World, client_as: Any, locale: str) -> Any:
    user = db.session.get(User, world.users["fellow"].id)
    user.locale = locale
    db.session.commit()
    return client_as("fellow")


def test_an_arabic_page_marks_the_english_fallback(world: World, client_as: Any, module: str) -> None:
    fellow = reading_as(world, client_as, "ar")
    page = fellow.get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert f"<h1><span {EN}>Mission statement</span></h1>" in page  # the title has no Arabic text
    assert f'<div class="prose" {EN}><h3>Why a mission</h3>' in page
    assert f"<li><span {EN}>Who are we?</span></li>" in page
    assert f"<li><span {EN}>Who we are</span></li>" in page
    sheet = fellow.get(module).get_data(as_text=True)
    assert f'<label for="who_we_are"><span {EN}>Who we are</span></label>' in sheet
    assert f'<th scope="col"><span {EN}>Indicator</span></th>' in sheet
    home = fellow.get("/").get_data(as_text=True)
    assert f"<span {EN}>Mission statement</span>" in home


def test_text_in_the_pages_own_language_is_not_marked(world: World, client_as: Any, module: str) -> None:
    spanish = reading_as(world, client_as, "es").get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert "<h1>Declaración de misión</h1>" in spanish  # the module has a Spanish title
    assert f"<li><span {EN}>Who are we?</span></li>" in spanish  # but no Spanish questions
    english = reading_as(world, client_as, "en").get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert "<h1>Mission statement</h1>" in english and 'lang="en" dir' not in english.split("<body", 1)[1]

"""The pages with server-drawn charts, with the demo data, in English and Arabic: the program dashboard
and an evaluation summary have no serious or critical axe-core violation and no Nu HTML Checker error, and
no chart's text is cut off at its edges. (test_pages_checked.py checks the other main pages the same way.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.programs.models import Program
from tests.e2e.browsing import sign_in_on
from tests.e2e.test_pages_checked import AXE, FACILITATOR, VNU, assert_valid_html, saved_pages


@pytest.fixture
def chart_pages(app: Any) -> dict[str, str]:
    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    program = db.session.scalar(sa.select(Program).where(Program.name.startswith("Worker Cooperative")))
    launch = db.session.scalar(sa.select(Event).where(Event.title.startswith("Launch webinar")))
    return {
        "program dashboard": f"/programs/{program.id}/dashboard",
        "evaluation summary": f"/events/{launch.id}/evaluation/summary",
    }


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run npm ci in tests/e2e")
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_dashboard_and_summary_charts_pass_axe_and_fit(
    browser: Any, server: str, chart_pages: dict[str, str], lang: str
) -> None:
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script the policy would refuse
    page = context.new_page()
    sign_in_on(page, server, FACILITATOR, lang)
    found = {}
    for name, path in chart_pages.items():
        page.goto(server + path)
        assert page.locator("svg.chart").count() > 0, name
        cut = page.evaluate(
            """() => [...document.querySelectorAll('svg.chart text')].filter(t => {
                 const box = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
                 return box.left < svg.left - 0.5 || box.right > svg.right + 0.5;
               }).map(t => t.textContent)"""
        )
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}×, e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        if bad or cut:
            found[name] = {"axe": bad, "text cut off": cut}
    context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.skipif(not VNU.exists() or not shutil.which("java"), reason="vnu.jar or Java is missing")
def test_dashboard_and_summary_charts_are_valid_html(
    app: Any, chart_pages: dict[str, str], tmp_path: Path
) -> None:
    from fellowship.accounts.models import User

    client = app.test_client()
    client.login_as(db.session.scalar(sa.select(User).where(User.email == FACILITATOR)))
    assert_valid_html(saved_pages(client, chart_pages, tmp_path))

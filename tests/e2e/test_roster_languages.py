"""A facilitator reads the cohort roster in each of the five languages; Arabic and Hebrew are mirrored."""

from __future__ import annotations

import os
from typing import Any

import pytest

from fellowship.programs.enums import Role
from tests import factories as f
from tests.e2e.browsing import sign_in_on

SUMMARIES = {
    "en": "13 fellows from 12 organisations",
    "es": "13 becarios de 12 organizaciones",
    "pl": "13 stypendystów z 12 organizacji",
    "ar": "13 زميلاً من 12 منظمة",
    "he": "13 עמיתים מ־12 ארגונים",
}


@pytest.fixture
def fellowship_cohort(app: Any) -> Any:
    cohort = f.CohortFactory(name="Worker Cooperative Developer Fellowship 2024")
    orgs = [f.OrganizationFactory(name=f"Cooperative {n}") for n in range(12)]
    for n in range(13):
        f.MembershipFactory(cohort=cohort, user=f.UserFactory(organization=orgs[min(n, 11)]))
    facilitator = f.UserFactory(email="facilitator@example.org", name="Nadia Petrova")
    f.MembershipFactory(cohort=cohort, user=facilitator, role=Role.FACILITATOR)
    return cohort


@pytest.mark.parametrize("code", list(SUMMARIES))
def test_roster_in_every_language(
    page: Any, server: str, fellowship_cohort: Any, code: str, tmp_path: Any
) -> None:
    cohort_url = f"{server}/cohorts/{fellowship_cohort.id}"
    sign_in_on(page, server, "facilitator@example.org", code, password=f.PASSWORD)
    page.goto(cohort_url)
    direction = "rtl" if code in {"ar", "he"} else "ltr"
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [code, direction]
    assert page.inner_text("#roster-summary") == SUMMARIES[code]
    first, last = (page.locator("table.roster thead th").nth(i).bounding_box() for i in (0, 3))
    # The name column comes first in reading order: on the left in LTR, on the right in RTL.
    assert (first["x"] > last["x"]) is (direction == "rtl")
    shots = os.environ.get("FELLOWSHIP_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/cohort-{code}.png", full_page=True)

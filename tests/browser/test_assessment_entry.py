"""The phone-sized assessment form end to end: answers saved as they go and still there after
a reload, every step, submit; then review, finalise and the PDF."""

from __future__ import annotations

import pytest

from anlao.assessments.models import Assessment
from tests.assessment_personas import AssessWorld, build
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)


def answer_step(page) -> None:
    """Choose the first (highest) option of every item, waiting for each autosave."""
    for fieldset in page.locator("fieldset.item-card").all():
        with page.expect_response(lambda r: "/answers/" in r.url and r.status == 200):
            fieldset.locator("label.option").first.click()


def relogin(page, live_server, user) -> None:
    page.context.clear_cookies()
    login(page, live_server, user)


@pytest.mark.django_db(transaction=True)
def test_an_assessor_enters_on_a_phone_and_the_result_is_finalised(aw, page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, aw.assessor_1)
    page.goto(f"{live_server.url}/assessments/elders/{aw.elder_a1.pk}/")
    page.click("#start-assessment")
    page.wait_for_url("**/step/1/")

    answer_step(page)
    assert page.locator("#subtotal").inner_text() == "32"
    page.reload()
    assert page.locator("input[name='B.1.1']:checked").get_attribute("value") == "4"
    assert page.locator("input[type=radio]:checked").count() == 8
    assert page.locator("#subtotal").inner_text() == "32"

    for step in (2, 3, 4):
        page.click("#next-step")
        page.wait_for_url(f"**/step/{step}/")
        answer_step(page)
    page.click("#next-step")
    page.wait_for_url("**/step/5/")
    page.select_option("#id_assessor_2", str(aw.assessor_2.pk))
    page.fill("#id_risk_fall", "1")
    page.click("#next-step")
    page.wait_for_url("**/step/6/")
    assert page.locator("#ready").is_visible()
    page.click("#submit-assessment")
    page.wait_for_url("**/assessments/*/")
    a = Assessment.objects.get()
    assert (a.state, a.total, a.final_level) == ("submitted", 90, 0)

    relogin(page, live_server, aw.assessor_3)
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    page.click("#review-button")
    page.wait_for_load_state()
    relogin(page, live_server, aw.street_officer_a)
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    page.on("dialog", lambda d: d.accept())
    page.click("#finalise-button")
    page.wait_for_selector("#final-level")
    aw.elder_a1.refresh_from_db()
    assert aw.elder_a1.ability_level == 0

    pdf = page.request.get(live_server.url + page.locator("#pdf-link").get_attribute("href"))
    assert pdf.ok and pdf.body()[:4] == b"%PDF"


@pytest.mark.django_db(transaction=True)
def test_an_answer_chosen_offline_is_saved_when_the_connection_returns(aw, page, live_server):
    from anlao.assessments import services

    a = services.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk,
                                   data={"assessor_1": aw.assessor_1.pk})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, aw.assessor_1)
    page.goto(f"{live_server.url}/assessments/{a.pk}/step/2/")
    page.context.set_offline(True)
    page.click("label[for='q-B-2-4-3']")
    page.wait_for_selector("#offline-note:not(.d-none)")
    a.refresh_from_db()
    assert a.answers == {}
    with page.expect_response(lambda r: "/answers/" in r.url and r.status == 200):
        page.context.set_offline(False)
    page.wait_for_selector("#offline-note.d-none", state="attached")
    a.refresh_from_db()
    assert a.answers == {"B.2.4": 3}
    assert not [p for p in problems if "Content Security Policy" in p]

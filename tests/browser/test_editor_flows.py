"""The editor's daily work in a real browser: log a pundit's words as a prediction,
resolve the question from the due queue with evidence, and edit without overwriting
a colleague. Each page visited is saved as a screenshot (see FORECASTS_SCREENSHOTS)."""

from __future__ import annotations

import re

import pytest

from support import sign_in_page

pytestmark = pytest.mark.browser
QUOTE = (
    "What is happening now between Iran and US, is not war, I believe there is a tiny "
    "possibility of war happening between these two."
)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_log_then_resolve_from_the_due_queue(page, live_server, shoot):
    sign_in_page(page, live_server, "erin")
    shoot(page, "home-signed-in")
    page.get_by_role("link", name="Log a prediction").click()
    # Keyboard only: pick the seeded pundit and source, then type the rest.
    # The pickers search as you type: pick the seeded pundit and source from the list.
    pundit = page.get_by_label("Pundit", exact=True)
    pundit.press_sequentially("op-ed author", delay=20)
    options = page.locator("#pundit-options option")
    options.first.wait_for(state="attached")
    assert options.first.get_attribute("value") == "op-ed-author-iran-us-iraq-2020"
    pundit.fill(options.first.get_attribute("value"))
    page.get_by_label("Source", exact=True).fill(
        "Untitled op-ed on the Iran-US confrontation in Iraq"  # an exact title is matched
    )
    page.get_by_label("Verbatim quote").fill(QUOTE)
    page.get_by_label("Hedge phrase").fill("tiny possibility")
    page.get_by_label("Question", exact=True).fill("new")
    page.get_by_label("New question").fill(
        "Will the US and Iran be at war by the end of January 2020?"
    )
    page.get_by_label("Resolution criteria").fill(
        "Yes if either declares war, or their forces fight for more than seven days."
    )
    page.locator("#new_question_resolve_by").fill("2020-01-31")
    probability = page.get_by_label("Probability", exact=True)
    reads_as = page.locator("#probability-reads-as")
    probability.fill("1")  # ambiguous: said before saving
    assert reads_as.inner_text() == "1 alone could mean 100% or 1%: write 100% or 1%."
    probability.fill("0.05")
    assert reads_as.inner_text() == "Read as 5%."
    probability.fill("5%")
    page.get_by_label("Scale").select_option("icd-203@2015")
    shoot(page, "log-form-filled")
    probability.press("Enter")  # submits the form

    page.wait_for_url(re.compile(r"/questions/will-the-us-and-iran"))
    assert page.locator(".flash").inner_text() == "Prediction logged at 5%."
    assert page.locator(".prediction .probability").inner_text() == "5%"
    assert "icd-203@2015" in page.locator(".prediction .origin").inner_text()
    shoot(page, "question-logged")

    due = page.locator("#nav-due .count")
    assert due.inner_text() == "1"
    page.locator("#nav-due").click()
    shoot(page, "due-queue")
    row = page.get_by_role("row", name=re.compile("end of January 2020"))
    row.get_by_role("link", name="Resolve").click()
    page.get_by_label("Outcome").select_option("no")
    page.get_by_label("Became known on").fill("2020-02-01")
    page.get_by_label("Evidence link").fill(
        "https://en.wikipedia.org/wiki/Operation_Martyr_Soleimani"
    )
    page.get_by_label("Note").fill("One exchange of strikes in January, then de-escalation.")
    shoot(page, "resolve-form-filled")
    page.get_by_role("button", name="Record resolution").click()

    page.wait_for_url(re.compile(r"/questions/will-the-us-and-iran"))
    assert page.locator(".page-head .outcome").inner_text().lower() == "no"
    history = page.locator("table.history tbody tr")
    assert history.count() == 1
    assert "erin" in history.first.inner_text()
    assert "evidence" in history.first.inner_text()
    assert page.locator("#nav-due .count").inner_text() == "0"
    shoot(page, "question-resolved")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_editors_edit_the_same_question(browser, live_server, shoot):
    pages = []
    for name in ("erin", "ed"):
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        pages.append(context.new_page())
        sign_in_page(pages[-1], live_server, name)
    erin, ed = pages
    edit_path = live_server + "/questions/trump-wins-2020-election/edit"
    for page in pages:
        page.goto(edit_path)
    erin.get_by_label("Tags").fill("united-states, elections, erin-was-here")
    erin.get_by_role("button", name="Save question").click()
    erin.wait_for_url(live_server + "/questions/trump-wins-2020-election")
    shoot(erin, "first-editor-saved")

    ed.get_by_label("Tags").fill("united-states, elections, ed-was-here")
    ed.get_by_role("button", name="Save question").click()
    conflict = ed.locator(".conflict")
    assert "Someone else changed this" in conflict.inner_text()
    assert "erin-was-here" in conflict.inner_text()  # the current values are shown
    assert ed.get_by_label("Tags").input_value().endswith("ed-was-here")  # ed's edit is kept
    shoot(ed, "second-editor-conflict")
    ed.goto(live_server + "/questions/trump-wins-2020-election")
    assert "erin-was-here" in ed.locator("dl.facts").inner_text()
    assert "ed-was-here" not in ed.content()
    for page in pages:
        page.context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_phrase_is_read_on_the_scale_before_saving(page, live_server, shoot):
    sign_in_page(page, live_server, "erin")
    page.goto(live_server + "/predictions/new")
    page.get_by_label("Hedge phrase").fill("almost certain")
    reading = page.locator("#phrase-reading")
    reading.wait_for(state="visible")
    assert "reads as 95%" in reading.inner_text() and "Source:" in reading.inner_text()
    assert page.get_by_label("Probability", exact=True).input_value() == "95%"
    assert page.get_by_label("Where the number came from").input_value() == "mapped"
    page.get_by_label("Probability", exact=True).fill("90%")  # the editor's own number
    assert page.get_by_label("Where the number came from").input_value() == "estimated"
    shoot(page, "phrase-read-on-scale")

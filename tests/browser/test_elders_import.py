"""The Excel import in a real browser: upload a file with errors, read them, import the rest."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from anlao.people.models import Elder
from tests.test_people_import import person, workbook

pytestmark = pytest.mark.browser


def test_upload_with_errors_then_import_the_valid_rows(world, logged_in, page, live_server,
                                                       tmp_path):
    rows = [person("好一", 1), person("错生日", 2, **{"Birth date": "1950-02-02"}),
            person("好二", 3), person("越界", 4, community="330105002001")]
    path = tmp_path / "名册.xlsx"
    path.write_bytes(workbook(rows).getvalue())
    logged_in(world.worker_a1)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/elders/")
    page.click("a[href='/elders/import/']")  # the list page's import button
    expect(page.locator("#template-link")).to_be_visible()
    page.set_input_files("#id_file", str(path))
    page.click("#upload-submit")

    expect(page.locator("#count-total")).to_have_text("4")
    expect(page.locator("#count-valid")).to_have_text("2")
    expect(page.locator("#count-errors")).to_have_text("2")
    rows = page.locator("#error-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_contain_text("4")  # Excel row numbers
    expect(rows.nth(0)).to_contain_text("1945-06-01")  # the ID's birth date, not the typed one
    expect(rows.nth(1).locator("td").first).to_contain_text("6")
    expect(page.locator("#report-link")).to_have_attribute("href", re.compile(r"/report\.xlsx$"))
    assert Elder.objects.count() == 0

    page.click("#commit-button")
    expect(page.locator("#import-result")).to_be_visible()
    expect(page.locator("#count-valid")).to_have_text("2")
    expect(page.locator("#commit-button")).to_have_count(0)
    assert sorted(Elder.objects.values_list("name", flat=True)) == ["好一", "好二"]


def test_a_wrong_file_shows_the_error_on_the_upload_page(world, logged_in, page, live_server,
                                                         tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text("姓名,身份证号\n张三,1\n")
    logged_in(world.worker_a1)
    page.goto(live_server.url + "/elders/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-submit")
    expect(page.locator("#upload-error")).to_be_visible()
    assert Elder.objects.count() == 0

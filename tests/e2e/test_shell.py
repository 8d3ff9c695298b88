"""The shell in a real browser: accessibility, keyboard, phone width, switchers."""

import pytest

from tests.e2e.helpers import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_home_is_accessible(page):
    page.goto("/")
    assert page.title().endswith("Guichet")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


@pytest.mark.django_db(transaction=True)
def test_static_files_load(page):
    response = page.goto("/")
    assert response.ok
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"

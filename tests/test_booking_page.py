"""The booking page end to end in headless Chromium, as a buyer on a phone would use it.

A real server runs the pilot day; the browser opens `/` at 390 px, picks the day, sees
the charter's refusals before choosing, fills the form, books the first slot offered,
and lands on the confirmation with the reference, the time, the station and the
calendar file. Every form field has a label, and no page scrolls sideways. Screenshots
at 390 and 1,280 px are kept in tests/artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCENARIOS, server

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = {"phone": 390, "desktop": 1280}


def assert_fits_and_labelled(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    unlabelled = page.evaluate("""Array.from(document.querySelectorAll('input:not([type=hidden]), select'))
        .filter(e => e.labels.length === 0).map(e => e.name)""")
    assert unlabelled == []


@pytest.mark.slow
@pytest.mark.parametrize("device", WIDTHS)
def test_a_booking_from_the_day_list_to_the_calendar_file(browser, tmp_path, device):
    width = WIDTHS[device]
    ARTIFACTS.mkdir(exist_ok=True)
    with server(f"sqlite:///{tmp_path / 'remise.db'}", SCENARIOS / "paris-pilot.yaml") as (base, _):
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_role("link", name="mardi 1 décembre 2026").click()
        # The charter's refusals are shown before anyone books.
        assert "objets tranchants" in page.locator("[data-forbidden='knife']").inner_text()
        assert_fits_and_labelled(page, width)
        page.screenshot(path=str(ARTIFACTS / f"booking-form-{width}.png"), full_page=True)
        page.get_by_label("Objet vendu").select_option("phone")
        page.get_by_label("Choix n° 1").select_option("paris-11")
        page.locator("#from1").fill("14:00")
        page.locator("#to1").fill("16:00")
        page.get_by_label("Identifiant du vendeur sur le site d'annonces").fill("u-page-1")
        page.get_by_label("Identifiant de l'acheteur sur le site d'annonces").fill("u-page-2")
        page.get_by_role("button", name="Voir les créneaux libres").click()
        slots = page.locator("[data-slot]")
        assert slots.count() >= 1
        first = slots.first.get_attribute("data-slot")  # "paris-11 14:00"
        assert_fits_and_labelled(page, width)
        page.screenshot(path=str(ARTIFACTS / f"booking-offers-{width}.png"), full_page=True)
        slots.first.get_by_role("button").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Votre réservation est confirmée"
        reference = page.locator("[data-reference]").inner_text().strip()
        assert len(reference.replace("-", "")) == 16
        assert page.locator("[data-station]").get_attribute("data-station") == first.split()[0]
        assert page.locator("[data-time]").inner_text().startswith(first.split()[1])
        calendar = page.get_by_role("link", name="Ajouter à mon agenda (.ics)").get_attribute("href")
        ics = page.request.get(base + calendar)
        assert ics.status == 200 and b"BEGIN:VEVENT" in ics.body() and b"TZID=Europe/Paris" in ics.body()
        assert_fits_and_labelled(page, width)
        page.screenshot(path=str(ARTIFACTS / f"booking-confirmed-{width}.png"), full_page=True)
        # The booking is in the platform: the API knows the reference.
        assert page.request.get(f"{base}/api/v1/bookings/{reference}").json()["status"] == "confirmed"
        assert errors == []


@pytest.mark.slow
def test_a_form_with_mistakes_says_what_to_correct(browser, tmp_path):
    with server(f"sqlite:///{tmp_path / 'remise.db'}", SCENARIOS / "paris-pilot.yaml") as (base, _):
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(base + "/jour/2026-12-01")
        page.get_by_role("button", name="Voir les créneaux libres").click()
        assert "Certaines réponses sont à corriger" in page.get_by_role("alert").first.inner_text()
        assert page.get_by_label("Objet vendu").get_attribute("aria-invalid") == "true"
        assert "Choisissez ce que vous vendez." in page.locator("#category-error").inner_text()
        assert_fits_and_labelled(page, 390)

"""The analyst's workbench end to end in headless Chromium (Debian's package,
driven by Playwright; no browser download). Run by .ci/ui.sh, which starts
`cordon serve` with the UN list, a customer and one key per role, and passes
them in the environment:

CORDON_URL, KEY_SCREENER, KEY_ANALYST, KEY_SUPERVISOR, KEY_AUDITOR, SHOTS.
"""
import os
import sys
import urllib.error
import urllib.request

from playwright.sync_api import expect, sync_playwright

URL = os.environ["CORDON_URL"]
SHOTS = os.environ["SHOTS"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def sign_in(page, role):
    page.goto(f"{URL}/ui/sign-in")
    page.get_by_label("API key").fill(os.environ[f"KEY_{role.upper()}"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()


def screen_umarov(page):
    page.goto(f"{URL}/ui/screen")
    page.get_by_label("Name").fill("Доку Хаматович Умаров")
    page.get_by_label("Type").select_option("person")
    page.get_by_role("button", name="Screen").click()
    match = page.locator("article.match").filter(has_text="un:QDi.290").first
    expect(match).to_be_visible()
    return match


def analyst_story(page):
    sign_in(page, "analyst")
    shot(page, "01-screen-form")
    match = screen_umarov(page)
    # The explanation: name parts aligned through a named rule, the entry in full.
    expect(match.get_by_role("table", name="Which name parts aligned")).to_be_visible()
    expect(match.locator(".rule").first).to_be_visible()
    expect(match.locator("summary", has_text="List entry un:QDi.290")).to_be_visible()
    expect(match.locator("bdi.name", has_text="Umarov").first).to_be_visible()
    expect(match.get_by_role("button", name="Record decision")).to_be_visible()
    shot(page, "02-screen-results")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "03-screen-results-narrow")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Alerts").click()
    row = page.locator("tr", has_text="un:QDi.290").first
    expect(row).to_be_visible()
    shot(page, "04-alert-queue")
    row.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name="Party")).to_be_visible()
    expect(page.get_by_text("cust-umarov").first).to_be_visible()
    shot(page, "05-case")
    page.get_by_label("True match").check()
    page.get_by_label("Reason").fill("Same person: name and date of birth agree")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("waiting for a supervisor's approval")).to_be_visible()
    shot(page, "06-case-decided")
    # The analyst may not approve: no Approve button, no Approvals entry.
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("link", name="Approvals")).to_have_count(0)
    sign_out(page)


def supervisor_story(page):
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Approvals").click()
    row = page.locator("tr", has_text="un:QDi.290").first
    expect(row).to_be_visible()
    shot(page, "07-approvals")
    row.get_by_role("link", name="Open").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("is now in force")).to_be_visible()
    shot(page, "08-approved")
    page.get_by_role("link", name="Lists").click()
    expect(page.get_by_role("heading", name="un")).to_be_visible()
    shot(page, "09-lists")
    page.get_by_role("button", name="Show changes").click()
    expect(page.get_by_role("table", name="Changed, field by field")).to_be_visible()
    shot(page, "10-list-diff")
    sign_out(page)


def auditor_story(page):
    sign_in(page, "auditor")
    expect(page.get_by_role("link", name="Screen")).to_have_count(0)
    page.get_by_label("Kind").fill("decision_confirmed")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("td", has_text="decision_confirmed").first).to_be_visible()
    expect(page.locator("td", has_text="QDi.290").first).to_be_visible()
    shot(page, "11-audit")
    page.get_by_role("button", name="Verify the chain").click()
    expect(page.get_by_text("The chain is intact.")).to_be_visible()
    shot(page, "12-audit-verified")
    sign_out(page)


def screener_story(page):
    sign_in(page, "screener")
    match = screen_umarov(page)
    expect(match.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(page.get_by_role("link", name="Alerts")).to_have_count(0)
    shot(page, "13-screener-results")
    # A form posted without the session's CSRF token is refused, cookie or not.
    answer = page.request.post(f"{URL}/ui/screen", form={"name": "Doku Umarov"})
    assert answer.status == 403, answer.status
    assert "CSRF" in answer.text()
    sign_out(page)


def forged_cross_site_post():
    """A post from outside the browser session (no cookie, no token) is not served."""
    request = urllib.request.Request(
        f"{URL}/ui/decisions", data=b"party_key=x&entity_id=un%3AQDi.290&verdict=true_match&reason=x"
    )
    try:
        with urllib.request.urlopen(request) as answer:
            assert "/ui/sign-in" in answer.url, answer.url
    except urllib.error.HTTPError as error:
        assert error.code in (303, 403), error.code


def main():
    os.makedirs(SHOTS, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        errors = []
        page = context.new_page()
        # A CSP violation or script error is a failure, not noise.
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for story in (analyst_story, supervisor_story, auditor_story, screener_story):
            story(page)
            print(f"ok {story.__name__}")
        forged_cross_site_post()
        print("ok forged_cross_site_post")
        browser.close()
    if errors:
        sys.exit(f"browser errors: {errors}")


if __name__ == "__main__":
    main()

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


def screen(page, name, kind, entity_id):
    page.goto(f"{URL}/ui/screen")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Type").select_option(kind)
    page.get_by_role("button", name="Screen").click()
    match = page.locator("article.match").filter(has_text=entity_id).first
    expect(match).to_be_visible()
    return match


def screen_umarov(page):
    return screen(page, "Доку Хаматович Умаров", "person", "un:QDi.290")


def focused(page, selector):
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page, selector, limit=80):
    """Presses Tab until the element is focused: the page is walked as a keyboard user walks it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def fits(page):
    """Nothing wider than the window: no sideways scrolling of the page."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


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


def transfer_case_story(page):
    """A transfer alert's case view: the transfer's R16 findings and its text hit marked."""
    sign_in(page, "analyst")
    page.goto(f"{URL}/ui/alerts")
    page.get_by_label("Source").select_option("transfer")
    page.get_by_label("Rule").select_option("sanctions")
    page.get_by_role("button", name="Filter").click()
    row = page.locator("tr", has_text="UMAROV").first
    expect(row).to_be_visible()
    row.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name="Transfer", exact=True)).to_be_visible()
    findings = page.get_by_role("table", name="FATF R16 findings of this transfer")
    expect(findings).to_be_visible()
    expect(findings.locator("td", has_text="R16").first).to_be_visible()
    expect(page.locator("mark", has_text="KHAMATOVICH").first).to_be_visible()
    shot(page, "14-transfer-case")
    sign_out(page)


def scripts_story(page):
    """Cyrillic, Chinese and Arabic names drawn in their script; Arabic right to left."""
    sign_in(page, "analyst")
    match = screen_umarov(page)
    expect(match.locator("bdi", has_text="Умаров").first).to_be_visible()
    match = screen(page, "朝鲜联合机械贸易会社", "organization", "un:")
    expect(match.locator("bdi", has_text="朝鲜联合机械贸易会社").first).to_be_visible()
    shot(page, "15-chinese")
    match = screen(page, "صدام حسين التكريتي", "person", "un:")
    arabic = match.locator("bdi", has_text="صدام حسين التكريتي").first
    expect(arabic).to_be_visible()
    expect(arabic).to_have_attribute("dir", "rtl")
    shot(page, "16-arabic")
    sign_out(page)


def keyboard_story(page):
    """Sign in, screen and open an alert with Tab and Enter only."""
    page.goto(f"{URL}/ui/sign-in")
    tab_to(page, "#key")
    page.keyboard.type(os.environ["KEY_ANALYST"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{URL}/ui/screen")
    tab_to(page, "#name")
    page.keyboard.type("Доку Хаматович Умаров")
    page.keyboard.press("Enter")
    expect(page.locator("article.match").filter(has_text="un:QDi.290").first).to_be_visible()
    tab_to(page, "nav a[href='/ui/alerts']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Alert queue")).to_be_visible()
    tab_to(page, "td a[href^='/ui/alerts/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    shot(page, "17-keyboard-case")
    sign_out(page)


def viewports_story(page):
    """The queue and a case at 1280x800 and on a narrow screen: nothing scrolls sideways."""
    sign_in(page, "analyst")
    for width, height, name in ((1280, 800, "wide"), (390, 844, "narrow")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{URL}/ui/alerts")
        expect(page.get_by_role("button", name="Filter")).to_be_visible()
        assert fits(page), f"the queue scrolls sideways at {width}px"
        shot(page, f"18-queue-{name}")
        page.locator("td a[href^='/ui/alerts/']").first.click()
        expect(page.get_by_role("heading", name="History")).to_be_visible()
        assert fits(page), f"a case scrolls sideways at {width}px"
        shot(page, f"19-case-{name}")
    page.set_viewport_size({"width": 1280, "height": 800})
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
        stories = (
            analyst_story,
            supervisor_story,
            auditor_story,
            screener_story,
            transfer_case_story,
            scripts_story,
            keyboard_story,
            viewports_story,
        )
        for story in stories:
            story(page)
            print(f"ok {story.__name__}")
        forged_cross_site_post()
        print("ok forged_cross_site_post")
        browser.close()
    if errors:
        sys.exit(f"browser errors: {errors}")


if __name__ == "__main__":
    main()

"""The ranking app in a real headless Chromium (Debian's package), driven by Playwright.

Logs in, ranks an item with a tie and an unsafe flag, submits, and checks the store; each test runs
on SQLite and PostgreSQL. Saves screenshots to ci-artifacts/ (the ranking page at 1280x800 and
1920x1080, an incomplete submit, the tie question, the admin page, a locked login). Skipped only
where no Chromium is installed, unless COUNSEL_ALIGN_REQUIRE_BROWSER=1 (set by .ci/run), which turns
a missing browser into a failure.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotate.app import launch
from annotate.labeling import LabelSettings
from annotate.models import Ranking
from annotate.store import RankingStore
from tests.test_label_server import PASSWORD, free_port

BEST = "That sounds lonely. What has that been like?"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts"
BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("COUNSEL_ALIGN_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"browser tests required but no Chromium at {CHROMIUM}")
    pytest.skip("no Chromium installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def app_url(store_url):
    store = RankingStore(store_url)
    prompt_id = store.add_prompt(
        "p0", [{"role": "user", "content": "<b>bold?</b><script>window.hacked=1</script> I feel alone."}]
    )
    store.add_candidates(
        prompt_id, ["That sounds lonely. What has that been like?", "Cheer up.", "Just get over it."], source="m"
    )
    store.add_annotator("dana", PASSWORD)
    store.add_annotator("boss", PASSWORD, role="admin")
    port = free_port()
    app = launch(store, LabelSettings(annotators_per_item=1), "127.0.0.1", port, block=False)
    yield store, f"http://127.0.0.1:{port}/"
    app.close()


def open_logged_in(p, url: str, username: str):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(url)
    page.fill("input[type=text]", username)
    page.fill("input[type=password]", PASSWORD)
    page.click("button:has-text('Login')")
    return browser, page


def choose(page, elem_id: str, option: str) -> None:
    page.click(f"#{elem_id} input")
    page.locator(f"#{elem_id}").get_by_role("option", name=option, exact=True).click()


def test_login_rank_with_tie_and_flag_then_stored(app_url):
    from playwright.sync_api import sync_playwright

    store, url = app_url
    second = store.add_prompt("p1", [{"role": "user", "content": "Work has been piling up."}])
    store.add_candidates(second, ["What feels heaviest?", "Work less."], source="m")  # fewer replies: a new layout
    third = store.add_prompt("p2", [{"role": "user", "content": "I can't switch off at night."}])
    store.add_candidates(third, ["What keeps going round?", "Try to relax."], source="m")  # as many: the same layout
    with sync_playwright() as p:
        browser, page = open_logged_in(p, url, "dana")
        page.wait_for_selector("#reply-2 textarea", timeout=30000)
        expect(page.locator("#reply-0 textarea")).not_to_have_value("", timeout=30000)
        conversation = page.input_value("#conversation textarea")
        assert "<script>window.hacked=1</script>" in conversation  # shown as text...
        assert page.evaluate("window.hacked") is None  # ...never run

        replies = [page.input_value(f"#reply-{i} textarea") for i in range(3)]
        expect(page.locator("#tie-question").first).to_be_hidden()  # no question asked yet
        best = replies.index("That sounds lonely. What has that been like?")
        unsafe = replies.index("Just get over it.")
        for i in range(3):
            choose(page, f"rank-{i}", "1" if i == best else "2")  # the other two tie
        page.check(f"#unsafe-{unsafe} input")
        page.fill("#rationale textarea", "reflective reply best; the others tie")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ranking-app.png"), full_page=True)
        expect(page.locator("#hotkey-hint")).to_contain_text("Shift")  # the shortcuts, always in sight
        page.set_viewport_size({"width": 1280, "height": 800})
        page.locator("#submit").scroll_into_view_if_needed()
        assert page.evaluate("window.scrollY") > 0, "the submit button is below the fold at 1280x800"
        page.click("#submit")
        # Two equal ranks: the page asks before storing, naming the replies by their letters.
        tied = " and ".join(sorted("ABC"[i] for i in range(3) if i != best))
        expect(page.locator("#tie-text")).to_contain_text(f"Replies {tied} share rank 2", timeout=30000)
        assert store.rankings() == [], "a tie was stored before it was confirmed"
        page.screenshot(path=str(ARTIFACTS / "ranking-tie-question.png"))
        page.click("#cancel-tie")  # "No": the question goes and the form stays as it was
        expect(page.locator("#tie-question").first).to_be_hidden()
        page.click("#submit")
        expect(page.locator("#tie-question").first).to_be_visible(timeout=30000)
        server_calls = []
        page.on("request", lambda r: server_calls.append(r.url) if "/gradio_api/" in r.url else None)
        other = next(i for i in range(3) if i != best)
        choose(page, f"rank-{other}", "3")  # the question was about the ranks as they were: a change withdraws it
        expect(page.locator("#tie-question").first).to_be_hidden()
        assert server_calls == [], "picking a rank called the server"
        choose(page, f"rank-{other}", "2")
        page.click("#submit")
        expect(page.locator("#tie-text")).to_contain_text(f"Replies {tied} share rank 2", timeout=30000)
        assert store.rankings() == []
        page.click("#confirm-tie")
        expect(page.locator("#conversation textarea")).to_have_value("Client: Work has been piling up.", timeout=30000)
        expect(page.get_by_text("Saved. The next item is below.")).to_be_visible()
        expect(page.locator("#whoami")).to_be_in_viewport()  # scrolled back to the top, to the next item
        expect(page.locator("#slot-2")).to_be_hidden()
        choose(page, "rank-0", "1")
        choose(page, "rank-1", "2")
        page.click("#submit")
        expect(page.locator("#conversation textarea")).to_have_value("Client: I can't switch off at night.")
        expect(page.locator("#rank-0 input")).to_have_value("")  # a fresh form for the next item...
        expect(page.locator("#slot-2")).to_be_hidden()  # ...with its two replies
        page.click("#rank-0 input")
        expect(page.locator("#rank-0").get_by_role("option")).to_have_count(2)  # ranks 1 and 2
        expect(page.locator("#rank-0").get_by_role("option", name="2", exact=True)).to_be_visible()
        browser.close()

    ranking, second_ranking = store.rankings()
    assert sorted(e.rank for e in second_ranking["entries"].values()) == [1, 2]
    by_text = {c.text: ranking["entries"][c.id] for c in store.candidates(1)}
    assert by_text["That sounds lonely. What has that been like?"].rank == 1
    assert by_text["Cheer up."].rank == by_text["Just get over it."].rank == 2
    assert by_text["Just get over it."].unsafe and not by_text["Cheer up."].unsafe


def test_rank_with_the_keyboard_then_admin_sees_progress(app_url):
    from playwright.sync_api import sync_playwright

    store, url = app_url
    with sync_playwright() as p:
        browser, page = open_logged_in(p, url, "dana")
        expect(page.locator("#reply-0 textarea")).not_to_have_value("", timeout=30000)
        replies = [page.input_value(f"#reply-{i} textarea") for i in range(3)]
        expect(page.locator("#tie-question").first).to_be_hidden()  # no question asked yet
        letters = "abc"
        best, cheer, unsafe = (letters[replies.index(t)] for t in (BEST, "Cheer up.", "Just get over it."))
        page.evaluate("document.activeElement.blur()")  # nothing focused, as after reading the replies
        for key in (best, cheer, unsafe.upper(), "u", unsafe):  # best, next, the last tied with it, a flag
            page.keyboard.press(key)
        expect(page.locator(f"#unsafe-{letters.index(unsafe)} input")).to_be_checked()
        expect(page.locator(f"#rank-{letters.index(unsafe)} input")).to_have_value("2")
        page.keyboard.press("Enter")
        expect(page.locator("#tie-text")).to_contain_text("share rank 2", timeout=30000)
        page.keyboard.press("Enter")  # yes, a tie
        page.wait_for_selector("text=Nothing left to rank", timeout=30000)
        expect(page.locator("#whoami")).to_contain_text("Logged in as dana")
        expect(page.get_by_role("tab", name="Admin")).to_have_count(0)  # an annotator sees no Admin tab
        browser.close()

        browser, page = open_logged_in(p, url, "boss")
        expect(page.locator("#whoami")).to_contain_text("Logged in as boss", timeout=30000)
        page.get_by_role("tab", name="Admin").click()
        page.click("#admin-refresh")
        page.wait_for_selector("#admin-annotators :text('dana')", timeout=30000)
        page.wait_for_selector("text=Krippendorff's alpha")
        # Vega draws the chart: a CSP without 'unsafe-eval' left it blank, with no error anywhere.
        expect(page.locator("#admin-plot canvas, #admin-plot svg").first).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "admin-page.png"), full_page=True)
        browser.close()

    [ranking] = store.rankings()
    by_text = {c.text: ranking["entries"][c.id] for c in store.candidates(1)}
    assert by_text[BEST].rank == 1 and by_text["Cheer up."].rank == by_text["Just get over it."].rank == 2
    assert by_text["Just get over it."].unsafe and not by_text["Cheer up."].unsafe


def test_an_incomplete_form_shows_each_problem_once_under_its_reply_and_keeps_what_was_entered(app_url):
    """An incomplete submit covered the page with about 30 red "Error" boxes saying "missing for reply 1, 2, 3"
    while the replies are labelled A-C, and reloading to recover lost what was entered (issue #12)."""
    from playwright.sync_api import sync_playwright

    store, url = app_url
    with sync_playwright() as p:
        browser, page = open_logged_in(p, url, "dana")
        page.set_viewport_size({"width": 1280, "height": 800})
        expect(page.locator("#reply-2 textarea")).not_to_have_value("", timeout=30000)
        choose(page, "rank-0", "1")
        page.check("#unsafe-1 input")
        page.fill("#rationale textarea", "half done")
        page.click("#submit")
        for slot in (1, 2):
            expect(page.locator(f"#error-{slot}")).to_have_text("Needs a rank.", timeout=30000)
        expect(page.locator("#error-0")).to_be_hidden()
        assert page.get_by_text("Needs a rank").count() == 2, "each problem is shown once, under its reply"
        expect(page.get_by_text("Error", exact=True)).to_have_count(0)
        expect(page.locator("#form-error")).to_have_text("Not saved: see the marks under reply B, C.")
        expect(page.locator(".toast-body")).to_have_count(0)  # no toast over the replies
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ranking-incomplete.png"))
        # Nothing entered is lost, and nothing is stored.
        expect(page.locator("#rank-0 input")).to_have_value("1")
        expect(page.locator("#unsafe-1 input")).to_be_checked()
        expect(page.locator("#rationale textarea")).to_have_value("half done")
        assert store.rankings() == []

        choose(page, "rank-1", "2")
        choose(page, "rank-2", "3")
        page.click("#submit")
        page.wait_for_selector("text=Nothing left to rank", timeout=30000)
        expect(page.locator(".reply-error:visible")).to_have_count(0)
        browser.close()
    [ranking] = store.rankings()
    assert sum(e.unsafe for e in ranking["entries"].values()) == 1
    with store.session() as session:
        assert session.scalars(select(Ranking.rationale)).all() == ["half done"]


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_the_client_message_stays_in_view_beside_the_replies(app_url, width, height):
    """At 1280x900 the client message and four replies could not be seen together, and reply text could not
    be selected (issue #12). The replies sit side by side; the conversation stays in view while scrolling."""
    from playwright.sync_api import sync_playwright

    store, url = app_url
    store.add_candidates(1, ["What would help most right now?"], source="m2")  # four replies
    with sync_playwright() as p:
        browser, page = open_logged_in(p, url, "dana")
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("#reply-3 textarea")).not_to_have_value("", timeout=30000)
        page.evaluate("document.activeElement.blur()")
        for element in ("#conversation textarea", *(f"#reply-{i} textarea" for i in range(4))):
            expect(page.locator(element)).to_be_in_viewport()
        first, second = (page.locator(f"#reply-{i}").bounding_box() for i in (0, 1))
        assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"], "side by side"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"ranking-{width}x{height}.png"))

        page.locator("#submit").scroll_into_view_if_needed()
        expect(page.locator("#conversation textarea")).to_be_in_viewport()  # still beside the form

        reply = page.locator("#reply-1 textarea")  # read-only, yet its text can be selected with the mouse
        box = reply.bounding_box()
        page.mouse.move(box["x"] + 8, box["y"] + 14)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] - 8, box["y"] + 14)
        page.mouse.up()
        selected = page.evaluate("window.getSelection().toString()")
        assert len(selected) > 5 and selected in reply.input_value(), selected
        browser.close()


def browser_storage(page) -> str:
    """Everything the page's origin keeps in localStorage and sessionStorage, keys and values, as one string."""
    return page.evaluate(
        """() => JSON.stringify([localStorage, sessionStorage].map(
            (store) => Object.keys(store).map((key) => [key, store.getItem(key)])))"""
    )


def test_the_browser_keeps_no_clinical_text_after_ranking_or_logout(app_url):
    """Gradio's run history wrote every submit's inputs and outputs (the rationale, the next client message and
    its replies) to localStorage, kept them after logout, and linked to them from the footer (issue #12).
    This runs under the app's content security policy, and nothing may be blocked by it."""
    from playwright.sync_api import sync_playwright

    store, url = app_url
    rationale = "the first reply names the loneliness"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        blocked = []  # the app must work under its own content security policy
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(url)
        page.fill("input[type=text]", "dana")
        page.fill("input[type=password]", PASSWORD)
        page.click("button:has-text('Login')")
        expect(page.locator("#reply-2 textarea")).not_to_have_value("", timeout=30000)
        for i in range(3):
            choose(page, f"rank-{i}", str(i + 1))
        page.fill("#rationale textarea", rationale)
        page.click("#submit")
        page.wait_for_selector("text=Nothing left to rank", timeout=30000)
        clinical = ["I feel alone", BEST, "Cheer up.", "Just get over it.", rationale]
        kept = browser_storage(page)
        assert not [text for text in clinical if text in kept], "clinical text left in browser storage"
        footer_links = page.eval_on_selector_all("footer a, footer button", "els => els.map(e => e.textContent)")
        assert not [t for t in footer_links if "API" in t or "Settings" in t], footer_links
        assert page.request.get(url + "gradio_api/runs").status != 200, "the run-history page is served"

        page.click("#logout")  # the page's button: a POST
        page.wait_for_selector("input[type=password]", timeout=30000)
        assert page.request.get(url + "config").status == 401, "logged out"
        kept = browser_storage(page)
        assert not [text for text in clinical if text in kept], "clinical text left in browser storage after logout"
        browser.close()
    assert not blocked, blocked
    assert len(store.rankings()) == 1


def test_a_locked_out_login_says_for_how_long(app_url):
    """Gradio's login page said only "Incorrect credentials", even when an account was locked (issue #12)."""
    from playwright.sync_api import sync_playwright

    _, url = app_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        for attempt in range(6):  # the sixth comes after five failures: locked
            page.fill("input[type=text]", "dana")
            page.fill("input[type=password]", "not the password" if attempt < 5 else PASSWORD)
            with page.expect_response(lambda r: r.url.rstrip("/").endswith("/login")) as answer:
                page.click("button:has-text('Login')")
            assert answer.value.status == (400 if attempt < 5 else 429)
        expect(page.get_by_role("alert")).to_contain_text("Try again in 5 minutes")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "login-locked.png"))
        browser.close()

"""The ranking app served for real on loopback, driven over HTTP with gradio_client, on each store backend."""

import socket

import httpx
import pytest

from annotate.app import launch
from annotate.labeling import LabelSettings
from annotate.store import RankingStore

PASSWORD = "long enough pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(module_store_url):
    store = RankingStore(module_store_url)
    for p in range(3):
        prompt_id = store.add_prompt(f"p{p}", [{"role": "user", "content": f"client message {p}"}])
        store.add_candidates(prompt_id, [f"reply {p}.{c}" for c in range(3)], source="m")
    store.add_annotator("ann", PASSWORD)
    store.add_annotator("boss", PASSWORD, role="admin")
    port = free_port()
    app = launch(store, LabelSettings(annotators_per_item=1, max_failed_logins=3), "127.0.0.1", port, block=False)
    yield store, f"http://127.0.0.1:{port}/"
    app.close()


def client(url, username, password=PASSWORD):
    from gradio_client import Client

    return Client(url, auth=(username, password), verbose=False)


def test_nothing_works_without_login(server):
    _, url = server
    assert httpx.get(url + "config").status_code == 401
    assert httpx.post(url + "gradio_api/call/load_item", json={"data": []}).status_code in (401, 403)
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a bare ValueError/HTTP error
        client(url, "ann", "not the password")


def test_annotator_ranks_through_the_api_and_it_is_stored(server):
    store, url = server
    ann = client(url, "ann")
    shown = ann.predict(api_name="/load_item")
    assert shown[0].startswith("**Progress:**") and "client message" in shown[2]
    # inputs: rationale, then per slot: rank, unsafe, empathy, safety, helpfulness (6 slots)
    form = []
    for rank, unsafe in ((1, False), (2, False), (2, True)):
        form += [str(rank), unsafe, "", "", ""]
    form += [None, False, "", "", ""] * 3
    after = ann.predict("tied the last two", *form, api_name="/submit")
    assert "1 ranked" in after[0]
    [ranking] = [r for r in store.rankings() if r["annotator_id"] == store.annotators()[0].id]
    assert sorted(e.rank for e in ranking["entries"].values()) == [1, 2, 2]
    assert sum(e.unsafe for e in ranking["entries"].values()) == 1


def test_annotator_cannot_open_the_admin_page_but_admin_can(server):
    _, url = server
    with pytest.raises(Exception, match="admins only"):
        client(url, "ann").predict(api_name="/admin")
    headline, people, _plot, _items = client(url, "boss").predict(api_name="/admin")
    assert "Krippendorff's alpha" in headline
    annotator_column = people["headers"].index("annotator")
    assert {row[annotator_column] for row in people["data"]} == {"ann", "boss"}


def test_clinical_text_never_reaches_the_logs(server, caplog, capfd):
    import logging

    caplog.set_level(logging.DEBUG)
    _, url = server
    ann = client(url, "ann")
    shown = ann.predict(api_name="/load_item")
    assert "client message" in shown[2]
    incomplete = ["private rationale text", "1", False, "", "", ""] + [None, False, "", "", ""] * 5
    with pytest.raises(Exception, match="give every reply a rank"):
        ann.predict(*incomplete, api_name="/submit")  # an error path logs too
    complete = ["private rationale text"]
    for rank in (1, 2, 3):
        complete += [str(rank), False, "", "", ""]
    with httpx.Client(base_url=url) as raw:  # what no page sends, straight to the API
        assert raw.post("login", data={"username": "ann", "password": PASSWORD}).status_code == 200
        too_few = raw.post("gradio_api/call/submit", json={"data": [None, "private rationale text", "1"]})
        answer = raw.get(f"gradio_api/call/submit/{too_few.json()['event_id']}").text
        assert "this call needs" in answer and "private rationale" not in answer, "Gradio quoted the inputs back"
    ann.predict(*complete + [None, False, "", "", ""] * 3, api_name="/submit")
    output = capfd.readouterr()
    logged = caplog.text + output.out + output.err
    for clinical in ("client message", "reply 0.", "reply 1.", "reply 2.", "private rationale"):
        assert clinical not in logged
    assert "Traceback" not in logged, "a refused submit is routine: no traceback"


def test_bad_submissions_get_a_clear_error_and_store_nothing(server):
    """An 8 MB rationale, a NUL byte, the text "false" as a flag, a fractional rank: each is refused with an
    error naming the reply by its letter, and the item stays open for a correct submission (issue #12)."""
    store, url = server
    store.add_annotator("carl", PASSWORD)
    prompt_id = store.add_prompt("p-carl", [{"role": "user", "content": "client message for carl"}])
    store.add_candidates(prompt_id, [f"reply carl.{c}" for c in range(3)], source="m")
    carl = client(url, "carl")
    assert "client message" in carl.predict(api_name="/load_item")[2]

    def form(rationale="", flag=False, rank_a="1"):
        values = [rationale, rank_a, flag, "", "", "", "2", False, "", "", "", "3", False, "", "4", ""]
        return values + [None, False, "", "", ""] * 3

    refused = {
        "8 MB rationale": (form(rationale="x" * 8_000_000), "at most 4000 are kept"),
        "NUL in the rationale": (form(rationale="fine\x00text"), "NUL character"),
        '"false" as a flag': (form(flag="false"), "reply A: 'unsafe' must be true or false"),
        "a fractional rank": (form(rank_a="1.5"), "reply A: the rank must be a whole number from 1 to 3"),
        "no rank": (form(rank_a=None), "missing for reply A"),
        "a rating of 9": (form()[:14] + ["9"] + form()[15:], "reply C: the safety rating must be"),
    }
    for case, (values, message) in refused.items():
        with pytest.raises(Exception, match=message):
            carl.predict(*values, api_name="/submit")
        carl_id = next(a.id for a in store.annotators() if a.username == "carl")
        assert not [r for r in store.rankings() if r["annotator_id"] == carl_id], f"{case} was stored"
    after = carl.predict(*form(rationale="a fine reason"), api_name="/submit")
    assert "1 ranked" in after[0]
    [ranking] = [r for r in store.rankings() if r["annotator_id"] == carl_id]
    assert not any(e.unsafe for e in ranking["entries"].values())


def test_every_response_has_security_headers_and_uploads_are_refused(server, tmp_path):
    """No page takes a file, yet Gradio stored a 5 MB upload from any logged-in user; and no response said
    the page may not be framed or type-sniffed (issue #12)."""
    _, url = server
    login_page = httpx.get(url).text
    assert "gradio_api_info" not in login_page and "rationale" not in login_page, "the API's description is public"
    for path in ("", "config", "gradio_api/info"):
        headers = httpx.get(url + path).headers  # the login page and the refusals get them too
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "connect-src 'self'" in headers["content-security-policy"], path
    with httpx.Client(base_url=url) as logged_in:
        assert logged_in.post("login", data={"username": "ann", "password": PASSWORD}).status_code == 200
        assert logged_in.get("config").status_code == 200
        refused = logged_in.post("gradio_api/upload", files={"files": ("notes.txt", b"x" * 5_000_000)})
        assert refused.status_code == 403 and "takes no files" in refused.json()["detail"]


def test_only_a_post_logs_out(server):
    """Gradio logged out on a GET, so any site could log a therapist out with a link or an image (issue #12)."""
    _, url = server
    with httpx.Client(base_url=url) as browser:
        assert browser.post("login", data={"username": "boss", "password": PASSWORD}).status_code == 200
        refused = browser.get("logout")
        assert refused.status_code == 405 and refused.headers["allow"] == "POST"
        assert browser.get("config").status_code == 200, "still logged in"
        assert browser.post("logout").status_code in (200, 302)
        assert browser.get("config").status_code == 401


def test_a_refused_plain_api_call_gets_403_or_400_not_500(server):
    """Gradio answered a plain API call that raised any error with HTTP 500, a permission error included."""
    _, url = server
    with httpx.Client(base_url=url) as annotator:
        assert annotator.post("login", data={"username": "ann", "password": PASSWORD}).status_code == 200
        forbidden = annotator.post("gradio_api/run/admin", json={"data": []})
        assert forbidden.status_code == 403 and "admins only" in forbidden.json()["error"]
        bad = annotator.post("gradio_api/run/skip", json={"data": [None]})
        assert bad.status_code == 400 and "No item to skip" in bad.json()["error"]


def test_the_queue_keeps_no_history_of_events(tmp_path):
    """Gradio's queue would keep the last 10,000 events and summarise them all after every event, for a
    monitoring page this app does not serve: a cost per submit that grows with the server's uptime."""
    store = RankingStore(f"sqlite:///{tmp_path / 'prefs.db'}")
    store.add_annotator("ann", PASSWORD)
    for p in range(2):
        store.add_candidates(store.add_prompt(f"p{p}", [{"role": "user", "content": f"message {p}"}]), ["a", "b"], "m")
    port = free_port()
    app = launch(store, LabelSettings(annotators_per_item=1), "127.0.0.1", port, block=False)
    try:
        ann = client(f"http://127.0.0.1:{port}/", "ann")
        for _ in range(3):
            ann.predict(api_name="/load_item")
        assert len(app._queue.event_analytics) == 1
        assert app._queue.cached_event_analytics_summary == {"functions": {}}, "the events were summarised"
    finally:
        app.close()

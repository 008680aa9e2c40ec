"""Logins to the served ranking app, over real HTTP from two source addresses, on each store backend.

An attacker could lock any therapist out with five requests, spray one password across every account,
and fill the audit log with what they typed as a username (issue #12). The limits count by account and
address together and by address alone, and a refusal says for how long.
"""

import httpx
import pytest

from annotate.app import launch
from annotate.labeling import LabelSettings
from annotate.store import RankingStore
from tests.test_label_server import PASSWORD, free_port

ATTACKER, THERAPIST = "127.0.0.1", "127.0.0.2"  # both loopback: the server sees two source addresses


@pytest.fixture
def server(store_url):
    store = RankingStore(store_url)
    for name in ("dana", "eli"):
        store.add_annotator(name, PASSWORD)
    port = free_port()
    settings = LabelSettings(max_failed_logins=3, lockout_seconds=300)
    app = launch(store, settings, "127.0.0.1", port, block=False)
    yield store, f"http://127.0.0.1:{port}/"
    app.close()


def from_address(address: str, url: str) -> httpx.Client:
    return httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=address))


def log_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("login", data={"username": username, "password": password})


def test_an_attacker_cannot_lock_a_therapist_out_and_is_told_how_long_they_wait(server):
    store, url = server
    with from_address(ATTACKER, url) as attacker, from_address(THERAPIST, url) as therapist:
        for _ in range(3):
            assert log_in(attacker, "dana", "guess guess").status_code == 400
        refused = log_in(attacker, "dana", PASSWORD)
        assert refused.status_code == 429, "locked: even the right password is refused from there"
        assert "Try again in 5 minutes" in refused.json()["detail"] and refused.headers["retry-after"] == "300"
        assert refused.headers["x-frame-options"] == "DENY"
        assert log_in(therapist, "dana", PASSWORD).status_code == 200, "the therapist's own machine still works"
        assert therapist.get("config").status_code == 200
    audited = [e.action for e in store.audit_log() if e.actor == "dana"]
    assert audited == ["login_failed"] * 3 + ["login_refused_locked", "login"]


def test_spraying_one_password_locks_the_address_and_typed_names_are_kept_as_hashes(server):
    store, url = server
    with from_address(ATTACKER, url) as attacker:
        for name in ("dana", "eli", "admin", "root", "x" * 1_000_000, "dana", "eli", "admin", "root", "test", "a", "b"):
            assert log_in(attacker, name, "Winter2026!").status_code in (400, 429)
        assert log_in(attacker, "eli", PASSWORD).status_code == 429, "12 failures from one address lock it"
    with from_address(THERAPIST, url) as therapist:
        assert log_in(therapist, "eli", PASSWORD).status_code == 200
    actors = [e.actor for e in store.audit_log() if e.action.startswith("login")]
    assert max(len(a) for a in actors) == len("unknown-user:") + 16, "no typed name is stored as it was typed"
    assert "root" not in actors and "admin" not in actors

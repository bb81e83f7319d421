"""The web app in a real headless Chromium (Debian's /usr/bin/chromium through Playwright) against a real
uvicorn server on a free port: sign in, portfolio -> account -> hover on the map -> person page; access
denied to another account; a hostile name stays text; a form post without its token is refused."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.store import open_store
from kamgraph.web.app import create_app
from tests.web_support import DAY, HOSTILE, PASSWORD, add_users, build_store

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    tmp = tmp_path_factory.mktemp("web")
    db = build_store(tmp)
    users = tmp / "users.json"
    add_users(users)
    app = create_app(lambda: open_store(db), users_path=users, today=lambda: DAY)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


class _Watch:
    """Console errors, page errors and dialogs (an alert() would mean injected script ran)."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


def _sign_in(browser, server: str, user: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = _Watch(page)
    page.goto(f"{server}/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return context, page, watch


def test_click_through_and_hover_the_map(browser, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context, page, watch = _sign_in(browser, server, "priya")
    page.click("a[href^='/accounts/northwind']")
    page.wait_for_selector("#relmap")
    maya = page.locator("#relmap .node[data-id='st-maya']")
    expected = page.locator("#relmap .tie[data-a='st-maya'], #relmap .tie[data-b='st-maya']").count()
    assert expected > 3
    assert page.locator("#relmap .tie.on").count() == 0
    maya.hover()
    assert page.locator("#relmap .tie.on").count() == expected
    assert "lit" in (page.locator("#relmap").get_attribute("class") or "")
    # a stakeholder's warm path to our team lights up too
    arch = page.locator("#relmap .node[data-id='nw-arch']")
    path = (arch.get_attribute("data-path") or "").split()
    assert path and path[-1] == "nw-arch" and path[0].startswith("st-")
    arch.hover()
    lit = {e.get_attribute("data-id") for e in page.locator("#relmap .node.onpath").element_handles()}
    assert set(path) <= lit
    # the filter dims everyone who is not key
    page.select_option("#map-filter", "key")
    dimmed = page.locator("#relmap .node.stakeholder.dim").count()
    not_key = page.locator("#relmap .node.stakeholder:not(.key)").count()
    assert dimmed == not_key > 0
    page.select_option("#map-filter", "")
    shot = tmp_path / "account.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000
    maya.click()
    page.wait_for_url(f"{server}/people/st-maya*")
    assert page.locator("h1").inner_text().startswith("Maya Lindqvist")
    assert watch.errors == [] and watch.dialogs == []
    context.close()


def test_account_manager_is_refused_other_accounts(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context, page, _watch = _sign_in(browser, server, "priya")
    for path in ["/accounts/helios", "/accounts/helios/xray.json", "/accounts/helios/map.json", "/people/he-cfo"]:
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status in (403, 404), path
    response = page.goto(f"{server}/accounts/northwind")
    assert response is not None and response.status == 200
    # a form post without the CSRF token is refused, with the session cookie sent along
    refused = context.request.post(f"{server}/people/nw-cfo/leave", form={"date": DAY.isoformat()})
    assert refused.status == 403
    context.close()


def test_hostile_name_renders_as_text(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context, page, watch = _sign_in(browser, server, "boss")
    page.goto(f"{server}/accounts/northwind")
    label = page.locator("#relmap .node[data-id='nw-evil'] text")
    assert label.text_content() == HOSTILE
    assert page.locator("img[src=x]").count() == 0
    page.goto(f"{server}/people/nw-evil")
    assert page.locator("h1").inner_text().startswith(HOSTILE)
    page.goto(f"{server}/search?q=onerror")
    assert HOSTILE in page.locator("main").inner_text()
    assert watch.errors == [] and watch.dialogs == []
    context.close()

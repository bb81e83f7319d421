"""The web app over HTTP (Starlette's test client on the real app and a real SQLite file): sign-in, access
rules, CSRF, throttling, headers, escaping, and every number on a page against the CLI's --json."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from cli import cli
from kamgraph.samples.demo import build_demo
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.web.app import SESSION_COOKIE, create_app
from kamgraph.web.relmap import MARKER
from kamgraph.web.routing import clear_of
from kamgraph.web.users import UserFile
from tests.web_support import DAY, HOSTILE, PASSWORD, add_users, build_store, csrf_token, login_token


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = build_store(tmp_path)
    users = tmp_path / "users.json"
    add_users(users)
    return db, users


def _app(site, settings: Settings | None = None):  # type: ignore[no-untyped-def]
    db, users = site
    return create_app(lambda: open_store(db), settings, users_path=users, today=lambda: DAY)


def _client(site, user: str | None = None, settings: Settings | None = None, **kw) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(_app(site, settings), **kw)
    if user:
        r = client.post("/login", data={"username": user, "password": PASSWORD,
                                        "login_token": login_token(client.get("/login").text)},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
    return client


def _priya_accounts() -> set[str]:
    """Independently of the app: the accounts whose team lists st-priya or whose meetings she attended."""
    batch = build_demo(DAY)
    team = {a for s in batch.staff if s.id == "st-priya" for a in s.accounts}
    met = {m.account for m in batch.meetings if "st-priya" in m.attendees}
    return team | met


def test_everything_needs_a_sign_in(site) -> None:  # type: ignore[no-untyped-def]
    client = _client(site)
    for path in ["/", "/accounts/northwind", "/people/nw-cfo", "/alerts", "/search?q=ma"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", path
    for path in ["/accounts/northwind/xray.json", "/accounts/northwind/map.json", "/people/nw-cfo.json"]:
        assert client.get(path).status_code == 401, path


def test_wrong_password_and_throttling(site) -> None:  # type: ignore[no-untyped-def]
    client = _client(site)
    token = login_token(client.get("/login").text)
    for _ in range(5):
        r = client.post("/login", data={"username": "boss", "password": "nope-nope", "login_token": token})
        assert r.status_code == 401
    r = client.post("/login", data={"username": "boss", "password": PASSWORD, "login_token": token},
                    follow_redirects=False)
    assert r.status_code == 429 and SESSION_COOKIE not in r.cookies
    # the sign-in form itself needs its token
    fresh = _client(site)
    fresh.get("/login")
    r = fresh.post("/login", data={"username": "dee", "password": PASSWORD})
    assert r.status_code == 403


def test_cookie_flags_and_security_headers(site) -> None:  # type: ignore[no-untyped-def]
    client = _client(site)
    r = client.post("/login", data={"username": "boss", "password": PASSWORD,
                                    "login_token": login_token(client.get("/login").text)}, follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" not in cookie
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    # no script or style from another host, no inline script
    assert not re.search(r'<script(?![^>]*src="/static/)', client.get("/accounts/northwind").text)
    tls = _client(site, base_url="https://testserver")
    r = tls.post("/login", data={"username": "boss", "password": PASSWORD,
                                 "login_token": login_token(tls.get("/login").text)}, follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "Secure" in cookie


def test_account_manager_sees_only_priyas_accounts(site) -> None:  # type: ignore[no-untyped-def]
    allowed = _priya_accounts()
    assert allowed == {"northwind"}  # the demo's table: Priya Raman is on Northwind only
    client = _client(site, "priya")
    doc = lxml_html.fromstring(client.get("/").text)
    assert {tr.get("data-account") for tr in doc.xpath("//tr[@data-account]")} == allowed
    db, _ = site
    with open_store(db) as store:
        others = [a.id for a in store.list_accounts() if a.id not in allowed]
        outsider = next(p for p in store.list_stakeholders(others))
    assert others
    for account in others:
        for path in [f"/accounts/{account}", f"/accounts/{account}/xray.json", f"/accounts/{account}/map.json",
                     f"/accounts/{account}/whatif?leave={outsider.id}"]:
            assert client.get(path).status_code == 404, path
    assert client.get(f"/people/{outsider.id}").status_code == 404
    assert client.get(f"/people/{outsider.id}.json").status_code == 404
    # a person of a visible account cannot be used to what-if a person of another one
    assert client.get(f"/accounts/northwind/whatif?leave={outsider.id}").status_code == 404
    # forms: recording the departure of, or acknowledging an alert on, another account fails
    csrf = csrf_token(client.get("/").text)
    r = client.post(f"/people/{outsider.id}/leave", data={"csrf": csrf, "date": DAY.isoformat()})
    assert r.status_code == 404
    with open_store(db) as store:
        assert store.get_person(outsider.id).left_on is None
    assert client.post("/alerts/acknowledge", data={"csrf": csrf, "key": f"overdue:{others[0]}:x"}).status_code == 404
    # search finds nobody outside
    found = client.get(f"/search?q={outsider.name[:5]}").text
    assert f"/people/{outsider.id}" not in found
    # the unlinked account manager sees nothing at all
    nolink = _client(site, "nolink")
    assert "data-account" not in nolink.get("/").text
    assert nolink.get("/accounts/northwind").status_code == 404


def test_directors_read_all_but_cannot_record_departures(site) -> None:  # type: ignore[no-untyped-def]
    client = _client(site, "dee")
    doc = lxml_html.fromstring(client.get("/").text)
    db, _ = site
    with open_store(db) as store:
        assert {tr.get("data-account") for tr in doc.xpath("//tr[@data-account]")} == \
            {a.id for a in store.list_accounts()}
    csrf = csrf_token(client.get("/").text)
    assert client.post("/people/nw-cfo/leave", data={"csrf": csrf, "date": DAY.isoformat()}).status_code == 403


def _cli_json(runner, db: str, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = runner.invoke(cli, ["--store", db, *args, "--as-of", DAY.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _figures(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {el.get("data-figure"): el for el in doc.xpath(".//*[@data-figure]")}


def test_account_page_numbers_equal_the_cli_json(site, runner) -> None:  # type: ignore[no-untyped-def]
    db, _ = site
    expected = _cli_json(runner, db, "xray", "northwind")
    client = _client(site, "priya")
    doc = lxml_html.fromstring(client.get("/accounts/northwind").text)
    figures = _figures(doc)
    summary = expected["summary"]
    checked = 0
    for name, el in figures.items():
        section, _, field = name.partition(".")
        if section != "summary":
            continue
        value = summary[field]
        assert el.get("data-value") == str(value), name
        shown = el.text_content().strip()
        if isinstance(value, float) and field in ("coverage", "key_coverage", "weighted_coverage", "reachable",
                                                  "concentration"):
            assert shown == f"{value * 100:.0f}%", name
        elif isinstance(value, float):
            assert float(shown) == pytest.approx(value, abs=0.051), name
        else:
            assert shown == str(value), name
        checked += 1
    assert checked >= 14
    assert float(figures["fragility.index"].get("data-value")) == expected["fragility"]["index"]
    for row in expected["fragility"]["people"][:15]:
        assert float(figures[f"fragility.share.{row['id']}"].get("data-value")) == row["share"]
    for row in expected["bridges"]["betweenness"]:
        assert float(figures[f"bridges.betweenness.{row['id']}"].get("data-value")) == row["value"]
    # the JSON endpoint is the CLI's --json
    assert client.get("/accounts/northwind/xray.json").json() == expected
    # ranked actions in the CLI's order
    ranks = [li.xpath("string(strong)") for li in doc.xpath("//section[@class='actions']//li")]
    assert ranks == [a["title"] for a in expected["actions"]]


def test_whatif_and_portfolio_equal_the_cli_json(site, runner) -> None:  # type: ignore[no-untyped-def]
    db, _ = site
    client = _client(site, "boss")
    expected = _cli_json(runner, db, "whatif", "northwind", "--leave", "st-maya")
    assert client.get("/accounts/northwind/whatif?leave=st-maya&format=json").json() == expected
    doc = lxml_html.fromstring(client.get("/accounts/northwind/whatif?leave=st-maya").text)
    figures = _figures(doc)
    for change in expected["changes"]:
        assert figures[f"whatif.after.{change['figure']}"].get("data-value") == str(change["after"])
    table = _cli_json(runner, db, "portfolio")
    doc = lxml_html.fromstring(client.get("/").text)
    rows = {tr.get("data-account"): _figures(tr) for tr in doc.xpath("//tr[@data-account]")}
    assert list(rows) == [r["account"] for r in table["rows"]]  # same order (by score)
    for row in table["rows"]:
        for field in ("score", "coverage", "key_coverage", "fragility_index", "health", "overdue_key", "tier", "stage"):
            assert rows[row["account"]][field].get("data-value") == str(row[field]), (row["account"], field)
    # the health change since last quarter is the difference of the two CLI runs
    before = runner.invoke(cli, ["--store", db, "portfolio", "--json", "--as-of", "2025-03-02"])
    old = {r["account"]: r["health"] for r in json.loads(before.output)["rows"]}
    for row in table["rows"]:
        assert float(rows[row["account"]]["health_change"].get("data-value")) == \
            pytest.approx(row["health"] - old[row["account"]], abs=1e-6)


def test_departure_form_needs_csrf_and_clears_the_cache(site, runner) -> None:  # type: ignore[no-untyped-def]
    db, _ = site
    client = _client(site, "priya")
    before = _figures(lxml_html.fromstring(client.get("/accounts/northwind").text))["summary.health"].get("data-value")
    r = client.post("/people/nw-arch/leave", data={"date": DAY.isoformat()})
    assert r.status_code == 403
    r = client.post("/people/nw-arch/leave", data={"date": DAY.isoformat(), "csrf": "forged"})
    assert r.status_code == 403
    with open_store(db) as store:
        assert store.get_person("nw-arch").left_on is None
    csrf = csrf_token(client.get("/people/nw-arch").text)
    r = client.post("/people/nw-arch/leave", data={"date": DAY.isoformat(), "csrf": csrf})
    assert r.status_code == 200 and "left on" in r.text
    with open_store(db) as store:
        assert store.get_person("nw-arch").left_on == DAY
    after = _figures(lxml_html.fromstring(client.get("/accounts/northwind").text))["summary.health"].get("data-value")
    expected = _cli_json(runner, db, "xray", "northwind")["summary"]["health"]
    assert after == str(expected) and after != before


def test_alert_acknowledgement(site, runner) -> None:  # type: ignore[no-untyped-def]
    db, _ = site
    result = runner.invoke(cli, ["--store", db, "alerts", "--as-of", DAY.isoformat(), "--json"])
    raised = json.loads(result.output)["new"]
    northwind = [a for a in raised if a["account"] == "northwind"]
    assert northwind
    client = _client(site, "priya")
    doc = lxml_html.fromstring(client.get("/alerts").text)
    new_keys = [tr.get("data-key") for tr in doc.xpath("//section[@id='new']//tr[@data-key]")]
    assert sorted(new_keys) == sorted(a["key"] for a in northwind)  # only Priya's account
    key = new_keys[0]
    assert client.post("/alerts/acknowledge", data={"key": key}).status_code == 403
    csrf = csrf_token(client.get("/alerts").text)
    assert client.post("/alerts/acknowledge", data={"key": key, "csrf": csrf}).status_code == 200
    doc = lxml_html.fromstring(client.get("/alerts").text)
    assert key not in [tr.get("data-key") for tr in doc.xpath("//section[@id='new']//tr[@data-key]")]
    assert key in [tr.get("data-key") for tr in doc.xpath("//section[@id='ongoing']//tr[@data-key]")]


def test_names_are_escaped(site) -> None:  # type: ignore[no-untyped-def]
    client = _client(site, "boss")
    for path in ["/accounts/northwind", "/people/nw-evil", "/search?q=img", "/people/st-maya"]:
        text = client.get(path).text
        assert HOSTILE not in text and "<b>bold</b>" not in text and "<script>x</script>" not in text, path
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/accounts/northwind").text


def test_password_change_and_removal_end_sessions(site) -> None:  # type: ignore[no-untyped-def]
    _, users = site
    client = _client(site, "dee")
    assert client.get("/", follow_redirects=False).status_code == 200
    UserFile(users).set_password("dee", "another long one")
    assert client.get("/", follow_redirects=False).status_code == 303
    client = _client(site, "boss")
    UserFile(users).remove("boss")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_trusted_header_sign_in_is_off_by_default(site) -> None:  # type: ignore[no-untyped-def]
    plain = _client(site)
    assert plain.get("/", headers={"X-Forwarded-User": "boss"}, follow_redirects=False).status_code == 303
    settings = Settings.model_validate({"web": {"trusted_header": "X-Forwarded-User",
                                                "trusted_proxies": ["testclient"]}})
    proxied = _client(site, settings=settings)
    assert proxied.get("/", headers={"X-Forwarded-User": "priya"}).status_code == 200
    assert proxied.get("/accounts/helios", headers={"X-Forwarded-User": "priya"}).status_code == 404
    assert proxied.get("/", headers={"X-Forwarded-User": "stranger"}, follow_redirects=False).status_code == 303
    other = Settings.model_validate({"web": {"trusted_header": "X-Forwarded-User", "trusted_proxies": ["10.0.0.1"]}})
    assert _client(site, settings=other).get("/", headers={"X-Forwarded-User": "boss"},
                                             follow_redirects=False).status_code == 303


def test_map_lines_keep_clear_of_other_markers(site) -> None:  # type: ignore[no-untyped-def]
    client = _client(site, "boss")
    data = client.get("/accounts/northwind/map.json").json()
    where = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert len(data["lines"]) >= 40
    for line in data["lines"]:
        others = [p for pid, p in where.items() if pid not in (line["a"], line["b"])]
        points = [tuple(p) for p in line["points"]]
        assert points[0] == where[line["a"]] and points[-1] == where[line["b"]]
        assert clear_of(points, others, MARKER / 2), line
        # orthogonal apart from the short stubs into the markers
        for (x0, y0), (x1, y1) in itertools.pairwise(points[1:-1]):
            assert abs(x0 - x1) < 1e-6 or abs(y0 - y1) < 1e-6
    # every thread of the X-ray is drawn
    xray = client.get("/accounts/northwind/xray.json").json()
    threads = {(t["staff"], s["id"]) for s in xray["stakeholders"] for t in s["threads"]}
    drawn = {(line["a"], line["b"]) for line in data["lines"] if line["kind"] == "thread"}
    assert threads == drawn


def test_user_commands(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    db = build_store(tmp_path)
    r = runner.invoke(cli, ["--store", db, "user", "add", "ana", "--role", "account_manager", "--staff", "st-priya"],
                      input="s3cret-enough\ns3cret-enough\n")
    assert r.exit_code == 0, r.output
    text = (tmp_path / "kamgraph-users.json").read_text()
    assert "s3cret-enough" not in text and "$argon2id$" in text
    assert (tmp_path / "kamgraph-users.json").stat().st_mode & 0o077 == 0
    listed = runner.invoke(cli, ["--store", db, "user", "list", "--json"])
    assert json.loads(listed.output) == [{"name": "ana", "role": "account_manager", "staff": "st-priya"}]
    bad = runner.invoke(cli, ["--store", db, "user", "add", "bob", "--role", "account_manager", "--staff", "nw-cfo"],
                        input="s3cret-enough\ns3cret-enough\n")
    assert bad.exit_code == 2 and "not one of our staff" in bad.output
    short = runner.invoke(cli, ["--store", db, "user", "add", "bob", "--role", "admin"], input="short\nshort\n")
    assert short.exit_code == 2 and "8 characters" in short.output
    changed = runner.invoke(cli, ["--store", db, "user", "passwd", "ana"], input="new-secret-1\nnew-secret-1\n")
    assert changed.exit_code == 0
    assert UserFile(tmp_path / "kamgraph-users.json").verify("ana", "new-secret-1") is not None
    assert runner.invoke(cli, ["--store", db, "user", "remove", "ana"]).exit_code == 0
    assert runner.invoke(cli, ["--store", db, "user", "remove", "ana"]).exit_code != 0
    # serve refuses to start without users (one line, exit 2), and has no password option anywhere
    r = runner.invoke(cli, ["--store", db, "serve"])
    assert r.exit_code == 2 and "no users yet" in r.output
    assert "--password" not in runner.invoke(cli, ["user", "add", "--help"]).output


@pytest.mark.bolt
def test_the_same_pages_over_neo4j(site, bolt, bolt_database) -> None:  # type: ignore[no-untyped-def]
    """The app over the real Bolt test server: the same X-ray JSON as over SQLite, the same access rules."""
    from kamgraph.store.transfer import copy_store

    db, users = site
    with open_store(db) as source, bolt.open(bolt_database) as target:
        copy_store(source, target)
    over_sqlite = _client(site, "priya").get("/accounts/northwind/xray.json").json()
    app = create_app(lambda: bolt.open(bolt_database), users_path=users, today=lambda: DAY)
    client = TestClient(app)
    r = client.post("/login", data={"username": "priya", "password": PASSWORD,
                                    "login_token": login_token(client.get("/login").text)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/accounts/northwind/xray.json").json() == over_sqlite
    assert client.get("/accounts/northwind").status_code == 200
    assert client.get("/accounts/helios").status_code == 404
    assert client.get("/accounts/helios/map.json").status_code == 404


def test_warm_up_fills_the_portfolio_cache_and_pages_reuse_it(site) -> None:  # type: ignore[no-untyped-def]
    import time

    db, users = site
    app = create_app(lambda: open_store(db), users_path=users, today=lambda: DAY, warm=True)
    reports = app.state.web.reports
    with open_store(db) as store:
        total = len(store.list_accounts())
    deadline = time.monotonic() + 60
    while reports.stats()["rows"] < total and time.monotonic() < deadline:
        time.sleep(0.1)
    assert reports.stats()["rows"] == total
    client = TestClient(app)
    client.post("/login", data={"username": "boss", "password": PASSWORD,
                                "login_token": login_token(client.get("/login").text)})
    client.get("/accounts/northwind")
    computed = reports.stats()["computed"]
    client.get("/accounts/northwind")
    client.get("/accounts/northwind/map.json")
    assert reports.stats()["computed"] == computed == 1  # one analysis for every later read of that account


def test_stale_portfolio_rows_are_served_while_they_are_recomputed(site) -> None:  # type: ignore[no-untyped-def]
    from kamgraph.web.service import Reports

    db, _ = site
    now = [0.0]
    reports = Reports(lambda: open_store(db), Settings(), clock=lambda: now[0])
    ids = reports.account_ids()
    first = reports.portfolio_rows(ids, DAY)
    assert reports.row_builds == len(ids) == len(first)
    assert reports.portfolio_rows(ids, DAY) == first and reports.row_builds == len(ids)  # cached
    now[0] = Settings().web.cache_seconds + 1  # stale: served as they are, recomputed in the background
    assert reports.portfolio_rows(ids, DAY) == first
    reports._refreshing.join(timeout=60)  # type: ignore[union-attr]
    assert reports.row_builds == 2 * len(ids)
    reports.invalidate(["northwind"])  # a write drops the account's row: computed again at once
    again = reports.portfolio_rows(ids, DAY)
    assert reports.row_builds == 2 * len(ids) + 1 and again == first
    reports.close()

"""The kamgraph web app: a Starlette ASGI application over one store (``kamgraph serve`` runs it with uvicorn).

Every page is rendered on the server (Jinja2, autoescaping on) and reads without JavaScript; one small
script of ours (``static/map.js``) makes the relationship map interactive. Nothing is loaded from another
host (see :data:`kamgraph.web.security.CSP`).

Access is denied by default: every route but ``/login`` and ``/static`` needs a signed-in user, and every
account- or person-scoped route checks :class:`kamgraph.web.access.Access` on the server. An account or
person the user may not see answers 404, exactly like one that does not exist, for HTML and JSON alike.

Routes: ``/`` portfolio, ``/accounts/ID`` (``/xray.json``, ``/map.json``, ``/whatif?leave=PERSON``),
``/people/ID`` (``.json``; ``POST /people/ID/leave`` records a departure), ``/alerts`` (``POST
/alerts/acknowledge``), ``/search?q=``, ``/login``, ``/logout``. Every page and JSON route takes
``?as_of=YYYY-MM-DD`` (default today).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..domain.models import Staff, Stakeholder
from ..errors import InputError, KamgraphError, NotFoundError
from ..settings import Settings
from ..store.base import GraphStore
from ..views.formatting import printable
from .access import Access, access_for
from .acks import Acknowledgements
from .security import SecurityHeaders, Throttle, csrf_ok, load_secret, new_token
from .service import Reports
from .users import User, UserFile

__all__ = ["create_app", "SESSION_COOKIE"]

SESSION_COOKIE = "kamgraph_session"
_PRE_COOKIE = "kamgraph_login"
_STATIC = Path(__file__).parent / "static"


def _fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _fmt_num(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def _heat(value: float, top: float) -> str:
    """A heat class h0..h5 for the matrix (classes, not inline styles: the CSP forbids those)."""
    if value <= 0 or top <= 0:
        return "h0"
    return f"h{min(5, 1 + int(4.999 * value / top))}"


def _segment(value: object) -> str:
    """An id as one URL path segment: ``/``, ``?``, ``#``, ``%`` and spaces percent-encoded (ids may hold them),
    the characters RFC 3986 allows in a segment (``@``, ``:``, the sub-delimiters) kept as they are.

    Examples
    --------
    >>> _segment("kim@ourco.example"), _segment("c#1/2? 50%")
    ('kim@ourco.example', 'c%231%2F2%3F%2050%25')
    """
    from urllib.parse import quote

    return quote(str(value), safe="@:!$&'()*+,;=")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("kamgraph.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True, finalize=printable)  # names lose their bidi controls
    env.filters["pct"] = _fmt_pct
    env.filters["num"] = _fmt_num
    env.filters["segment"] = _segment  # ids in link paths
    env.globals["heat"] = _heat
    return env


class _Web:
    """The state of one app: settings, users, reports cache, session signer, throttle."""

    def __init__(self, open_store: Callable[[], GraphStore], settings: Settings, users_path: Path,
                 today: Callable[[], dt.date]) -> None:
        self.settings = settings
        self.users = UserFile(users_path)
        self.acks = Acknowledgements(users_path.with_name(users_path.stem + "-acks.json"))
        self.reports = Reports(open_store, settings)
        secret = load_secret(users_path.with_name(users_path.name + ".key"))
        self.secret = secret
        self.signer = URLSafeTimedSerializer(secret, salt="kamgraph-session")
        self.pre_signer = URLSafeTimedSerializer(secret, salt="kamgraph-login")
        web = settings.web
        self.throttle = Throttle(web.login_attempts, web.login_window_seconds)
        self.max_age = int(web.session_hours * 3600)
        self.proxies = tuple(web.trusted_proxies)
        self.env = _environment()
        self.today = today

    # -- who is asking ---------------------------------------------------------------
    def session(self, request: Request) -> tuple[User, str] | None:
        """The signed-in user and their CSRF token, or None."""
        header = self.settings.web.trusted_header
        if header and request.client and request.client.host in self.settings.web.trusted_proxies:
            name = request.headers.get(header)
            if name:
                user = self.users.get(name.strip())
                if user is None:
                    return None
                token = hmac.new(self.secret, f"csrf:{user.name}".encode(), hashlib.sha256).hexdigest()
                return user, token
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        user = self.users.get(str(data.get("u", "")))
        if user is None or not hmac.compare_digest(str(data.get("s", "")), self.stamp(user)):
            return None
        return user, str(data.get("c", ""))

    def stamp(self, user: User) -> str:
        """A keyed digest of the password hash: changes with the password, reveals nothing of the hash."""
        return hmac.new(self.secret, f"stamp:{user.password_hash}".encode(), hashlib.sha256).hexdigest()[:24]

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status_code)


class _Context:
    """One request's signed-in user, access, CSRF token and date."""

    def __init__(self, web: _Web, request: Request, user: User, csrf: str) -> None:
        self.web, self.request, self.user, self.csrf = web, request, user, csrf
        self._access: Access | None = None
        text = request.query_params.get("as_of")
        if text:
            try:
                self.as_of = dt.date.fromisoformat(text)
            except ValueError:
                raise HTTPException(400, "as_of: expected YYYY-MM-DD") from None
        else:
            self.as_of = web.today()

    @property
    def access(self) -> Access:
        if self._access is None:
            self._access = access_for(self.user, self.web.reports.store)
        return self._access

    def page(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return self.web.render(self.request, template, status_code, user=self.user, csrf=self.csrf, as_of=self.as_of,
                               **context)

    def account_or_404(self, account_id: str) -> str:
        """The account id when the user may see it (and it exists); 404 otherwise, alike."""
        if not self.access.account(account_id):
            raise HTTPException(404, "no such account")
        try:
            self.web.reports.store.get_account(account_id)
        except NotFoundError:
            raise HTTPException(404, "no such account") from None
        return account_id

    def person_or_404(self, person_id: str) -> Stakeholder | Staff:
        """The person when the user may see them; 404 otherwise, alike."""
        try:
            person = self.web.reports.store.get_person(person_id)
        except NotFoundError:
            raise HTTPException(404, "no such person") from None
        extra = None
        if isinstance(person, Staff) and not self.access.sees_all and person.id != self.access.staff:
            extra = {m.account for m in self.web.reports.store.person_meetings(person.id) if m.account}
        if not self.access.person(person, extra):
            raise HTTPException(404, "no such person")
        return person

    def check_csrf(self, form: Any) -> None:
        if not csrf_ok(self.csrf, form.get("csrf")):
            raise HTTPException(403, "the form is missing its security token; reload the page and try again")


def create_app(open_store: Callable[[], GraphStore], settings: Settings | None = None, *,
               users_path: str | Path, today: Callable[[], dt.date] = dt.date.today,
               warm: bool = False) -> Starlette:
    """The ASGI app over the store ``open_store()`` opens (called once per worker thread).

    Parameters
    ----------
    open_store : callable
        Returns a new store connection, e.g. ``lambda: kamgraph.store.open_store(url)``.
    settings : Settings, optional
        The analysis settings and the ``[web]`` section.
    users_path : path
        The users file (:mod:`kamgraph.web.users`); its session key and acknowledgements sit beside it.
    today : callable
        The default as-of date.
    warm : bool
        Compute today's portfolio rows in a background thread at start, so that the first visitor of a big
        store does not wait for every account's analysis.
    """
    web = _Web(open_store, settings or Settings(), Path(users_path), today)
    if warm:
        import threading

        def warm_up() -> None:
            with contextlib.suppress(KamgraphError):  # the first request will report the problem
                web.reports.portfolio_rows(web.reports.account_ids(), today())

        threading.Thread(target=web.reports.run_in_own_thread, args=(warm_up,), name="kamgraph-warm-up",
                         daemon=True).start()

    def signed_in(handler: Callable[[_Context], Response]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            found = web.session(request)
            if found is None:
                if request.url.path.endswith(".json"):
                    return JSONResponse({"error": "sign in first"}, status_code=401)
                return RedirectResponse("/login", status_code=303)
            ctx = _Context(web, request, *found)
            if request.method == "POST":
                form = await request.form()
                ctx.form = form  # type: ignore[attr-defined]
                ctx.check_csrf(form)
            from starlette.concurrency import run_in_threadpool

            return await run_in_threadpool(handler, ctx)
        return endpoint

    # ------------------------------------------------------------------ sign-in
    async def login_page(request: Request) -> Response:
        token = new_token()
        response = web.render(request, "login.html", error=None, login_token=token)
        _set_cookie(response, request, _PRE_COOKIE, web.pre_signer.dumps(token), 900, web.proxies)
        return response

    async def login(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        client = request.client.host if request.client else "?"
        try:
            expected = web.pre_signer.loads(request.cookies.get(_PRE_COOKIE, ""), max_age=900)
        except BadSignature:
            expected = None
        if not csrf_ok(expected, str(form.get("login_token", ""))):
            raise HTTPException(403, "the sign-in form expired; reload the page and try again")
        keys = (f"user:{name.casefold()}", f"ip:{client}")
        if web.throttle.blocked(*keys):
            response = web.render(request, "login.html", 429, error="Too many failed attempts; wait a few minutes.",
                                  login_token=expected)
            response.headers["Retry-After"] = str(web.settings.web.login_window_seconds)
            return response
        from starlette.concurrency import run_in_threadpool

        user = await run_in_threadpool(web.users.verify, name, password)
        if user is None:
            web.throttle.fail(*keys)
            return web.render(request, "login.html", 401, error="Wrong user name or password.", login_token=expected)
        web.throttle.reset(keys[0])
        response = RedirectResponse("/", status_code=303)
        value = web.signer.dumps({"u": user.name, "s": web.stamp(user), "c": new_token()})
        _set_cookie(response, request, SESSION_COOKIE, value, web.max_age, web.proxies)
        response.delete_cookie(_PRE_COOKIE, path="/")
        return response

    def logout(ctx: _Context) -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ------------------------------------------------------------------ pages
    def portfolio(ctx: _Context) -> Response:
        ids = ctx.access.filter(web.reports.account_ids())
        rows = web.reports.portfolio_rows(ids, ctx.as_of)
        before = {r.account: r for r in web.reports.portfolio_rows(ids, ctx.as_of - dt.timedelta(days=91))}
        sort = ctx.request.query_params.get("sort", "score")
        from ..portfolio.table import SORT_KEYS

        if sort not in SORT_KEYS:
            sort = "score"
        from ..portfolio.table import sort_rows  # the CLI's own ordering

        sort_rows(rows, sort, web.settings.portfolio.tiers)
        change = {a: round(r.health - before[a].health, 6) for a, r in ((r.account, r) for r in rows) if a in before}
        return ctx.page("portfolio.html", rows=rows, change=change, sort=sort, sort_keys=list(SORT_KEYS))

    def account_body(figures: Any, flt: str, whatif_result: Any = None) -> Markup:
        """The account page's content (the same for every user who may see it): cached per filter."""
        key = f"body:{flt}"
        if whatif_result is None and key in figures.fragments:
            return figures.fragments[key]
        ag = figures.analysis.ag
        people = sorted([*ag.staff.values(), *ag.stakeholders.values()], key=lambda p: p.name.casefold())
        # the output of an autoescaping template: every name in it is escaped already
        body = Markup(web.env.get_template("_account_main.html").render(  # noqa: S704
            x=figures.xray, m=figures.map, matrix=figures.matrix, people=people, flt=flt, whatif=whatif_result))
        if whatif_result is None:
            figures.fragments[key] = body
        return body

    def account(ctx: _Context) -> Response:
        account_id = ctx.account_or_404(ctx.request.path_params["account_id"])
        figures = web.reports.figures(account_id, ctx.as_of)
        flt = ctx.request.query_params.get("filter", "")
        if flt not in ("", "key", "uncovered") and flt.removeprefix("dept:") not in figures.map.departments:
            flt = ""
        return ctx.page("account.html", x=figures.xray, body=account_body(figures, flt))

    def account_json(ctx: _Context) -> Response:
        account_id = ctx.account_or_404(ctx.request.path_params["account_id"])
        return JSONResponse(web.reports.figures(account_id, ctx.as_of).xray.model_dump(mode="json"))

    def map_json(ctx: _Context) -> Response:
        account_id = ctx.account_or_404(ctx.request.path_params["account_id"])
        return JSONResponse(web.reports.figures(account_id, ctx.as_of).map.as_json())

    def whatif(ctx: _Context) -> Response:
        from ..analysis.whatif import what_if

        account_id = ctx.account_or_404(ctx.request.path_params["account_id"])
        figures = web.reports.figures(account_id, ctx.as_of)
        leave = ctx.request.query_params.get("leave", "")
        ag = figures.analysis.ag
        if leave not in ag.staff and leave not in ag.stakeholders:
            raise HTTPException(404, "no such person on this account")
        result = what_if(figures.snapshot, ag.as_of, [leave], ag.settings, before=figures.analysis)
        if ctx.request.query_params.get("format") == "json":
            return JSONResponse(result.model_dump(mode="json"))
        return ctx.page("account.html", x=figures.xray, body=account_body(figures, "", result))

    def person(ctx: _Context) -> Response:
        return _person_page(ctx, ctx.request.path_params["person_id"])

    def leave_page(ctx: _Context) -> Response:
        """``GET /people/X/leave``: the person whose id is ``X/leave`` if there is one (ids may hold a slash),
        else 405 -- a departure is recorded by the form on X's page, never by following a link."""
        person_id = ctx.request.path_params["person_id"]
        try:
            return _person_page(ctx, f"{person_id}/leave")
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
        raise HTTPException(405, "a departure is recorded with the form on the person's page",
                            headers={"Allow": "POST"})

    def _person_page(ctx: _Context, person_id: str) -> Response:
        found = ctx.person_or_404(person_id)
        data = _person_data(ctx, found)
        if ctx.request.url.path.endswith(".json"):
            return JSONResponse({k: (v.model_dump(mode="json") if hasattr(v, "model_dump") else v)
                                 for k, v in data.items()})
        return ctx.page("person.html", **data)

    def leave(ctx: _Context) -> Response:
        from ..monitor.departure import record_departure

        found = ctx.person_or_404(ctx.request.path_params["person_id"])
        if not ctx.access.can_write or (isinstance(found, Staff) and not ctx.access.sees_all):
            raise HTTPException(403, "your role may not record this departure")
        form = ctx.form  # type: ignore[attr-defined]
        try:
            on = dt.date.fromisoformat(str(form.get("date", "")))
        except ValueError:
            raise HTTPException(400, "date: expected YYYY-MM-DD") from None
        moved = str(form.get("moved_to", "")).strip() or None
        note = str(form.get("note", "")).strip() or None
        try:
            impact = record_departure(web.reports.store, found.id, on, moved_to=moved, note=note,
                                      settings=web.settings)
        except KamgraphError as exc:
            raise HTTPException(400, str(exc)) from None
        web.reports.invalidate([a.account.id for a in impact.accounts] + ([found.account]
                               if isinstance(found, Stakeholder) else []))
        impact.accounts = [a for a in impact.accounts if ctx.access.account(a.account.id)]
        return ctx.page("departure.html", impact=impact)

    def alerts(ctx: _Context) -> Response:
        store = web.reports.store
        ids = ctx.access.filter(web.reports.account_ids())
        try:
            records = store.load_alerts(ids, include_cleared=True)
            checks = store.alert_checks()
        except KamgraphError:
            records, checks = [], {}
        acks = web.acks.all()
        groups: dict[str, list[Any]] = {"new": [], "ongoing": [], "cleared": []}
        for record in records:
            if not ctx.access.account(record.account):
                continue
            ack = acks.get(f"{record.key}@{record.raised_on.isoformat()}")
            if record.cleared_on is not None:
                groups["cleared"].append((record, ack))
            elif checks.get(record.account) and checks[record.account].checked_on == record.raised_on and not ack:
                groups["new"].append((record, ack))
            else:
                groups["ongoing"].append((record, ack))
        return ctx.page("alerts.html", groups=groups)

    def acknowledge(ctx: _Context) -> Response:
        form = ctx.form  # type: ignore[attr-defined]
        key = str(form.get("key", ""))
        store = web.reports.store
        ids = ctx.access.filter(web.reports.account_ids())
        matches = [r for r in store.load_alerts(ids) if r.key == key and ctx.access.account(r.account)]
        if not matches:
            raise HTTPException(404, "no such open alert")
        web.acks.add(key, matches[0].raised_on, ctx.user.name, web.today())
        return RedirectResponse("/alerts", status_code=303)

    def search(ctx: _Context) -> Response:
        query = ctx.request.query_params.get("q", "").strip()
        found: list[Stakeholder | Staff] = []
        if len(query) >= 2:
            folded = query.casefold()
            store = web.reports.store
            visible = None if ctx.access.sees_all else sorted(ctx.access.allowed or ())
            people: list[Stakeholder | Staff] = [*store.list_stakeholders(visible), *store.list_staff()]
            for p in people:
                if (folded in p.name.casefold() or (p.email and folded in p.email)) and ctx.access.person(p):
                    found.append(p)
        return ctx.page("search.html", q=query, found=found[:200])

    def _person_data(ctx: _Context, found: Stakeholder | Staff) -> dict[str, Any]:
        from ..analysis.person_profile import person_profile
        from ..monitor.departure import departure_impact

        store = web.reports.store
        profile = person_profile(store, found.id, ctx.as_of, web.settings)
        if not ctx.access.sees_all:  # a staff member's ties and meetings on accounts this user may not see go
            profile.ties = [t for t in profile.ties if t.account is None or ctx.access.account(t.account)]
            profile.meetings = [m for m in profile.meetings if ctx.access.account(m.account)]
        impact = None
        if found.left_on is None or found.left_on > ctx.as_of:
            try:
                impact = departure_impact(store, found.id, ctx.as_of, web.settings)
            except KamgraphError:
                impact = None
            if impact is not None:
                impact.accounts = [a for a in impact.accounts if ctx.access.account(a.account.id)]
        return {"profile": profile, "impact": impact}

    def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "error")
        headers = getattr(exc, "headers", None) or {}  # e.g. the Allow of a 405
        if request.url.path.endswith(".json") or request.query_params.get("format") == "json":
            return JSONResponse({"error": detail}, status_code=status, headers=headers)
        response = web.render(request, "error.html", status, status=status, detail=detail, user=None)
        response.headers.update(headers)
        return response

    def bad_input(request: Request, exc: Exception) -> Response:
        return web.render(request, "error.html", 400, status=400, detail=str(exc), user=None)

    routes = [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", signed_in(logout), methods=["POST"]),
        Route("/", signed_in(portfolio)),
        Route("/accounts/{account_id:path}/xray.json", signed_in(account_json)),
        Route("/accounts/{account_id:path}/map.json", signed_in(map_json)),
        Route("/accounts/{account_id:path}/whatif", signed_in(whatif)),
        Route("/accounts/{account_id:path}", signed_in(account)),
        Route("/people/{person_id:path}.json", signed_in(person)),
        Route("/people/{person_id:path}/leave", signed_in(leave), methods=["POST"]),
        Route("/people/{person_id:path}/leave", signed_in(leave_page), methods=["GET"]),
        Route("/people/{person_id:path}", signed_in(person)),
        Route("/alerts", signed_in(alerts)),
        Route("/alerts/acknowledge", signed_in(acknowledge), methods=["POST"]),
        Route("/search", signed_in(search)),
        Mount("/static", app=StaticFiles(directory=_STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found, InputError: bad_input,
                                                       NotFoundError: not_found})
    app.state.web = web
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    return app


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int,
                trusted: tuple[str, ...] = ()) -> None:
    """HttpOnly, SameSite=Lax, Secure when the request came over TLS (directly, or per a trusted proxy)."""
    secure = request.url.scheme == "https" or (
        request.headers.get("x-forwarded-proto") == "https" and request.client is not None
        and request.client.host in trusted)
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=secure)

"""The HTTP client every connector shares: throttling, server errors and expired tokens.

* **429 Too Many Requests** and **503**: wait as long as ``Retry-After`` says
  (seconds or an HTTP date; at most ``[connectors] max_wait_seconds``), else
  ``backoff_seconds`` doubling, and try again, up to ``max_retries`` times;
* **500, 502, 504** and connection errors: the same back-off;
* **401 Unauthorized**: ask the token source for a new token, then retry
  once; a second 401 is an error (the grant itself is wrong);
* any other error status is an error at once, naming the service and the
  status, never the token or the secret.

Written on top of ``httpx`` (not a vendor SDK) because the retry rules are
the same for every vendor and the SDKs each do a different subset of them.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

from ...errors import KamgraphError
from ...settings import ConnectorSettings

__all__ = ["ConnectorError", "GoneError", "NextPages", "TokenSource", "HttpClient", "retry_after_seconds"]

_RETRY = {429, 503}
_SERVER = {500, 502, 504}


class ConnectorError(KamgraphError):
    """A service refused or failed a request for good (after the retries)."""

    exit_code = 1


class NextPages:
    """The next-page links (or tokens) one paged listing has followed, so that a loop stops the pull.

    A service that hands back a link it gave before -- a vendor's bug, or the code reading the wrong field --
    would have the pull ask for the same page for ever; :meth:`follow` ends it with a one-line error instead
    (the link itself is not shown: it may carry a delta or skip token).

    Examples
    --------
    >>> pages = NextPages("m365", "alice@ours.example")
    >>> pages.follow("https://graph.example/next?p=2"), pages.follow("https://graph.example/next?p=3")
    ('https://graph.example/next?p=2', 'https://graph.example/next?p=3')
    >>> try:
    ...     pages.follow("https://graph.example/next?p=2")
    ... except ConnectorError as exc:
    ...     for part in str(exc).split(": "):
    ...         print(part)
    m365
    alice@ours.example
    the service gave the same next page again (after 2 pages)
    a paging loop, the pull stops
    """

    def __init__(self, source: str, listing: str) -> None:
        self.source, self.listing, self.seen = source, listing, set[str]()

    def follow(self, link: str) -> str:
        """``link``, the next page to ask for; :class:`ConnectorError` if it was followed before."""
        if link in self.seen:
            raise ConnectorError(f"{self.source}: {self.listing}: the service gave the same next page again "
                                 f"(after {len(self.seen)} pages): a paging loop, the pull stops")
        self.seen.add(link)
        return link


class GoneError(ConnectorError):
    """HTTP 410: a sync token or delta link the service no longer accepts (start a full pull again)."""


class TokenSource:
    """Gives access tokens; :meth:`refresh` is called after a 401 (subclasses ask the vendor's sign-in)."""

    def token(self) -> str:
        """The current access token."""
        raise NotImplementedError

    def refresh(self) -> str:
        """A new access token (the current one was refused)."""
        return self.token()


class SignInTokens(TokenSource):
    """A token source that signs in on first use and again after a 401: subclasses write :meth:`_acquire`
    (the vendor's sign-in), the token is kept in between."""

    _token: str | None = None

    def _acquire(self) -> str:
        """Sign in and return a new access token."""
        raise NotImplementedError

    def token(self) -> str:
        if self._token is None:
            self._token = self._acquire()
        return self._token

    def refresh(self) -> str:
        self._token = self._acquire()
        return self._token


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: delta-seconds or an HTTP date; None when absent or unreadable.

    Examples
    --------
    >>> retry_after_seconds("3"), retry_after_seconds(None), retry_after_seconds("soon")
    (3.0, None, None)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0)
    10.0
    """
    if not value:
        return None
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


class HttpClient:
    """GET and POST JSON with the retry rules of the module docstring.

    Parameters
    ----------
    service : str
        Named in errors (``m365``, ``google``...).
    tokens : TokenSource
        Bearer tokens (None for requests that need none).
    settings : ConnectorSettings
        Retries, waits, timeout, CA bundle.
    sleep : callable
        How to wait (``time.sleep``; tests count the waits).
    """

    def __init__(self, service: str, tokens: TokenSource | None, settings: ConnectorSettings,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx

        self.service = service
        self.tokens = tokens
        self.settings = settings
        self.sleep = sleep
        self.waits: list[float] = []
        import ssl

        verify: Any = ssl.create_default_context(cafile=settings.ca_bundle) if settings.ca_bundle else True
        self._client = httpx.Client(timeout=settings.timeout_seconds, verify=verify, follow_redirects=False)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, attempt: int, header: str | None) -> None:
        asked = retry_after_seconds(header)
        wait = asked if asked is not None else self.settings.backoff_seconds * 2 ** attempt
        wait = min(wait, self.settings.max_wait_seconds)
        self.waits.append(wait)
        self.sleep(wait)

    def request(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                json: Any = None, headers: dict[str, str] | None = None) -> Any:
        """The decoded JSON body of a successful response (see the module docstring for failures)."""
        import httpx

        refreshed = False
        attempt = 0
        token = self.tokens.token() if self.tokens else None
        while True:
            sent = dict(headers or {})
            if token:
                sent["Authorization"] = f"Bearer {token}"
            try:
                response = self._client.request(method, url, params=params, json=json, headers=sent)
            except httpx.HTTPError as exc:
                if attempt >= self.settings.max_retries:
                    raise ConnectorError(f"{self.service}: cannot reach the service ({type(exc).__name__})") from None
                self._wait(attempt, None)
                attempt += 1
                continue
            status = response.status_code
            if status == 401 and self.tokens is not None and not refreshed:
                token, refreshed = self.tokens.refresh(), True
                continue
            if status in _RETRY or status in _SERVER:
                if attempt >= self.settings.max_retries:
                    raise ConnectorError(f"{self.service}: HTTP {status} after {attempt + 1} attempts "
                                         f"({_path(url)})")
                self._wait(attempt, response.headers.get("Retry-After"))
                attempt += 1
                continue
            if status == 410:
                raise GoneError(f"{self.service}: HTTP 410 ({_path(url)}): the sync token is no longer valid")
            if status >= 400:
                raise ConnectorError(f"{self.service}: HTTP {status} ({_path(url)}): {_problem(response)}",
                                     ) from None
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise ConnectorError(f"{self.service}: the answer is not JSON ({_path(url)})") from None

    def get(self, url: str, **kwargs: Any) -> Any:
        """:meth:`request` with GET."""
        return self.request("GET", url, **kwargs)


def _path(url: str) -> str:
    """The URL without its query (which may hold sync tokens)."""
    return url.split("?", 1)[0]


def _problem(response: Any) -> str:
    """The vendor's error message, on one line and short (bodies never hold our secret)."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        text = error.get("message") or error.get("code") or ""
    else:
        text = (body.get("error_description") or error or body.get("message") or "") if isinstance(body, dict) else ""
    return " ".join(str(text).split())[:200] or "error"

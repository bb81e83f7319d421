"""Sessions, CSRF tokens, sign-in throttling and the security headers of the web app.

* The session is a cookie signed with itsdangerous (``HttpOnly``, ``SameSite=Lax``, ``Secure`` when the
  request came over TLS) holding the user name, a keyed digest of their password hash (a password change or a
  removed user ends every session) and the session's CSRF token. Nothing else is kept on the client.
* Every state-changing form carries the CSRF token; :func:`csrf_ok` compares in constant time. The
  sign-in form has its own token in a short-lived pre-session cookie.
* :class:`Throttle` counts failed sign-ins per user name and per client address in a sliding window.
* :class:`SecurityHeaders` adds a strict Content-Security-Policy (nothing from another host, no inline
  script or style) and the usual companions to every response.

Examples
--------
>>> t = Throttle(attempts=2, window=60, clock=lambda: 100.0)
>>> t.blocked("ana"), t.fail("ana"), t.fail("ana"), t.blocked("ana")
(False, None, None, True)
>>> csrf_ok("abc", "abc"), csrf_ok("abc", "abd"), csrf_ok("", "")
(True, False, False)
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["CSP", "SecurityHeaders", "Throttle", "csrf_ok", "new_token", "load_secret"]

#: The Content-Security-Policy of every response.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def new_token() -> str:
    """A fresh random token (CSRF, pre-session)."""
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    """True when ``given`` is the (non-empty) ``expected`` token."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def load_secret(path: Path) -> bytes:
    """The session signing key kept in ``path`` (made on first use, mode 0600)."""
    if path.exists():
        key = path.read_bytes().strip()
        if len(key) >= 32:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


class Throttle:
    """Failed sign-ins per key (user name, client address) in a sliding window; thread-safe."""

    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.clock = attempts, window, clock
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        fails = self._fails.setdefault(key, deque())
        while fails and now - fails[0] > self.window:
            fails.popleft()
        return fails

    def blocked(self, *keys: str) -> bool:
        """True when any key has used up its attempts."""
        with self._lock:
            return any(len(self._recent(k)) >= self.attempts for k in keys)

    def fail(self, *keys: str) -> None:
        """Count one failure for each key."""
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def reset(self, key: str) -> None:
        """Forget a key's failures (after a successful sign-in)."""
        with self._lock:
            self._fails.pop(key, None)


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in dict(_HEADERS)]
                message["headers"] = headers + _HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)

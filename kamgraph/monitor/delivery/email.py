"""An e-mail digest per account manager: each gets only the new alerts of their own accounts.

:func:`digests` groups a run's new alerts by the staff who hold one of the
digest roles (``[email] roles``, by default ``kam``) on the alert's account and
have an e-mail address; :func:`digest_message` writes one message (plain
text, with an HTML alternative in which every value is escaped);
:func:`send_digests` sends them over one SMTP connection with the standard
library's :mod:`smtplib`, upgraded with STARTTLS (certificate and host name
verified) before logging in. The password is read from the environment
variable the settings name (``KAMGRAPH_SMTP_PASSWORD`` by default) -- never
from a file, an option or the command line -- and never appears in an error.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.alert_state import AlertRecord
>>> from kamgraph.domain.models import Staff
>>> maya = Staff(id="st-maya", name="Maya Lindqvist", email="maya@example.com", role="kam", accounts=["north"])
>>> a = AlertRecord(key="k", rule="overdue", account="north", subject="s", severity="high", state="x",
...                 title="CFO overdue", message="m", raised_on=dt.date(2026, 11, 22))
>>> [(d.manager.name, [x.title for x in d.alerts]) for d in digests([a], [maya])]
[('Maya Lindqvist', ['CFO overdue'])]
"""

from __future__ import annotations

import html
import os
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from ...domain.alert_state import AlertRecord
from ...domain.models import Staff
from ...errors import ConfigError, KamgraphError
from ...settings import EmailSettings

__all__ = ["Digest", "digests", "digest_message", "send_digests", "EmailDeliveryError"]


class EmailDeliveryError(KamgraphError):
    """The SMTP server could not be reached or refused the digest."""

    exit_code = 2


@dataclass
class Digest:
    """One account manager and the new alerts of their accounts, most severe first (as the run ordered them)."""

    manager: Staff
    alerts: list[AlertRecord] = field(default_factory=list)


def digests(alerts: Sequence[AlertRecord], staff: Iterable[Staff], roles: Sequence[str] = ("kam",),
            as_of: object = None) -> list[Digest]:
    """Group ``alerts`` by the account managers of their accounts (active staff with an address and a role).

    Someone who left (on or before ``as_of``, a date) gets no digest.
    """
    managers: dict[str, list[Staff]] = {}
    for person in staff:
        if not person.email or person.role.value not in roles:
            continue
        if person.left_on is not None and (as_of is None or person.left_on <= as_of):  # type: ignore[operator]
            continue
        for account in person.accounts:
            managers.setdefault(account, []).append(person)
    by_person: dict[str, Digest] = {}
    for alert in alerts:
        for person in managers.get(alert.account, []):
            by_person.setdefault(person.id, Digest(person)).alerts.append(alert)
    return sorted(by_person.values(), key=lambda d: (d.manager.name, d.manager.id))


def _link(template: str | None, alert: AlertRecord) -> str | None:
    from . import alert_link

    return alert_link(template, alert.model_dump(mode="json"))


def digest_message(digest: Digest, as_of: object, sender: str, *, link_template: str | None = None,
                   account_names: dict[str, str] | None = None) -> EmailMessage:
    """The digest e-mail for one account manager."""
    names = account_names or {}
    count = len(digest.alerts)
    subject = f"kamgraph: {count} new alert{'s' if count != 1 else ''} on your accounts ({as_of})"
    lines = [f"Hello {digest.manager.name},", "", f"{subject}:", ""]
    items = []
    for a in digest.alerts:
        account = names.get(a.account, a.account)
        url = _link(link_template, a)
        lines += [f"[{a.severity}] {account}: {a.title}", f"    {a.message}"] + ([f"    {url}"] if url else []) + [""]
        title = html.escape(a.title)
        shown = f'<a href="{html.escape(url)}">{title}</a>' if url else title
        items.append(f"<li><b>[{html.escape(a.severity)}] {html.escape(account)}</b>: {shown}<br>"
                     f"{html.escape(a.message)}</li>")
    lines.append("-- kamgraph alerts")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((digest.manager.name, digest.manager.email or ""))
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    message.set_content("\n".join(lines))
    message.add_alternative(f"<p>Hello {html.escape(digest.manager.name)},</p><p>{html.escape(subject)}:</p>"
                            f"<ul>{''.join(items)}</ul><p>-- kamgraph alerts</p>", subtype="html")
    return message


def send_digests(messages: Sequence[EmailMessage], settings: EmailSettings) -> int:
    """Send ``messages`` over one SMTP connection (STARTTLS, then login when a user is set); returns how many.

    Raises :class:`ConfigError` for missing settings and :class:`EmailDeliveryError` when the server fails.
    """
    if not messages:
        return 0
    if not settings.host or not settings.sender:
        raise ConfigError("[email] host and sender must be set to send e-mail digests")
    password = os.environ.get(settings.password_env) if settings.username else None
    if settings.username and not password:
        raise ConfigError(f"[email] username is set but ${settings.password_env} is empty")
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            smtp.ehlo()
            if settings.starttls:
                context = ssl.create_default_context(cafile=settings.ca_file)
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, password or "")
            for message in messages:
                smtp.send_message(message)
                sent += 1
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        reason = str(exc)
        if password:
            reason = reason.replace(password, "…")
        raise EmailDeliveryError(f"e-mail digest to {settings.host}:{settings.port} failed after {sent} of "
                                 f"{len(messages)} messages: {type(exc).__name__}: {reason[:200]}") from None
    return sent

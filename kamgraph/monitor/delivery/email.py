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

**Retries.** A digest that cannot be sent is not lost: it waits in the same
outbox as the webhook payloads (the store's ``alert_outbox``, no schema
change), wrapped in an *e-mail envelope* -- a JSON object ``{"envelope":
"email", "schema": 1, "to": ..., "subject": ..., "message": "<the whole RFC 5322
message>"}`` (:func:`email_envelope`) -- and is sent again on the next run.
:func:`digest_deliveries` makes the outbox entries (to be recorded with the
alert run, in its transaction); :func:`send_pending_digests` sends every e-mail
envelope in the outbox over one connection, removes each one sent
(``finish_delivery(delivered=True)``) and keeps the others with one more attempt
and the error; :func:`queue_and_send_digests` does both. A resent digest is the
same message (same ``Message-ID``), so a mail client shows it once. The webhook
sender never posts an e-mail envelope (:func:`is_email_payload`).

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
import json
import os
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from ...domain.alert_state import AlertRecord, Delivery
from ...domain.models import Staff
from ...errors import ConfigError, KamgraphError
from ...settings import EmailSettings

__all__ = ["Digest", "digests", "digest_message", "send_digests", "EmailDeliveryError", "ENVELOPE", "email_envelope",
           "is_email_payload", "envelope_message", "digest_deliveries", "send_pending_digests",
           "queue_and_send_digests", "MailResult"]

#: The ``envelope`` value of an e-mail digest waiting in the alert outbox.
ENVELOPE = "email"


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


def _password(settings: EmailSettings) -> str | None:
    if not settings.host or not settings.sender:
        raise ConfigError("[email] host and sender must be set to send e-mail digests")
    password = os.environ.get(settings.password_env) if settings.username else None
    if settings.username and not password:
        raise ConfigError(f"[email] username is set but ${settings.password_env} is empty")
    return password


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "…") if password else text


def _open(settings: EmailSettings, password: str | None) -> smtplib.SMTP:
    """An SMTP connection, upgraded with STARTTLS (certificate checked) and logged in when a user is set."""
    smtp = smtplib.SMTP(settings.host or "", settings.port, timeout=settings.timeout_seconds)
    try:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=settings.ca_file))
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_digests(messages: Sequence[EmailMessage], settings: EmailSettings) -> int:
    """Send ``messages`` over one SMTP connection (STARTTLS, then login when a user is set); returns how many.

    Raises :class:`ConfigError` for missing settings and :class:`EmailDeliveryError` when the server fails.
    """
    if not messages:
        return 0
    password = _password(settings)
    sent = 0
    try:
        with _open(settings, password) as smtp:
            for message in messages:
                smtp.send_message(message)
                sent += 1
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise EmailDeliveryError(f"e-mail digest to {settings.host}:{settings.port} failed after {sent} of "
                                 f"{len(messages)} messages: {type(exc).__name__}: "
                                 f"{_scrub(str(exc), password)[:200]}") from None
    return sent


# -- the outbox: digests queued for retry ----------------------------------------------------------------------
def email_envelope(message: EmailMessage) -> str:
    """The outbox payload of one digest: a JSON envelope holding the whole message.

    Examples
    --------
    >>> m = EmailMessage(); m["To"] = "maya@example.com"; m["Subject"] = "2 new alerts"; m.set_content("hi")
    >>> text = email_envelope(m)
    >>> is_email_payload(text), envelope_message(text)["To"], is_email_payload('{"text": "x", "alerts": []}')
    (True, 'maya@example.com', False)
    """
    return json.dumps({"envelope": ENVELOPE, "schema": 1, "to": str(message["To"] or ""),
                       "subject": str(message["Subject"] or ""), "message": message.as_string()},
                      ensure_ascii=False)


def is_email_payload(payload: str) -> bool:
    """True when an outbox payload is an e-mail digest (not a webhook payload)."""
    if '"envelope"' not in payload:
        return False
    try:
        document = json.loads(payload)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("envelope") == ENVELOPE


def envelope_message(payload: str) -> EmailMessage:
    """The message inside an e-mail envelope."""
    message = message_from_string(json.loads(payload)["message"], policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def digest_deliveries(messages: Sequence[EmailMessage], created_on: object) -> list[Delivery]:
    """Outbox entries for ``messages`` (record them with the alert run: ``record_alert_check(deliveries=...)``)."""
    return [Delivery(id=f"email-{uuid.uuid4().hex}", created_on=created_on, payload=email_envelope(m))
            for m in messages]


@dataclass
class MailResult:
    """One pass over the e-mail outbox: who got a digest, how many are still waiting, the first error."""

    sent: list[str] = field(default_factory=list)
    waiting: int = 0
    error: str | None = None


def send_pending_digests(store: object, settings: EmailSettings) -> MailResult:
    """Send every e-mail digest in the outbox (oldest first) over one connection; see the module docstring.

    A message the server refuses stays queued and the others are still sent; when the server cannot be
    reached every digest stays. Raises :class:`ConfigError` for missing settings (nothing is marked).
    """
    pending = [d for d in store.pending_deliveries() if is_email_payload(d.payload)]  # type: ignore[attr-defined]
    result = MailResult()
    if not pending:
        return result
    password = _password(settings)

    def failed(item: Delivery, reason: str) -> None:
        store.finish_delivery(item.id, delivered=False, error=reason[:300])  # type: ignore[attr-defined]
        result.waiting += 1
        result.error = result.error or reason

    try:
        smtp = _open(settings, password)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        reason = (f"e-mail digest to {settings.host}:{settings.port} failed: {type(exc).__name__}: "
                  f"{_scrub(str(exc), password)[:200]}")
        for item in pending:
            failed(item, reason)
        return result
    with smtp:
        for n, item in enumerate(pending):
            message = envelope_message(item.payload)
            try:
                smtp.send_message(message)
            except smtplib.SMTPResponseException as exc:  # this message refused: the others may still go
                failed(item, f"e-mail digest to {message['To']} refused: {exc.smtp_code} "
                             f"{_scrub(str(exc.smtp_error), password)[:200]}")
                continue
            except (smtplib.SMTPException, OSError) as exc:  # the connection is gone: the rest wait
                reason = f"e-mail digest to {settings.host}:{settings.port} failed: {type(exc).__name__}"
                for rest in pending[n:]:
                    failed(rest, reason)
                break
            store.finish_delivery(item.id, delivered=True)  # type: ignore[attr-defined]
            result.sent.append(str(message["To"]))
    return result


def queue_and_send_digests(store: object, messages: Sequence[EmailMessage], settings: EmailSettings,
                           created_on: object) -> MailResult:
    """Put ``messages`` in the outbox, then send every digest waiting there (this run's and earlier ones)."""
    deliveries = digest_deliveries(messages, created_on)
    if deliveries:
        store.record_alert_check(created_on, {}, deliveries=deliveries)  # type: ignore[attr-defined]
    return send_pending_digests(store, settings)

"""The e-mail digest's HTML part, parsed: only the elements we write, every value as text.

Every value that reaches the digest -- the manager's name, the account's name, the alert's title and
message, the link (a template filled with the account id) -- is markup here; the HTML part may hold only
``p``, ``ul``, ``li``, ``b``, ``br`` and ``a`` (ours), and each value must read back as the same text.
"""

from __future__ import annotations

import datetime as dt

from kamgraph.domain.alert_state import AlertRecord
from kamgraph.domain.models import Staff
from kamgraph.monitor.delivery.email import digest_message, digests

from .test_escaping import Page

OURS = {"p", "ul", "li", "b", "br", "a"}
NAME = '<img src=x onerror="alert(1)"> Maya & "Co"'
ACCOUNT = "<script>alert('acc')</script>"
TITLE = "CFO <b>overdue</b>"
MESSAGE = "last met <i>40</i> days ago & counting"


def _parts() -> tuple[str, str]:
    maya = Staff(id="st-maya", name=NAME, email="maya@example.com", role="kam", accounts=["north"])
    alert = AlertRecord(key="k", rule="overdue", account="north", subject="s", severity="high", state="x",
                        title=TITLE, message=MESSAGE, raised_on=dt.date(2026, 11, 22))
    [digest] = digests([alert], [maya])
    message = digest_message(digest, dt.date(2026, 11, 22), "alerts@example.com",
                             link_template='https://crm.example.com/a?id={account}&x="><script>',
                             account_names={"north": ACCOUNT})
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    return html, text


def test_the_html_part_holds_only_our_elements_and_every_value_as_text() -> None:
    html, _ = _parts()
    page = Page(html)
    assert {tag for tag, _ in page.tags} <= OURS, {tag for tag, _ in page.tags} - OURS
    texts = "".join(t for _, t in page.text)
    for value in (NAME, ACCOUNT, TITLE, MESSAGE):
        assert value in texts, value
    [href] = [dict(attrs)["href"] for tag, attrs in page.tags if tag == "a"]
    assert href.startswith("https://crm.example.com/a?id=north&x=") and "<script>" in href  # an attribute value
    assert all(not name.startswith("on") for _, attrs in page.tags for name, _ in attrs)


def test_the_plain_part_keeps_the_values_as_they_are() -> None:
    _, text = _parts()
    assert text.startswith(f"Hello {NAME},") and f"[high] {ACCOUNT}: {TITLE}" in text and MESSAGE in text

"""The web app's access rules and sign-in throttle, case by case (kamgraph/web/access.py, security.py).

Written from the rules in access.py's docstring: an account manager sees one of our staff only when they
share a visible account (their team, or a visible account's meetings) or when it is the user's own staff
record; the throttle blocks a sign-in when *any* of its keys (the user name, the client address) has used
up its attempts, so that neither a new address nor a new user name gets round it.
"""

from __future__ import annotations

from kamgraph.domain.models import Staff
from kamgraph.web.access import Access
from kamgraph.web.security import Throttle

PRIYA = Access(role="account_manager", allowed=frozenset({"northwind"}), staff="st-priya")


def test_staff_are_visible_only_through_a_shared_visible_account_or_as_oneself() -> None:
    colleague = Staff(id="st-lee", name="Lee", accounts=["northwind", "helios"])
    elsewhere = Staff(id="st-kai", name="Kai", accounts=["helios"])
    me = Staff(id="st-priya", name="Priya", accounts=[])
    assert PRIYA.person(colleague) is True
    assert PRIYA.person(elsewhere) is False
    assert PRIYA.person(elsewhere, staff_accounts={"northwind"}) is True   # met Northwind's people
    assert PRIYA.person(elsewhere, staff_accounts={"acme"}) is False
    assert PRIYA.person(me) is True
    assert Access(role="director", allowed=None).person(elsewhere) is True


def test_the_throttle_blocks_when_any_key_is_used_up() -> None:
    now = [100.0]
    throttle = Throttle(attempts=2, window=60, clock=lambda: now[0])
    throttle.fail("user:ana", "ip:10.0.0.1")
    throttle.fail("user:ana", "ip:10.0.0.2")
    # ana has used up her two attempts, from two addresses that have one each
    assert throttle.blocked("user:ana", "ip:10.0.0.3") is True
    assert throttle.blocked("user:bo", "ip:10.0.0.1") is False
    throttle.fail("user:bo", "ip:10.0.0.1")
    # 10.0.0.1 has now failed twice (ana, bo): any user name from it is blocked
    assert throttle.blocked("user:cy", "ip:10.0.0.1") is True
    now[0] += 61  # the window has passed
    assert throttle.blocked("user:ana", "ip:10.0.0.1") is False

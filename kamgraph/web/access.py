"""Who may see what: deny by default, decided on the server for every account- or person-scoped request.

* ``admin`` and ``director``: every account.
* ``account_manager``: the accounts whose account team lists the staff member they are linked to,
  plus the accounts of the meetings that staff member attended. Nothing else: an unknown staff id,
  a staff member who left the store, or a user without a link sees no account.

A stakeholder is visible when their account is; one of our staff when they share a visible account
(their account team, or a visible account's meetings), or when they are the user's own staff record.

Examples
--------
>>> policy = Access(role="account_manager", allowed=frozenset({"northwind"}), staff="st-priya")
>>> policy.account("northwind"), policy.account("helios"), policy.account("../northwind")
(True, False, False)
>>> Access(role="director", allowed=None).account("helios")
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.models import Staff, Stakeholder
from ..store.base import GraphStore
from .users import User

__all__ = ["Access", "access_for", "account_manager_accounts"]


@dataclass(frozen=True)
class Access:
    """What one signed-in user may read; ``allowed`` None means every account."""

    role: str
    allowed: frozenset[str] | None
    staff: str | None = None

    @property
    def sees_all(self) -> bool:
        """True for admins and directors."""
        return self.allowed is None

    @property
    def can_write(self) -> bool:
        """Admins and account managers may record departures (directors read only)."""
        return self.role in ("admin", "account_manager")

    def account(self, account_id: str | None) -> bool:
        """May this user read the account?"""
        if account_id is None:
            return False
        return self.allowed is None or account_id in self.allowed

    def person(self, person: Stakeholder | Staff, staff_accounts: set[str] | None = None) -> bool:
        """May this user read the person? ``staff_accounts``: the accounts a staff member works on."""
        if self.allowed is None:
            return True
        if isinstance(person, Stakeholder):
            return person.account in self.allowed
        if person.id == self.staff:
            return True
        accounts = set(person.accounts) | (staff_accounts or set())
        return bool(accounts & self.allowed)

    def filter(self, account_ids: list[str]) -> list[str]:
        """The visible ones of ``account_ids``, in the same order."""
        return [a for a in account_ids if self.account(a)]


def account_manager_accounts(store: GraphStore, staff_id: str) -> frozenset[str]:
    """The accounts an account manager linked to ``staff_id`` sees (see the module docstring)."""
    from ..errors import NotFoundError

    try:
        member = store.get_person(staff_id)
    except NotFoundError:
        return frozenset()
    if not isinstance(member, Staff):
        return frozenset()
    met = {m.account for m in store.person_meetings(staff_id) if m.account}
    return frozenset(set(member.accounts) | met)


def access_for(user: User, store: GraphStore) -> Access:
    """The :class:`Access` of a user, read from the store now."""
    if user.role in ("admin", "director"):
        return Access(role=user.role, allowed=None, staff=user.staff)
    if user.role == "account_manager" and user.staff:
        return Access(role=user.role, allowed=account_manager_accounts(store, user.staff), staff=user.staff)
    return Access(role=user.role, allowed=frozenset(), staff=user.staff)

"""The web app's users: a JSON file of names, roles, linked staff ids and argon2 password hashes.

Roles: ``admin`` (every account, manages users), ``director`` (reads every account) and
``account_manager`` (only the accounts of the staff member they are linked to, see
:mod:`kamgraph.web.access`). Passwords are hashed with argon2id (argon2-cffi); the file never holds
a password. Writes replace the file atomically and keep it readable by its owner only.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "users.json"
>>> users = UserFile(path)
>>> users.add("ana", "account_manager", "correct horse", staff="st-priya").role
'account_manager'
>>> users.verify("ana", "correct horse").staff, users.verify("ana", "wrong")
('st-priya', None)
>>> [u.name for u in UserFile(path).list()]
['ana']
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError, InputError, NotFoundError

__all__ = ["ROLES", "Role", "User", "UserFile", "default_users_path", "USERS_FILE_NAME"]

Role = Literal["admin", "director", "account_manager"]
#: The roles, most powerful first.
ROLES: tuple[str, ...] = ("admin", "director", "account_manager")
#: File name of the default users file.
USERS_FILE_NAME = "kamgraph-users.json"
_NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")
_HASHER = PasswordHasher()
#: Checked against when a user name is unknown, so that both cases take the same time.
_DUMMY_HASH = _HASHER.hash("no such user")


class User(BaseModel):
    """One user of the web app (the hash is never shown)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    role: Role
    staff: str | None = Field(default=None, description="The staff id an account manager is linked to.")
    password_hash: str = Field(default="", repr=False, exclude=False)

    def public(self) -> dict[str, str | None]:
        """The user without the hash (for ``kamgraph user list --json``)."""
        return {"name": self.name, "role": self.role, "staff": self.staff}


def default_users_path(store_url: str, users_file: str | None = None) -> Path:
    """Where the users file is: ``users_file`` if set, else beside a SQLite store, else the user data dir.

    Examples
    --------
    >>> default_users_path("sqlite:///tmp/x/kam.db").as_posix()
    '/tmp/x/kamgraph-users.json'
    >>> default_users_path("bolt://db:7687", "/etc/kam/users.json").as_posix()
    '/etc/kam/users.json'
    """
    if users_file:
        return Path(users_file).expanduser()
    from ..store.url import backend_of, sqlite_path

    if backend_of(store_url) == "sqlite":
        path = sqlite_path(store_url) or store_url
        return Path(path).expanduser().resolve().parent / USERS_FILE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("kamgraph")) / USERS_FILE_NAME


class UserFile:
    """Read and change the users file (missing file: no users)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _load(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            users = [User.model_validate(u) for u in data.get("users", [])]
        except (OSError, ValueError, AttributeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise ConfigError(f"{self.path}:1: users: not a kamgraph users file ({first})") from None
        return {u.name: u for u in users}

    def _save(self, users: dict[str, User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": 1, "users": [u.model_dump() for u in sorted(users.values(), key=lambda u: u.name)]}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def list(self) -> list[User]:
        """Every user, by name."""
        return sorted(self._load().values(), key=lambda u: u.name)

    def get(self, name: str) -> User | None:
        """One user, or None."""
        return self._load().get(name)

    def add(self, name: str, role: str, password: str, *, staff: str | None = None) -> User:
        """Add a user; an account manager needs ``staff``. Raises :class:`InputError` on bad values."""
        users = self._load()
        if not _NAME.match(name):
            raise InputError(f"{name!r}: letters, digits and . _ @ + - only (1-64)", field="name")
        if name in users:
            raise InputError(f"user {name!r} exists already ('kamgraph user passwd' changes the password)",
                             field="name")
        if role not in ROLES:
            raise InputError(f"unknown role {role!r} (one of: {', '.join(ROLES)})", field="role")
        if role == "account_manager" and not staff:
            raise InputError("an account manager needs --staff (the staff id they are linked to)", field="staff")
        _check_password(password)
        user = User(name=name, role=role, staff=staff, password_hash=_HASHER.hash(password))  # type: ignore[arg-type]
        users[name] = user
        self._save(users)
        return user

    def remove(self, name: str) -> None:
        """Remove a user (their sessions stop working)."""
        users = self._load()
        if name not in users:
            raise NotFoundError(f"no user named {name!r}")
        del users[name]
        self._save(users)

    def set_password(self, name: str, password: str) -> None:
        """Change a password (sessions signed with the old one stop working)."""
        users = self._load()
        if name not in users:
            raise NotFoundError(f"no user named {name!r}")
        _check_password(password)
        users[name] = users[name].model_copy(update={"password_hash": _HASHER.hash(password)})
        self._save(users)

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password is right, else None (same work either way)."""
        user = self._load().get(name)
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return user


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise InputError("the password needs at least 8 characters", field="password")

"""Where connector secrets live: environment variables first, then the OS keyring -- nowhere else.

A secret ``NAME`` of source ``SOURCE`` is read from ``KAMGRAPH_<SOURCE>_<NAME>``
(upper case, e.g. ``KAMGRAPH_M365_CLIENT_SECRET``) or from the keyring entry
``kamgraph`` / ``SOURCE:NAME``. Secrets are never written to the state file,
logs, errors or exports, and never taken from the command line.
"""

from __future__ import annotations

import os

from ...errors import ConfigError

__all__ = ["secret_variable", "get_secret", "set_secret", "keyring_usable", "KEYRING_SERVICE"]

#: The keyring "service" of every kamgraph secret.
KEYRING_SERVICE = "kamgraph"


def secret_variable(source: str, name: str) -> str:
    """The environment variable holding a secret.

    Examples
    --------
    >>> secret_variable("m365", "client_secret")
    'KAMGRAPH_M365_CLIENT_SECRET'
    """
    return f"KAMGRAPH_{source}_{name}".upper().replace("-", "_")


def keyring_usable() -> bool:
    """True when an OS keyring backend is available (not the fail or null backend)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:  # no keyring package, or a broken backend configuration
        return False
    return not isinstance(backend, fail.Keyring) and "null" not in type(backend).__module__.lower()


def get_secret(source: str, name: str, *, required: bool = True) -> str | None:
    """The secret from the environment, else the keyring; a :class:`ConfigError` naming where to put it."""
    value = os.environ.get(secret_variable(source, name))
    if value:
        return value
    if keyring_usable():
        import keyring

        try:
            value = keyring.get_password(KEYRING_SERVICE, f"{source}:{name}")
        except Exception:  # a locked or broken keyring is the same as no entry
            value = None
        if value:
            return value
    if required:
        raise ConfigError(f"{source}: no {name.replace('_', ' ')} found: set {secret_variable(source, name)} or "
                          f"run 'kamgraph connect {source}' to keep it in the OS keyring")
    return None


def set_secret(source: str, name: str, value: str) -> None:
    """Keep a secret in the OS keyring (a :class:`ConfigError` when there is none)."""
    if not keyring_usable():
        raise ConfigError(f"{source}: no OS keyring is available here; set {secret_variable(source, name)} "
                          "in the environment of the pull instead")
    import keyring

    keyring.set_password(KEYRING_SERVICE, f"{source}:{name}", value)

"""Every threshold, weight and interval of the analysis, in one settings model.

Settings are read, later sources winning, from:

1. the defaults below;
2. ``kamgraph.toml`` in the current directory, or the file given with ``--config``;
3. environment variables ``KAMGRAPH_<SECTION>__<KEY>`` (two underscores between
   section and key), e.g. ``KAMGRAPH_STRENGTH__HALF_LIFE_DAYS=60``. Values are
   parsed as TOML values where they can be (numbers, booleans, arrays), else
   taken as strings.

Examples
--------
>>> s = Settings()
>>> s.strength.half_life_days, s.strength.thread_threshold
(90.0, 0.5)
>>> load_settings(env={"KAMGRAPH_STRENGTH__HALF_LIFE_DAYS": "60"}, path=None).strength.half_life_days
60.0
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationError

from .errors import ConfigError
from .models import MeetingKind

__all__ = ["StrengthSettings", "Neo4jSettings", "Settings", "load_settings", "CONFIG_FILE", "ENV_PREFIX"]

#: The settings file looked for in the current directory.
CONFIG_FILE = "kamgraph.toml"
#: Prefix of settings environment variables.
ENV_PREFIX = "KAMGRAPH_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StrengthSettings(_Section):
    """Tie strength ``S = sum_m w(kind_m) * 2 ** (-(T - date_m) / half_life_days)``."""

    half_life_days: float = Field(default=90.0, gt=0, description="Days after which a meeting counts half.")
    thread_threshold: float = Field(default=0.5, gt=0,
                                    description="Minimum strength for a staff member to count as a thread.")
    kind_weights: dict[MeetingKind, float] = Field(
        default_factory=lambda: {
            MeetingKind.MEETING: 1.0,
            MeetingKind.CALL: 0.6,
            MeetingKind.EMAIL: 0.2,
            MeetingKind.WORKSHOP: 1.5,
            MeetingKind.QBR: 2.0,
            MeetingKind.EVENT: 0.5,
        },
        description="Weight of one contact of each kind.",
    )

    def weight(self, kind: MeetingKind) -> float:
        """The weight of a meeting kind (0 for a kind left out of the table)."""
        return self.kind_weights.get(kind, 0.0)


def _text(value: Any) -> Any:
    """Numbers typed without quotes in TOML are still a password's text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Neo4jSettings(_Section):
    """Connection defaults for Neo4j stores (URL, options and ``KAMGRAPH_NEO4J_*`` variables win).

    The password is kept as a secret: it never shows in a repr, a log or JSON.
    """

    user: str | None = Field(default=None, description="User name (default neo4j).")
    database: str | None = Field(default=None, description="Database name (default neo4j).")
    password: Annotated[SecretStr | None, BeforeValidator(_text)] = Field(
        default=None, description="Password (keep this file private).")
    batch_size: int | None = Field(default=None, ge=1, description="Rows per batched write statement (default 1000).")


class Settings(_Section):
    """All settings of kamgraph; one section per concern."""

    strength: StrengthSettings = Field(default_factory=StrengthSettings)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, text in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX):].split("__")]
        node = found
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = _env_value(text)
    return found


def load_settings(path: str | Path | None = CONFIG_FILE, *, env: Mapping[str, str] | None = None,
                  required: bool = False) -> Settings:
    """Build the effective settings from defaults, a TOML file and the environment.

    Parameters
    ----------
    path : str or Path or None
        The TOML file; the default ``kamgraph.toml`` is optional, a file named
        explicitly (``required=True``) must exist. None skips the file.
    env : mapping, optional
        Environment to read ``KAMGRAPH_*`` variables from (default ``os.environ``).
    required : bool
        Fail when the file does not exist.

    Raises
    ------
    ConfigError
        Naming the file (or variable) and the setting that is wrong.
    """
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        file = Path(path)
        if file.is_file():
            try:
                data = tomllib.loads(file.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{file}: not valid TOML ({exc})") from None
            source = str(file)
        elif required:
            raise ConfigError(f"{file}: no such settings file")
    from_env = _from_env(os.environ if env is None else env)
    if from_env:
        source = f"{source} + KAMGRAPH_* variables"
    try:
        return Settings.model_validate(_merge(data, from_env))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        got = "a value that is not shown" if "password" in where else repr(err.get("input"))
        raise ConfigError(f"{source}: {where}: {err['msg']} (got {got})") from None

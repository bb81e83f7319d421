"""Families of kamgraph commands beyond the core ones in ``cli.py``, one module each.

A module here lists its click commands (or groups) in ``COMMANDS``; :func:`register` adds every one of them to
the ``kamgraph`` group, so a new family of commands is a new module and never an edit of ``cli.py``. Shared
options and helpers are in :mod:`kamgraph_commands.common`. Commands keep heavy imports inside their bodies so
that ``kamgraph --help`` stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Add the ``COMMANDS`` of every module of this package to ``group`` (modules in name order)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            if command.name in group.commands:
                raise RuntimeError(f"two commands named {command.name!r} ({info.name} and the group)")
            group.add_command(command)

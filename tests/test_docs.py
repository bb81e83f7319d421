"""The documentation stays true: every command has help and a mention in the docs, the README stays short and
its links resolve, the settings reference covers the whole settings model, and the docs site builds strictly."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from cli import cli
from kamgraph.settings import Settings

from .conftest import require

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: Generated from the click commands by mkdocs-click: mentioning a command there proves nothing.
COMMAND_REFERENCE = DOCS / "reference" / "commands.md"
SETTINGS_PAGE = DOCS / "reference" / "settings.md"
HOOK = DOCS / "hooks" / "reference.py"

#: The two set-up commands of the README, exactly.
SETUP_COMMANDS = (
    "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/kamgraph demo",
    "bash .ci/run",
)
MAX_README_LINES = 250


# --------------------------------------------------------------------------- commands
def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = (*prefix, name)
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(cli)
COMMAND_IDS = [" ".join(path) for path, _ in COMMANDS]


def test_the_walk_finds_the_subcommands() -> None:
    assert {"xray", "config show", "portfolio review", "portfolio score"} <= set(COMMAND_IDS)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=COMMAND_IDS)
def test_every_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="kamgraph")
    assert result.exit_code == 0, result.output
    assert f"Usage: kamgraph {' '.join(path)}" in result.output
    assert (command.help or "").strip(), f"kamgraph {' '.join(path)} has no help text"


def _hand_written_pages() -> str:
    pages = sorted(p for p in DOCS.rglob("*.md") if p != COMMAND_REFERENCE)
    assert pages, "no docs pages found"
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=COMMAND_IDS)
def test_every_command_is_in_the_docs(path: tuple[str, ...]) -> None:
    name = "kamgraph " + " ".join(path)
    # "kamgraph return" must not be satisfied by "kamgraph returns" or "kamgraph return-x".
    assert re.search(re.escape(name) + r"(?![\w-])", _hand_written_pages()), (
        f"no hand-written docs page (docs/**/*.md but {COMMAND_REFERENCE.relative_to(ROOT)}) mentions {name!r}")


# --------------------------------------------------------------------------- README
def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines (at most {MAX_README_LINES})"


def test_readme_has_both_setup_commands() -> None:
    lines = [line.strip() for line in README.read_text(encoding="utf-8").splitlines()]
    for command in SETUP_COMMANDS:
        assert command in lines, f"README.md lacks the set-up command {command!r}"


_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def test_readme_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t for t in _LINK.findall(text) if not re.match(r"^[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]
    assert targets, "README.md links to no docs page"
    for target in targets:
        path = (README.parent / target.split("#", 1)[0]).resolve()
        assert path.exists(), f"README.md links to {target!r}, which does not exist"
    assert any(t.startswith("docs/") for t in targets)


# --------------------------------------------------------------------------- settings reference
def _load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kamgraph_docs_hook", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _leaves(model: type[BaseModel], prefix: tuple[str, ...] = (),
            in_list: bool = False) -> list[tuple[tuple[str, ...], bool]]:
    """Every setting of ``model`` as (path, inside a list of tables), walked independently of the hook."""
    found = []
    for name, info in model.model_fields.items():
        tp = info.annotation
        path = (*prefix, name)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            found.extend(_leaves(tp, path, in_list))
        elif typing.get_origin(tp) is list and isinstance(item := typing.get_args(tp)[0], type) \
                and issubclass(item, BaseModel):
            found.extend(_leaves(item, path, True))
        else:
            found.append((path, in_list))
    return found


def _default(path: tuple[str, ...]) -> object:
    value: object = Settings()
    for part in path:
        value = getattr(value, part)
    return value


def test_settings_reference_documents_every_field() -> None:
    assert "<!-- settings-reference -->" in SETTINGS_PAGE.read_text(encoding="utf-8")
    page = _load_hook().settings_reference_markdown()
    rows = {line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("| `")}
    leaves = _leaves(Settings)
    assert len(leaves) > 80  # the walk went into the nested sections
    for path, in_list in leaves:
        dotted = ".".join(path)
        row = rows.get(f"`{dotted}`")
        assert row is not None, f"the settings reference has no row for {dotted}"
        if in_list:
            continue
        env = "KAMGRAPH_" + "__".join(part.upper() for part in path)
        assert f"`{env}`" in row, f"{dotted}: environment variable {env} missing"
        default = _default(path)
        if isinstance(default, bool):
            assert f"`{'true' if default else 'false'}`" in row, f"{dotted}: default {default} missing"
        elif isinstance(default, int | float):
            assert f"`{default!r}`" in row, f"{dotted}: default {default} missing"
    sections = {".".join(path[:-1]) for path, _ in leaves if len(path) > 1}
    for section in sections:
        assert f"`[{section}]`" in page or f"`[[{section}]]`" in page, f"no heading for [{section}]"


# --------------------------------------------------------------------------- the site
def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    for module in ("mkdocs", "material", "mkdocs_click"):
        require(module)
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    commands = (site / "reference" / "commands" / "index.html").read_text(encoding="utf-8")
    for name in COMMAND_IDS:
        assert f'id="kamgraph-{name.replace(" ", "-")}"' in commands, f"command reference lacks kamgraph {name}"
    settings = (site / "reference" / "settings" / "index.html").read_text(encoding="utf-8")
    assert "<!-- settings-reference -->" not in settings
    assert "KAMGRAPH_ALERTS__DECAY__THRESHOLD" in settings

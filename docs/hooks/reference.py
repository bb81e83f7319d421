"""MkDocs hook: the generated reference pages of the docs site.

* Puts the repository root first on ``sys.path``, so that the ``::: mkdocs-click``
  blocks of ``reference/commands.md`` document this checkout's ``cli.py`` and
  ``kamgraph`` (not an installed copy), and so does the settings reference.
* Replaces the ``<!-- settings-reference -->`` marker of ``reference/settings.md``
  with tables built from the settings model (:class:`kamgraph.settings.Settings`
  and its nested section models): every field with its type, default,
  environment variable and description, section by section, and the complete
  default ``kamgraph.toml``. The page cannot drift from the code because it is
  the code.

Registered in ``mkdocs.yml`` under ``hooks:``; the ``docs/hooks/`` folder is
excluded from the site itself (``exclude_docs``).
"""

from __future__ import annotations

import enum
import inspect
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The repository root: docs/hooks/reference.py -> docs/hooks -> docs -> root.
ROOT = Path(__file__).resolve().parents[2]
#: The page whose marker is replaced, relative to docs/.
SETTINGS_PAGE = "reference/settings.md"
#: The marker in that page.
MARKER = "<!-- settings-reference -->"
#: Environment-variable prefix and separator (as in kamgraph.settings).
ENV_PREFIX = "KAMGRAPH_"
ENV_SEPARATOR = "__"

#: Where each top-level section is explained in prose: (page relative to reference/settings.md, anchor, title).
CONCEPTS = {
    "strength": ("../concepts/xray.md", "strength-threads-and-coverage", "Strength, threads and coverage"),
    "importance": ("../concepts/xray.md", "importance-and-key-stakeholders", "Importance and key stakeholders"),
    "coverage": ("../concepts/xray.md", "coverage-gaps", "Coverage gaps"),
    "cadence": ("../concepts/xray.md", "cadence", "Cadence"),
    "shape": ("../concepts/xray.md", "relationship-shape", "Relationship shape"),
    "bridges": ("../concepts/xray.md", "bridging-contacts", "Bridging contacts"),
    "fragility": ("../concepts/xray.md", "fragility-index-and-connectivity", "Fragility index and connectivity"),
    "actions": ("../concepts/xray.md", "next-actions", "Next actions"),
    "portfolio": ("../concepts/portfolio.md", "qualification-score", "Qualification score"),
    "stage": ("../concepts/portfolio.md", "relationship-stage", "Relationship stage"),
    "ingest": ("../importing.md", "matching-people-and-accounts", "Importing: matching people and accounts"),
    "alerts": ("../departures-and-alerts.md", "monitoring-kamgraph-alerts", "Monitoring"),
    "departures": ("../departures-and-alerts.md", "recording-a-departure", "Departures"),
    "neo4j": ("../stores.md", "connection-settings", "Stores: connection settings"),
    "web": ("../web.md", "security", "The web app: security"),
}


# --------------------------------------------------------------------------- sys.path
def put_checkout_first(root: Path = ROOT) -> None:
    """Make ``root`` the first entry of ``sys.path`` (once)."""
    entry = str(root)
    while entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


put_checkout_first()


def _check_checkout(root: Path) -> None:
    """Fail when ``kamgraph`` or ``cli`` were already imported from somewhere else."""
    import cli
    import kamgraph

    for module in (kamgraph, cli):
        where = Path(module.__file__ or "").resolve()
        if root not in where.parents:
            raise RuntimeError(f"docs hook: {module.__name__} is imported from {where}, not from the checkout {root}")


# --------------------------------------------------------------------------- the settings model, walked
@dataclass(frozen=True)
class Entry:
    """One setting: where it lives, what it holds, its default and what it means."""

    section: tuple[str, ...]  # e.g. ("alerts", "decay"); ("portfolio", "criteria") for the criteria items
    key: str
    annotation: Any
    metadata: tuple[Any, ...]
    default: Any  # JSON form of the effective default; MISSING when required
    description: str
    in_array: bool  # an item of an array of tables (no environment variable of its own)

    @property
    def dotted(self) -> str:
        return ".".join((*self.section, self.key))

    @property
    def env(self) -> str | None:
        if self.in_array:
            return None
        return ENV_PREFIX + ENV_SEPARATOR.join(part.upper() for part in (*self.section, self.key))


@dataclass(frozen=True)
class Section:
    """A table of the settings file: ``[alerts.decay]``, or ``[[portfolio.criteria]]`` for an array."""

    path: tuple[str, ...]
    model: type
    doc: str
    array: bool
    entries: tuple[Entry, ...]

    @property
    def header(self) -> str:
        name = ".".join(self.path)
        return f"[[{name}]]" if self.array else f"[{name}]"


MISSING = object()


def _is_model(tp: Any) -> bool:
    from pydantic import BaseModel

    return inspect.isclass(tp) and issubclass(tp, BaseModel)


def _model_list_item(tp: Any) -> Any:
    """The model of ``list[Model]``, else None."""
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        if _is_model(item):
            return item
    return None


def settings_sections() -> list[Section]:
    """Every section of :class:`kamgraph.settings.Settings`, depth first, with its effective defaults."""
    from kamgraph.settings import Settings

    defaults = Settings().model_dump(mode="json")
    found: list[Section] = []
    for name, info in Settings.model_fields.items():
        _walk(info.annotation, (name,), defaults[name], _description(info), False, found)
    return found


def _walk(model: Any, path: tuple[str, ...], values: dict[str, Any], doc: str, array: bool,
          found: list[Section]) -> None:
    entries = []
    later: list[tuple[Any, tuple[str, ...], Any, str, bool]] = []
    for key, info in model.model_fields.items():
        tp = info.annotation
        if _is_model(tp):
            later.append((tp, (*path, key), values.get(key, {}), _description(info) or _doc(tp), False))
            continue
        item = _model_list_item(tp)
        if item is not None:
            later.append((item, (*path, key), {}, _description(info) or _doc(item), True))
            continue
        if array:
            default = MISSING if info.is_required() else _json(info.get_default(call_default_factory=True))
        else:
            default = values.get(key, MISSING)
        entries.append(Entry(section=path, key=key, annotation=tp, metadata=tuple(info.metadata), default=default,
                             description=_field_description(model, key), in_array=array))
    found.append(Section(path=path, model=model, doc=doc or _doc(model), array=array, entries=tuple(entries)))
    for sub_model, sub_path, sub_values, sub_doc, sub_array in later:
        _walk(sub_model, sub_path, sub_values, sub_doc, sub_array, found)


def _json(value: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Any).dump_python(value, mode="json")


def _field_description(model: Any, key: str) -> str:
    """The field's description, else that of the base class field it overrides (e.g. a rule's ``severity``)."""
    for cls in model.__mro__:
        info = getattr(cls, "model_fields", {}).get(key)
        if info is not None and info.description:
            return info.description.strip()
    return ""


def _description(info: Any) -> str:
    return (info.description or "").strip()


def _doc(model: Any) -> str:
    return inspect.cleandoc(model.__doc__ or "")


# --------------------------------------------------------------------------- rendering
_ROLE = re.compile(r":(?:mod|class|func|meth|attr|data):`~?([^`]+)`")


def _rst_to_md(text: str) -> str:
    """Docstring markup to Markdown: Sphinx roles and ``literals`` become code spans."""
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    return text.replace("``", "`")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _enum_name(tp: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", tp.__name__).lower()


def type_name(tp: Any) -> str:
    """A reader's name for a field's type: ``float``, ``list of buying role``, ``table: meeting kind -> float``."""
    from pydantic import SecretStr

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" (or unset)" if type(None) in args else "")
    if origin is typing.Literal:
        values = [f'"{a}"' for a in args]
        return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"table: {type_name(args[0])} → {type_name(args[1])}"
    if inspect.isclass(tp) and issubclass(tp, enum.Enum):
        return _enum_name(tp)
    if tp is SecretStr:
        return "secret text"
    if tp is str:
        return "text"
    if tp is bool:
        return "true or false"
    return getattr(tp, "__name__", str(tp))


def _bounds(metadata: tuple[Any, ...]) -> str:
    parts = []
    for item in metadata:
        for attr, sign in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
            value = getattr(item, attr, None)
            if value is not None and not callable(value):
                parts.append(f"{sign} {value}")
    return ", ".join(parts)


def toml_value(value: object) -> str:
    """The settings module's TOML writer (imported late: the checkout must be on sys.path first)."""
    from kamgraph.settings import toml_value as write

    return write(value)


def _default_cell(entry: Entry) -> str:
    if entry.default is MISSING:
        return "required"
    if entry.default is None:
        return "unset"
    # Python-Markdown's tables leave a pipe inside a code span alone; an escaped one would show its backslash.
    return f"`{toml_value(entry.default)}`"


def _enums(sections: list[Section]) -> list[type]:
    seen: list[type] = []

    def visit(tp: Any) -> None:
        if inspect.isclass(tp) and issubclass(tp, enum.Enum):
            if tp not in seen:
                seen.append(tp)
            return
        for arg in typing.get_args(tp):
            visit(arg)

    for section in sections:
        for entry in section.entries:
            visit(entry.annotation)
    return seen


def _section_lines(section: Section) -> Iterator[str]:
    depth = "#" * min(len(section.path) + 1, 4)  # [strength] is ##, [alerts.decay] ###
    yield f"{depth} `{section.header}`"
    yield ""
    if section.doc:
        yield _rst_to_md(section.doc)
        yield ""
    top = section.path[0]
    if top in CONCEPTS and len(section.path) == 1:
        page, anchor, title = CONCEPTS[top]
        yield f"Explained in [{title}]({page}#{anchor})."
        yield ""
    if section.array:
        env = ENV_PREFIX + ENV_SEPARATOR.join(p.upper() for p in section.path)
        yield (f"Each `{section.header}` table is one item of the list. From the environment the whole list is "
               f"one TOML array of inline tables: `{env}='[{{ name = \"...\", ... }}]'`.")
        yield ""
    if not section.entries:
        return
    yield "| setting | type | default | environment variable | description |"
    yield "| --- | --- | --- | --- | --- |"
    for entry in section.entries:
        kind = type_name(entry.annotation)
        bounds = _bounds(entry.metadata)
        if bounds:
            kind += f", {bounds}"
        env = f"`{entry.env}`" if entry.env else "–"
        yield (f"| `{entry.dotted}` | {_cell(kind)} | {_default_cell(entry)} | {env} | "
               f"{_cell(entry.description) or '–'} |")
    yield ""
    if not section.array:
        yield "```toml"
        yield section.header
        for entry in section.entries:
            if entry.default is None:
                yield f"# {entry.key} = ...  (unset by default)"
            elif entry.default is not MISSING:
                yield f"{entry.key} = {toml_value(entry.default)}"
        yield "```"
        yield ""


def settings_reference_markdown() -> str:
    """The generated part of the settings reference page."""
    from kamgraph.settings import Settings, settings_toml

    sections = settings_sections()
    lines: list[str] = []
    enums = _enums(sections)
    if enums:
        lines += ["## Value types", "", "| type | values |", "| --- | --- |"]
        for tp in enums:
            values = ", ".join(f"`{member.value}`" for member in tp)
            lines.append(f"| {_enum_name(tp)} | {values} |")
        lines.append("")
    for section in sections:
        lines += list(_section_lines(section))
    lines += ["## The whole default file", "",
              "What `kamgraph config show` prints when nothing overrides a default:", "",
              "```toml", settings_toml(Settings()).rstrip("\n"), "```", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- MkDocs events
def on_startup(command: str, dirty: bool) -> None:
    put_checkout_first()


def on_config(config: Any) -> Any:
    root = Path(config.config_file_path).resolve().parent
    put_checkout_first(root)
    _check_checkout(root)
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri != SETTINGS_PAGE:
        return markdown
    if MARKER not in markdown:
        raise RuntimeError(f"docs hook: {SETTINGS_PAGE} has lost its {MARKER} marker")
    return markdown.replace(MARKER, settings_reference_markdown())

"""What an installed kamgraph looks like (checked when it is installed as a distribution)."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from .conftest import skip_unless_ci

ROOT = Path(__file__).parent.parent


def test_cli_runs_from_a_checkout() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "kamgraph" in result.stdout


def test_library_imports_neither_click_nor_a_driver_at_top_level() -> None:
    modules = ["kamgraph", "kamgraph.views.xray", "kamgraph.ingest", "kamgraph.store", "kamgraph.samples.demo",
               "kamgraph.monitor.alerts", "kamgraph.monitor.sync", "kamgraph.monitor.departure",
               "kamgraph.monitor.webhook", "kamgraph.views.alerts_text", "kamgraph.views.graph_export",
               "kamgraph.views.report.content", "kamgraph.views.report.html", "kamgraph.views.report.markdown",
               "kamgraph.portfolio.table"]
    code = (f"import sys, {', '.join(modules)};"
            "print(sorted(m for m in ('click', 'neo4j', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def _installed_files() -> set[str]:
    """The files of the installed kamgraph distribution (skips the test when there is none to look at)."""
    try:
        files = metadata.files("kamgraph")
    except metadata.PackageNotFoundError:
        pytest.skip("kamgraph is not installed as a distribution (running from a checkout)")
    names = {str(f) for f in files or []}
    if not any(n.startswith("kamgraph/") for n in names):
        pytest.skip("editable install: the wheel layout is not visible")
    return names


def test_installed_distribution_ships_cypher_and_no_bare_cli_module() -> None:
    names = _installed_files()
    assert "kamgraph_cli.py" in names
    assert "cli.py" not in names
    shipped = {n for n in names if n.startswith("kamgraph/cypher/")}
    expected = {f"kamgraph/cypher/{p.name}" for p in (ROOT / "cypher").iterdir() if p.is_file()}
    assert expected and expected <= shipped
    scripts = [ep for ep in metadata.entry_points(group="console_scripts") if ep.name == "kamgraph"]
    assert scripts and scripts[0].value == "kamgraph_cli:main"


def test_installed_distribution_ships_the_compiled_kernels() -> None:
    names = _installed_files()
    compiled = [n for n in names if n.startswith("kamgraph/kernels/_compiled.") and n.endswith((".so", ".pyd"))]
    if not compiled and os.environ.get("CI") != "true":
        skip_unless_ci("installed without compiled kernels (no C compiler when it was built)")
    assert compiled, "the wheel has no compiled kernels: building kamgraph/kernels/_compiled.pyx failed"
    assert "kamgraph/kernels/_compiled.c" not in names


def test_only_the_package_root_modules_sit_directly_in_kamgraph() -> None:
    """Every concern has its subpackage: kamgraph/ itself holds only the public API, errors and settings."""
    top = sorted(p.name for p in (ROOT / "kamgraph").iterdir() if p.suffix in (".py", ".pyx"))
    assert top == ["__init__.py", "errors.py", "settings.py"]
    packages = sorted(p.name for p in (ROOT / "kamgraph").iterdir()
                      if p.is_dir() and not p.is_symlink() and (p / "__init__.py").exists())
    assert packages == ["analysis", "domain", "graph", "ingest", "kernels", "monitor", "portfolio", "samples",
                        "store", "views", "web"]


def test_the_cypher_files_have_one_home() -> None:
    """kamgraph/cypher is the top-level cypher/ folder itself (a link the wheel build follows), not a copy."""
    link = ROOT / "kamgraph" / "cypher"
    assert link.is_symlink() and link.resolve() == (ROOT / "cypher").resolve()


def test_public_api_names_resolve() -> None:
    import kamgraph

    for name in kamgraph.__all__:
        assert getattr(kamgraph, name) is not None, name

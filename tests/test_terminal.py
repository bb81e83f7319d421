"""A terminal view that fits: widths, CJK, truncation, colour, the pager, units and wording."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.views.formatting import use_color
from kamgraph.views.text import table

from .conftest import CANONICAL

ROOT = Path(__file__).resolve().parents[1]
AS_OF = ["--as-of", "2026-11-22"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def width(line: str) -> int:
    """Terminal cells of a line, worked out from the Unicode tables (not with rich): wide and full-width
    characters take two, combining marks none, escape codes none."""
    line = ANSI.sub("", line)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("terminal") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return url


def text(store: str, *args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(cli, ["--store", store, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def data(store: str, *args: str) -> dict:  # type: ignore[type-arg]
    return json.loads(text(store, *args, "--json"))


TEXT_COMMANDS = [["xray", "northwind", *AS_OF], ["gaps", "northwind", *AS_OF], ["bridges", "northwind", *AS_OF],
                 ["fragility", "northwind", *AS_OF], ["matrix", "northwind", *AS_OF],
                 ["whatif", "northwind", "--leave", "Maya Lindqvist", *AS_OF], ["accounts"], ["people"],
                 ["show", "Maya Lindqvist", *AS_OF], ["leave", "Maya Lindqvist", "--dry-run", "--date", "2026-11-22"],
                 ["portfolio", *AS_OF]]


@pytest.mark.parametrize("columns", [100, 72])
@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=lambda a: a[0])
def test_every_line_fits(demo: str, args: list[str], columns: int) -> None:
    out = text(demo, *args, columns=columns)
    too_wide = [line for line in out.splitlines() if width(line) > columns]
    assert too_wide == []


def test_xray_was_wider_and_now_fits_100(demo: str) -> None:
    wide = text(demo, "xray", "northwind", *AS_OF, columns=400)
    assert max(width(line) for line in wide.splitlines()) > 150  # what it needs when it may
    narrow = text(demo, "xray", "northwind", *AS_OF, columns=100)
    assert max(width(line) for line in narrow.splitlines()) <= 100
    # nothing is lost but characters of cells: every stakeholder still has its row
    report = data(demo, "xray", "northwind", *AS_OF)
    for person in report["stakeholders"]:
        assert any(person["name"][:6] in line for line in narrow.splitlines())


def test_cut_cells_carry_a_marker_and_keep_their_start(demo: str) -> None:
    report = data(demo, "xray", "northwind", *AS_OF)
    narrow = text(demo, "xray", "northwind", *AS_OF, columns=80)
    titles = {p["title"] for p in report["stakeholders"] if p["title"]}
    cut = re.findall(r"(\S[^…]*?)…", narrow)
    assert cut, "something must be cut at 80 columns"
    # a cut title is the start of a real title
    assert any(any(t.startswith(piece.strip().split("  ")[-1]) for t in titles) for piece in cut)


def test_cjk_names_are_measured_as_two_cells(tmp_path: Path) -> None:
    store = str(tmp_path / "cjk.db")
    extra = tmp_path / "stakeholders-cjk.csv"
    extra.write_text("id,account,name,title,department,influence\n"
                     "c-wang,acme,王小明,首席技术官兼研发中心负责人,技术部,5\n"
                     "c-kim,acme,김민준,구매 담당 이사,구매팀,4\n", encoding="utf-8")
    files = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]
    result = CliRunner().invoke(cli, ["--store", store, "import", *files, str(extra)])
    assert result.exit_code == 0, result.output
    for columns in (60, 90):
        out = text(store, "xray", "acme", "--as-of", "2025-03-15", columns=columns)
        assert "王小明" in out and "김민준" in out
        assert max(width(line) for line in out.splitlines()) <= columns
    assert width("王小明") == 6
    lines = table(["name", "title"], [["王小明", "首席技术官兼研发中心负责人"]], width=24).splitlines()
    assert all(width(line) <= 24 for line in lines) and lines[2].rstrip().endswith("…")


def test_colour_in_the_library_is_off_unless_asked() -> None:
    rows = [["Ana", "overdue"], ["Ben", "ok"]]
    assert "\x1b[" not in table(["name", "cadence"], rows)
    use_color(True)
    try:
        coloured = table(["name", "cadence"], rows)
    finally:
        use_color(False)
    assert re.search(r"\x1b\[[0-9;]*31m[^\x1b]*overdue", coloured)  # red
    assert ANSI.sub("", coloured) == table(["name", "cadence"], rows)


def _on_a_terminal(args: list[str], env: dict[str, str], cols: int = 100, rows: int = 40) -> str:
    """Run the real command line on a pseudo-terminal (stdin and stdout are a tty) and return what it showed."""
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "PAGER")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stdin=slave, stdout=slave,
                            stderr=slave, env={**clean, **env}, cwd=ROOT, close_fds=True)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        proc.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_and_pager_on_a_terminal_only(demo: str, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ncat > {paged}\n")
    script.chmod(0o755)
    pager = {"PAGER": str(script)}
    xray = ["--store", demo, "xray", "northwind", *AS_OF]
    coloured = _on_a_terminal(["--no-pager", *xray], pager)
    assert not paged.exists()
    assert re.search(r"\x1b\[[0-9;]*31m[^\x1b]*overdue", coloured), "status words are red on a terminal"
    assert max(width(line) for line in coloured.splitlines()) <= 100  # the terminal's own width, no COLUMNS
    assert "\x1b[" not in _on_a_terminal(["--no-pager", *xray], {**pager, "NO_COLOR": "1"})
    assert "\x1b[" not in _on_a_terminal(["--no-color", "--no-pager", *xray], pager)
    shown = _on_a_terminal(xray, pager)
    assert paged.is_file(), "a long X-ray on a terminal goes through the pager"
    assert "RELATIONSHIP X-RAY" in paged.read_text() and "Traceback" not in shown
    paged.unlink()
    short = _on_a_terminal(["--store", demo, "accounts"], pager)
    assert not paged.exists() and "northwind" in short  # short output is printed, not paged
    # in a pipe: neither colour nor pager
    piped = subprocess.run([sys.executable, str(ROOT / "cli.py"), *xray], capture_output=True, text=True,
                           env={**os.environ, **pager}, cwd=ROOT, check=True)
    assert not paged.exists() and "\x1b[" not in piped.stdout and "RELATIONSHIP X-RAY" in piped.stdout


# --------------------------------------------------------------------------- one unit per figure, one name per quantity
def _percent(cell: str) -> float:
    assert cell.endswith("%"), cell
    return float(cell[:-1])


def test_whatif_units_and_wording(demo: str) -> None:
    result = data(demo, "whatif", "northwind", "--leave", "Maya Lindqvist", *AS_OF)
    out = text(demo, "whatif", "northwind", "--leave", "Maya Lindqvist", *AS_OF, columns=120)
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.startswith("  ") and line.split() and line.split()[0] in result["before"]}
    for figure in ("coverage", "weighted_coverage", "key_coverage", "reachable", "concentration", "fragility_index"):
        before, after = rows[figure][:2]
        assert abs(_percent(before) - 100 * result["before"][figure]) <= 0.5
        assert abs(_percent(after) - 100 * result["after"][figure]) <= 0.5
    assert rows["health"][:2] == [f"{round(result['before']['health'])}/100", f"{round(result['after']['health'])}/100"]
    assert rows["covered"][:2] == [str(result["before"]["covered"]), str(result["after"]["covered"])]
    # people by name, not by id
    assert "st-" not in out.split("STAKEHOLDERS LOST")[0]
    lost, uncovered, cut_off = result["unreachable"], result["uncovered"], result["cut_off"]
    assert {p["id"] for p in lost} == {p["id"] for p in uncovered} | {p["id"] for p in cut_off}
    assert f"STAKEHOLDERS LOST ({len(lost)})" in out
    assert f"uncovered, no thread left ({len(uncovered)})" in out
    assert f"cut off, no path to our team left ({len(cut_off)})" in out
    assert "UNREACHABLE" not in out and "no path to our team at all" not in out
    share = re.search(r"share lost (\d+\.\d)%", out)
    assert share and abs(float(share[1]) - 100 * result["lost_importance_share"]) <= 0.05


def test_leave_uses_the_same_words_and_units(demo: str) -> None:
    impact = data(demo, "leave", "Maya Lindqvist", "--dry-run", "--date", "2026-11-22")
    out = text(demo, "leave", "Maya Lindqvist", "--dry-run", "--date", "2026-11-22", columns=120)
    w = impact["accounts"][0]["whatif"]
    assert f"HEALTH {round(w['before']['health'])}/100 -> {round(w['after']['health'])}/100" in out
    assert f"FRAGILITY INDEX {100 * w['before']['fragility_index']:.0f}% ->" in out
    assert f"STAKEHOLDERS LOST ({len(w['unreachable'])})" in out


def test_fragility_separates_uncovered_from_cut_off(demo: str) -> None:
    report = data(demo, "fragility", "northwind", *AS_OF)
    out = text(demo, "fragility", "northwind", *AS_OF, "--limit", "40", columns=400)
    names = {}
    for row in report["fragility"]["people"]:
        names.update({p["id"]: p["name"] for p in row["lost"]})
    for row in report["fragility"]["people"][:40]:
        line = next(line for line in out.splitlines() if line.strip().startswith(row["name"] + "  "))
        cut_names = [names[i] for i in row["lost_paths"]]
        uncovered_names = [names[i] for i in row["lost_threads"] if i not in row["lost_paths"]]
        cut_cell = line.split("  ")[-1].strip()
        expected = (", ".join(cut_names[:3]) + (f" (+{len(cut_names) - 3} more)" if len(cut_names) > 3 else "")
                    if cut_names else "none")
        assert cut_cell == expected or (cut_cell.endswith("…") and expected.startswith(cut_cell[:-1]))
        for name in uncovered_names[:3]:
            assert name in line
    # connectivity counts only cut-offs: a stakeholder listed as uncovered but never cut off can have connectivity > 1
    assert "how many departures it takes to cut them off" in out


def test_portfolio_units(demo: str) -> None:
    rows = data(demo, "portfolio", *AS_OF)["rows"]
    out = text(demo, "portfolio", *AS_OF, columns=250)
    for row in rows:
        line = next(line for line in out.splitlines() if line.strip().startswith(row["account"] + " "))
        assert f"{round(row['health'])}/100" in line
        assert f"{100 * row['coverage']:.0f}%" in line

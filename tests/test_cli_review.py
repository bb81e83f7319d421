"""The export, plot and report commands, in-process; and the X-ray command never imports matplotlib."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import cli

ROOT = Path(__file__).parent.parent
AS_OF = ["--as-of", "2026-11-22"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("review") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return url


def test_export_to_stdout_and_files(runner: CliRunner, store: str, tmp_path: Path) -> None:
    out = runner.invoke(cli, ["--store", store, "export", "northwind", "--format", "json", *AS_OF])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["graph"]["account"] == "northwind" and data["multigraph"] is True
    assert {n["kind"] for n in data["nodes"]} == {"staff", "stakeholder"}

    target = tmp_path / "nw.graphml"
    result = runner.invoke(cli, ["--store", store, "export", "Northwind Logistics", "-o", str(target), *AS_OF,
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["written"][0]["path"] == str(target)
    g = nx.read_graphml(target)
    assert g.number_of_nodes() == len(data["nodes"]) and g.number_of_edges() == len(data["links"])

    gexf = runner.invoke(cli, ["--store", store, "export", "northwind", "--format", "gexf", *AS_OF]).output
    assert gexf.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3"')


def test_export_all_accounts_as_csv(runner: CliRunner, store: str, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--store", store, "export", "--all", "--format", "csv", "-o",
                                 str(tmp_path / "portfolio.csv"), *AS_OF])
    assert result.exit_code == 0, result.output
    nodes = list(csv.DictReader((tmp_path / "portfolio-nodes.csv").open()))
    edges = list(csv.DictReader((tmp_path / "portfolio-edges.csv").open()))
    accounts = {row["account"] for row in nodes if row[":LABEL"].startswith("Person;Stakeholder")}
    assert accounts == {"northwind", "helios", "quarry", "orbit"}
    assert len({row["id:ID"] for row in nodes}) == len(nodes)  # staff on two accounts appear once
    assert {row["account"] for row in edges} == accounts
    stdout = runner.invoke(cli, ["--store", store, "export", "orbit", "--format", "csv", *AS_OF]).output
    first, second = stdout.split("\n\n", 1)
    assert first.startswith("id:ID,:LABEL") and second.startswith(":START_ID,:END_ID,:TYPE")
    assert list(csv.reader(io.StringIO(second)))[1][2] in ("MET", "REPORTS_TO", "KNOWS", "INFLUENCES")


def test_export_errors(runner: CliRunner, store: str, tmp_path: Path) -> None:
    both = runner.invoke(cli, ["--store", store, "export", "northwind", "--all"])
    assert both.exit_code == 2 and "one ACCOUNT or --all" in both.output
    unknown = runner.invoke(cli, ["--store", store, "export", "nowhere"])
    assert unknown.exit_code == 2 and "nowhere" in unknown.output
    nodir = runner.invoke(cli, ["--store", store, "export", "orbit", "-o", str(tmp_path / "no" / "x.graphml")])
    assert nodir.exit_code == 1 and nodir.output.startswith("Error: cannot write")


def test_plot_command(runner: CliRunner, store: str, tmp_path: Path) -> None:
    target = tmp_path / "timeline.svg"
    result = runner.invoke(cli, ["--store", store, "plot", "northwind", "--kind", "timeline", "--by", "buying_role",
                                 "-o", str(target), *AS_OF, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["written"][0]["bytes"] == target.stat().st_size > 10_000
    assert "champion" in target.read_text()
    bad = runner.invoke(cli, ["--store", store, "plot", "northwind", "-o", str(tmp_path / "map.gif")])
    assert bad.exit_code == 2 and ".png, .svg or .pdf" in bad.output


def test_report_command_html_and_markdown(runner: CliRunner, store: str, tmp_path: Path) -> None:
    page = tmp_path / "review.html"
    result = runner.invoke(cli, ["--store", store, "report", "helios", "-o", str(page), *AS_OF, "--top-risks", "1"])
    assert result.exit_code == 0, result.output
    assert "Helios Health: account review" in page.read_text() and f"Wrote {page}" in result.output
    md = tmp_path / "helios.md"
    result = runner.invoke(cli, ["--store", store, "report", "helios", "--format", "md", "-o", str(md), *AS_OF])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["helios-map.png", "helios-matrix.png",
                                                          "helios-timeline.png", "helios.md", "review.html"]


def test_xray_command_does_not_import_matplotlib(store: str) -> None:
    code = ("import sys, cli\n"
            "try:\n"
            f"    cli.main(['--store', {store!r}, 'xray', 'northwind', '--as-of', '2026-11-22'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "import kamgraph.views.graph_export\n"
            "print('MATPLOTLIB', 'matplotlib' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "RELATIONSHIP X-RAY" in result.stdout
    assert result.stdout.strip().endswith("MATPLOTLIB False")


def test_report_command_pptx_json_and_compare_days(runner: CliRunner, store: str, tmp_path: Path) -> None:
    from pptx import Presentation

    deck = tmp_path / "northwind.pptx"
    result = runner.invoke(cli, ["--store", store, "report", "northwind", "--format", "pptx", "-o", str(deck),
                                 *AS_OF, "--json", "--compare-days", "30"])
    assert result.exit_code == 0, result.output
    written = json.loads(result.output)["written"]
    assert written == [{"path": str(deck), "bytes": deck.stat().st_size}]
    slides = list(Presentation(str(deck)).slides)
    assert len(slides) == 6 and "compared with 2026-10-23" in slides[0].placeholders[1].text


def test_report_command_branded_templates_from_settings(runner: CliRunner, store: str, tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "report.html.j2").write_text('{% extends "base.html.j2" %}{% block footer %}<footer>ACME review'
                                          "</footer>{% endblock %}", encoding="utf-8")
    config = tmp_path / "kamgraph.toml"
    config.write_text(f"[report]\ntemplate_dir = {json.dumps(str(brand))}\n", encoding="utf-8")
    page = tmp_path / "r.html"
    result = runner.invoke(cli, ["--store", store, "--config", str(config), "report", "northwind", "-o", str(page),
                                 *AS_OF])
    assert result.exit_code == 0, result.output
    assert "<footer>ACME review</footer>" in page.read_text()
    config.write_text('[report]\ntemplate_dir = "/nonexistent/brand"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--store", store, "--config", str(config), "report", "northwind", "-o",
                                 str(tmp_path / "x.html"), *AS_OF])
    assert result.exit_code == 2 and "not a folder of report templates" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.html").exists()


def test_plot_map_only_and_slide_options(runner: CliRunner, store: str, tmp_path: Path) -> None:
    out = tmp_path / "key.svg"
    result = runner.invoke(cli, ["--store", store, "plot", "northwind", "--only", "key", "--slide", "-o", str(out),
                                 *AS_OF])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert "Ingrid Solberg" in svg and "Kofi Mensah" not in svg  # the CFO is key, an integration engineer is not
    result = runner.invoke(cli, ["--store", store, "plot", "northwind", "--only", "vip", "-o", str(out), *AS_OF])
    assert result.exit_code == 2 and "--only" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["--store", store, "plot", "northwind", "--kind", "matrix", "--only", "key", "-o",
                                 str(out), *AS_OF])
    assert result.exit_code == 2

"""Wall time of ``kamgraph report`` and ``kamgraph plot`` against ``kamgraph xray`` for the same account.

Issue #15, item 4: ``report`` within 2.5x the wall time of ``xray``, ``plot`` within 2x. All are run
as fresh processes on the demo store, in turn (xray, report, plot, xray, ...), ``--runs`` times, so the
medians and ratios come from one run of this script, side by side. ``plot`` is timed writing SVG
(kamgraph's own writer, no matplotlib), PNG (that SVG rasterised by resvg, no matplotlib either: what
``plot -o FILE.png`` does) and, for comparison, PNG by matplotlib (the fallback when ``resvg`` is not
installed: the same command with ``resvg`` hidden from the interpreter).

Usage::

    python benchmarks/report_speed.py [--runs 9] [--format html] [--kind map]

Measured 2026-12-01 (``--runs 9``, 2 cores shared with other jobs, load average about 17): xray 2025 ms,
report (html) 3018 ms, plot (map, svg) 2148 ms, plot (map, png by matplotlib) 8380 ms -- report / xray
1.49 (goal 2.5), plot svg / xray 1.06 (goal 2), plot png / xray 4.14 (matplotlib's import). Before the SVG
writer (same machine, load about 10): report / xray 4.40, plot (png) / xray 4.17. With the PNG from resvg
(``--runs 5``, load about 6.5): xray 841 ms, report 1212 ms, plot svg 966 ms, plot png 1418 ms, plot png by
matplotlib 3433 ms -- report / xray 1.44, plot svg / xray 1.15, plot png / xray 1.69 (goal 2), png by
matplotlib / xray 4.08.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANCHOR = "2026-11-22"
#: ``python -c HIDE_RESVG ARGS...``: ``kamgraph ARGS...`` as if resvg were not installed (matplotlib's PNG).
HIDE_RESVG = (f"import runpy, sys; sys.modules['resvg'] = None; sys.path.insert(0, {str(ROOT)!r}); "
              f"sys.argv = ['kamgraph', *sys.argv[1:]]; runpy.run_path({str(ROOT / 'cli.py')!r}, run_name='__main__')")


def _time(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--format", default="html", help="report format (html, md, pdf, pptx)")
    parser.add_argument("--kind", default="map", help="plot kind (map, matrix, timeline)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "demo.db"
        cli = [sys.executable, str(ROOT / "cli.py"), "--store", str(store)]
        subprocess.run([*cli, "demo", "--as-of", ANCHOR], cwd=work, check=True, stdout=subprocess.DEVNULL)
        commands = {
            "xray": [*cli, "xray", "northwind", "--as-of", ANCHOR],
            "report": [*cli, "report", "northwind", "--as-of", ANCHOR, "--format", args.format,
                       "-o", str(work / f"review.{args.format}")],
            "plot": [*cli, "plot", "northwind", "--as-of", ANCHOR, "--kind", args.kind, "-o", str(work / "map.svg")],
            "plot-png": [*cli, "plot", "northwind", "--as-of", ANCHOR, "--kind", args.kind, "-o",
                         str(work / "map.png")],
            "plot-mpl": [sys.executable, "-c", HIDE_RESVG, *cli[2:], "plot", "northwind", "--as-of", ANCHOR,
                         "--kind", args.kind, "-o", str(work / "map-mpl.png")],
        }
        for cmd in commands.values():  # warm the file cache
            _time(cmd, work)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(_time(cmd, work))
    med = {name: statistics.median(values) for name, values in times.items()}
    for name, value in med.items():
        print(f"kamgraph {name:<8} median {value * 1000:6.0f} ms over {args.runs} runs")
    print(f"ratio report ({args.format}) / xray:    {med['report'] / med['xray']:.2f} (goal <= 2.5)")
    print(f"ratio plot ({args.kind}, svg) / xray: {med['plot'] / med['xray']:.2f} (goal <= 2)")
    print(f"ratio plot ({args.kind}, png) / xray: {med['plot-png'] / med['xray']:.2f} (resvg; goal <= 2)")
    print(f"ratio plot ({args.kind}, png by matplotlib) / xray: {med['plot-mpl'] / med['xray']:.2f} "
          "(the fallback without resvg)")


if __name__ == "__main__":
    main()

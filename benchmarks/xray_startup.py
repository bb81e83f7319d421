"""Wall time of ``kamgraph xray`` on the demo account vs. ``python -c "import networkx, pydantic, click"``.

The issue's goal: the X-ray takes at most about twice as long as importing the
three libraries it is built on. Both are run as fresh processes, alternately,
``--runs`` times; medians and their ratio are printed.

Usage::

    python benchmarks/xray_startup.py [--runs 15]
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


def _time(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "demo.db"
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "--store", str(store), "demo", "--as-of", ANCHOR],
                       cwd=work, check=True, stdout=subprocess.DEVNULL)
        baseline_cmd = [sys.executable, "-c", "import networkx, pydantic, click"]
        xray_cmd = [sys.executable, str(ROOT / "cli.py"), "--store", str(store), "xray", "northwind",
                    "--as-of", ANCHOR]
        _time(baseline_cmd, work), _time(xray_cmd, work)  # warm the file cache
        base, xray = [], []
        for _ in range(args.runs):
            base.append(_time(baseline_cmd, work))
            xray.append(_time(xray_cmd, work))
    b, x = statistics.median(base), statistics.median(xray)
    print(f"import networkx, pydantic, click: median {b * 1000:.0f} ms over {args.runs} runs")
    print(f"kamgraph xray northwind:          median {x * 1000:.0f} ms over {args.runs} runs")
    print(f"ratio xray / imports: {x / b:.2f} (goal <= 2)")


if __name__ == "__main__":
    main()

"""``kamgraph report --format pptx`` without python-pptx (the ``report`` extra, not in a plain install): one line
naming the extra, exit 1, no traceback and no file (found trying the README's install as a new user)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pptx_without_python_pptx_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "demo.db")]
    subprocess.run([sys.executable, str(ROOT / "cli.py"), *store, "demo"], cwd=tmp_path, check=True,
                   capture_output=True)
    code = ("import runpy, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "sys.modules['pptx'] = None\n"  # as if python-pptx were not installed
            f"sys.argv = ['kamgraph', *{[*store, 'report', 'northwind', '--format', 'pptx', '-o', 'x.pptx']!r}]\n"
            f"runpy.run_path({str(ROOT / 'cli.py')!r}, run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "Error: kamgraph report --format pptx needs python-pptx: pip install 'kamgraph[report]'"]
    assert "Traceback" not in out.stderr and not (tmp_path / "x.pptx").exists()

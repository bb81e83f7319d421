"""Build kamgraph's compiled kernels (``kamgraph/kernels/_compiled.pyx``, Cython).

Two uses:

* hatchling runs :class:`KernelsBuildHook` when it builds a wheel
  (``pip install .``): the kernels are compiled and shipped in the wheel. When
  they cannot be compiled (no C compiler, say) the hook warns and the wheel
  holds the plain Python twins only; kamgraph works the same, slower.
  ``KAMGRAPH_NO_KERNELS=1`` skips the compilation.
* ``python hatch_build.py`` compiles them into the checkout
  (``kamgraph/kernels/_compiled.*.so``), for running the tests and benchmarks from
  the source tree; it needs Cython and setuptools (the test extra has both).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
SOURCE = Path("kamgraph") / "kernels" / "_compiled.pyx"
MODULE = "kamgraph.kernels._compiled"

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, without hatchling
    BuildHookInterface = object  # type: ignore[assignment,misc]


def compile_kernels(work: Path) -> Path:
    """Cythonize and compile the kernels under ``work``; return the built extension's path."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    cwd = Path.cwd()
    os.chdir(ROOT)  # cythonize and build_ext resolve the source relative to the project
    try:
        extension = Extension(MODULE, [str(SOURCE)], extra_compile_args=["-O2"])
        modules = cythonize([extension], quiet=True, build_dir=str(work / "c"),
                            compiler_directives={"language_level": 3})
        command = build_ext(Distribution({"name": "kamgraph-kernels", "ext_modules": modules}))
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "tmp")
        command.ensure_finalized()
        command.run()
        return Path(command.get_ext_fullpath(MODULE)).resolve()
    finally:
        os.chdir(cwd)


class KernelsBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    """Compile the kernels into the wheel (see the module docstring)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile, then ship the extension as ``kamgraph/<name>`` with a platform tag."""
        if self.target_name != "wheel" or os.environ.get("KAMGRAPH_NO_KERNELS"):
            return
        try:
            built = compile_kernels(ROOT / "build" / "kernels")
        except Exception as exc:  # no compiler, no headers: ship the Python twins only
            warnings.warn(f"kamgraph: compiled kernels not built ({exc}); the pure Python kernels will run",
                          stacklevel=1)
            return
        if version == "editable":
            shutil.copy2(built, ROOT / "kamgraph" / "kernels" / built.name)
            return
        build_data["force_include"][str(built)] = f"kamgraph/kernels/{built.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


def main() -> int:
    """Compile the kernels into the checkout."""
    built = compile_kernels(ROOT / "build" / "kernels")
    target = ROOT / "kamgraph" / "kernels" / built.name
    shutil.copy2(built, target)
    print(f"compiled kernels: {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

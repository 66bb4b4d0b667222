"""Build hook (all other metadata is in pyproject.toml).

A built wheel carries copies of the top-level ``curriculum/`` and ``migrations/`` folders as
``fellowship/_bundled/``, so an installed Fellowship finds its modules and its schema history without the
source tree. An editable install (``make``'s ``pip install -e .``) reads them from the checkout instead.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("curriculum", "migrations")


class BuildWithContent(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in BUNDLED:
            target = Path(self.build_lib) / "fellowship" / "_bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithContent})

"""An installed wheel carries everything the app needs at run time: its curriculum, its migrations, its
translations and static files (no source checkout, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fellowship import PROJECT_DIR, content_dir


def test_content_dir_prefers_the_checkout_and_falls_back_to_the_bundled_copy(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "fellowship").mkdir(parents=True)
    (checkout / "curriculum").mkdir()
    (checkout / "pyproject.toml").write_text("", "utf-8")
    assert content_dir("curriculum", checkout / "fellowship") == checkout / "curriculum"
    site = tmp_path / "site-packages"
    (site / "fellowship").mkdir(parents=True)
    (site / "migrations").mkdir()  # somebody else's stray folder is never taken for ours
    assert content_dir("migrations", site / "fellowship") == site / "fellowship" / "_bundled" / "migrations"


@pytest.mark.slow
def test_built_wheel_runs_from_its_own_files(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(
        PROJECT_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "instance", "build", "dist", "*.egg-info", "__pycache__"
        ),
    )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            wheels,
            source,
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("fellowship-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "fellowship/_bundled/curriculum/coop_fellowship/business-model-canvas.yaml",
        "fellowship/_bundled/curriculum/erg_academy/toolbox.yaml",
        "fellowship/_bundled/migrations/env.py",
        "fellowship/static/js/autosave.js",
        "fellowship/translations/he/LC_MESSAGES/messages.mo",
        "fellowship/curriculum/templates/curriculum/worksheet.html",
    }
    assert expected <= names
    assert any(n.startswith("fellowship/_bundled/migrations/versions/") for n in names)

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, wheel],
        check=True,
        capture_output=True,
    )
    probe = (
        "import fellowship, pathlib\n"
        "from fellowship import content_dir, create_app\n"
        "from fellowship.curriculum import loader\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'})\n"
        "result = loader.read_all(loader.curriculum_dir(app.config))\n"
        "print(pathlib.Path(fellowship.__file__).parent)\n"
        "print(len(result.modules), len(result.errors))\n"
        "print(app.extensions['migrate'].directory)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("FELLOWSHIP_MIGRATIONS_DIR", None)
    env.pop("FELLOWSHIP_CURRICULUM_DIR", None)
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env, cwd=tmp_path
    ).stdout.split("\n")
    assert out[0] == str(site / "fellowship")
    shipped = len(list((PROJECT_DIR / "curriculum").glob("*/*.yaml")))  # every module of the checkout (24)
    assert shipped >= 24 and out[1] == f"{shipped} 0"
    assert out[2] == str(site / "fellowship" / "_bundled" / "migrations")

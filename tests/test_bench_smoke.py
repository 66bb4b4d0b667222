"""A smoke run of the benchmark harness (small data, one second per path), so `make bench` keeps working.
The real run is `make bench`; its table is in bench/README.md."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from fellowship import PROJECT_DIR


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (apt-get install wrk)")
def test_benchmark_harness_runs_on_small_data() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--db",
            "sqlite",
            "--scale",
            "smoke",
            "--seconds",
            "1",
            "--connections",
            "2",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = result.stdout
    for path in ("contest gallery", "vote confirmation (POST)", "impact report (a year)", "baseline insert"):
        assert f"| {path} |" in table
    assert "| -" not in table  # every page answered the in-process query count (no error status)

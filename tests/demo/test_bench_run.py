"""`make bench` runs end to end at a tiny scale: seeds a new database, serves it with gunicorn under the
production settings, times every page and writes its report. Timings are not checked here (CI is not the
benchmark machine); that every page answered, and as the logins expect, is."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from demo.bench.pages import LOGIN


def test_the_benchmark_serves_every_page_under_production_settings_and_writes_its_report(tmp_path: Path) -> None:
    database = tmp_path / "bench.sqlite3"
    out = tmp_path / "reports"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "manage.py", "bench", "--patients", "60", "--requests", "2", "--warmup", "1"]
    finished = subprocess.run(
        [*command, "--out", str(out)], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    [report] = out.glob("*.md")
    text = report.read_text()
    assert "**Errors.**" not in text
    table = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    rows = table[1:]
    assert len(rows) > 15
    assert any(row.startswith(f"| {LOGIN} ") for row in rows)
    # A page that answered with an error, or with another status than its login expects, says so in its row.
    assert not [row for row in rows if "status" in row or "error" in row.lower()], rows
    assert all(row.split("|")[3].strip() not in ("", "—") for row in rows if "throughput" not in row), rows

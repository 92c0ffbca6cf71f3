"""`forecasts serve` on a new machine: migrates, seeds an empty registry, prints the URL,
and serves the seeded home page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_on_the_default_sqlite_file(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "FORECASTS_HOME": str(tmp_path / "home")}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from forecasts.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Open http://"):
                break
        output = "".join(lines)
        assert "seed registry loaded: added 1 pundit, 1 source, 7 questions" in output
        assert f"Open http://localhost:{port}/" in output
        assert output.count("http://") == 1  # one address, not 127.0.0.1 beside localhost
        assert "Flask's development server: right for local use, not for production" in output
        assert "gunicorn --workers 4 --bind 0.0.0.0:8000 'web:create_app()'" in output
        assert (tmp_path / "home" / "registry.sqlite3").exists()
        html = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    html = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert html.count('class="question"') == 7
    finally:
        process.terminate()
        process.wait(timeout=10)

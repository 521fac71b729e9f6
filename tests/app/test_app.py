"""The service answers /healthz and serves its OpenAPI page; `vanthu serve` really listens."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
from fastapi.testclient import TestClient

from registry.db import head_revision
from tests.servers import free_port
from vanthu.app import create_app


def test_healthz_reports_the_database_and_schema(services):
    with TestClient(create_app(services=services)) as client:
        body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")
    assert body["schema"] == head_revision()


def test_openapi_page_and_schema_are_served(sqlite_services):
    with TestClient(create_app(services=sqlite_services)) as client:
        page = client.get("/docs")
        spec = client.get("/openapi.json").json()
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assert "/healthz" in spec["paths"]



def test_vanthu_serve_creates_the_database_and_answers(tmp_path):
    port = free_port()
    env = {"VANTHU_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vanthu", "serve", "--port", str(port)],
        env=env, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 90  # a loaded 2-core CI machine starts slowly
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "vanthu serve did not answer within 90 s"
                time.sleep(0.2)
        assert answer.json()["status"] == "ok"
        assert (tmp_path / "data" / "vanthu.db").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

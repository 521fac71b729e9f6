"""Browser tests: Debian's chromium driven by Playwright against a live uvicorn on loopback.

One browser for the whole session; a fresh context (cookies) per person. Screenshots go to
``test-artifacts/e2e/`` at the repository root (gitignored; CI keeps them as artifacts).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port
from tests.web.conftest import Office, office  # noqa: F401  (office is a fixture)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# Module scope, not session: while Playwright's sync API is open it runs an event loop in the
# main thread, and every later test that calls asyncio.run (pyHanko does) would fail.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(request):  # noqa: ANN001
    """shots(page, "name"): a full-page screenshot named after the test."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:  # noqa: ANN001
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take



@pytest.fixture
def signing_office(sqlite_services, office, sample_pki):  # noqa: ANN001, ANN201, F811
    """The office of ``tests.web`` made able to sign: ``signer`` is the sample chairman with his
    key, the organization has its seal, and the outgoing books exist."""
    from registry.credentials import KeyPurpose
    from registry.numbering import BookKind, add_book
    from registry.org import User
    from vanthu.demo import add_sample_credential

    with sqlite_services.transaction() as s:
        signer = s.get(User, office.users["signer"])
        chairman = sample_pki.identity("chairman")
        signer.full_name, signer.title = chairman.name, chairman.title
        add_sample_credential(sqlite_services, s, "chairman", signer.id, KeyPurpose.OFFICIAL)
        add_sample_credential(sqlite_services, s, "seal", None, KeyPurpose.SEAL)
        add_book(s, "di-hc", "Sổ đăng ký văn bản đi", BookKind.OUTGOING)
    return chairman.password


@pytest.fixture
def live(request, sqlite_services, office, sample_pki, tmp_path):  # noqa: ANN001, F811
    """``vanthu serve`` in its own process on loopback, with one background worker, trusting
    the sample PKI's root (offline). A process of its own, because the service forks workers
    (signature checks), and a fork of this process would hold the browser driver's pipes open.

    A test marked ``signing`` gets the office able to sign and issue (``signing_office``) and
    the sample PKI's TSA, OCSP and CRLs, as ``make run`` has them: signatures up to B-LT, and
    verification online."""
    settings = sqlite_services.settings
    settings.trust_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample_pki.root, settings.trust_dir / "sample-root.pem")
    port = free_port()
    env = {**os.environ, "VANTHU_DATA_DIR": str(settings.data_dir),
           "VANTHU_DATABASE_URL": settings.database_url, "VANTHU_WORKERS": "1",
           "VANTHU_VERIFY_OFFLINE": "true", "VANTHU_LOG_LEVEL": "WARNING"}
    if request.node.get_closest_marker("signing"):
        request.getfixturevalue("signing_office")
        pki = request.getfixturevalue("pki_services")
        env |= {"VANTHU_TSA_URL": pki.tsa, "VANTHU_PKI_SERVICES_URL": pki.base_url,
                "VANTHU_VERIFY_OFFLINE": "false"}
    env.pop("VANTHU_CONFIG", None)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "vanthu", "serve", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=log,
                              cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the server did not start: {(tmp_path / 'server.log').read_text()}")
            time.sleep(0.1)
    yield base
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture
def person(browser, live):  # noqa: ANN001
    """person("clerk") -> a signed-in page of a new browser context."""
    contexts = []

    def open_as(username: str | None, width: int = 1280, height: int = 900):  # noqa: ANN202
        ctx = browser.new_context(base_url=live, viewport={"width": width, "height": height},
                                  locale="vi-VN")
        contexts.append(ctx)
        ctx.set_default_timeout(8000)
        page = ctx.new_page()
        if username:
            page.goto("/login")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(Office.password(username))
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(live + "/")
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    """Print a browser test's failure at once: the summary comes only after every teardown."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        import sys

        print(f"\n{item.nodeid} FAILED:\n{report.longreprtext[-3000:]}", file=sys.stderr)


def pytest_configure(config):  # noqa: ANN001, ANN201
    config.addinivalue_line("markers", "signing: the live server can sign and issue (sample PKI "
                                       "keys, seal, books, TSA/OCSP)")

"""`vanthu demo-init`: the demo office, once, with the sample PKI imported."""

from __future__ import annotations

import stat

from sqlalchemy import select
from typer.testing import CliRunner

from registry.audit import verify_chain
from registry.credentials import SigningCredential
from registry.numbering import Book
from registry.org import check_password, list_users
from vanthu.cli import app


def test_demo_init_creates_the_office_once(sample_pki, services, cli_env):
    runner = CliRunner()
    first = runner.invoke(app, ["demo-init"])
    assert first.exit_code == 0, first.output
    assert "vanthu " in first.output and "chutich" in first.output
    second = runner.invoke(app, ["demo-init"])
    assert second.exit_code == 0 and "exists already" in second.output

    secrets_file = services.settings.secrets_dir / "demo-users.txt"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    passwords = dict(line.split("\t") for line in secrets_file.read_text().splitlines()
                     if not line.startswith("#"))
    with services.sessions() as s:
        users = {u.username: u for u in list_users(s)}
        assert set(users) == {"admin", "vanthu", "lanhdao", "chuyenvien", "chutich", "phochutich"}
        assert check_password(users["vanthu"], passwords["vanthu"])
        assert users["chutich"].full_name == "Lâm Quốc Thịnh"
        creds = {c.label: c for c in s.scalars(select(SigningCredential))}
        assert creds["chairman"].owner_id == users["chutich"].id
        assert creds["seal"].owner_id is None and creds["seal"].image_width_mm == 36
        # the seal's password lives in a private file, never in the database
        assert "condau" not in creds["seal"].cert_pem + (creds["seal"].secret_file or "")
        assert stat.S_IMODE(
            (services.settings.secrets_dir / "seal.pass").stat().st_mode) == 0o600
        assert services.blobs.get(creds["chairman"].image_sha256).startswith(b"\x89PNG")
        kinds = {b.code: b.kind for b in s.scalars(select(Book))}
        assert kinds["den"] == "incoming" and kinds["di-hc"] == "outgoing"
        assert verify_chain(s).ok
    assert (services.settings.trust_dir / "sample-root.pem").read_bytes().startswith(b"-----BEGIN")

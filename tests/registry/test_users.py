"""Users and roles, through the CLI as an administrator would use it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from registry.org import add_unit, check_password, user_by_name
from vanthu.cli import app


def test_add_and_list_users_with_units_and_roles(services, cli_env, tmp_path):
    with services.transaction() as s:
        add_unit(s, "VP", "Văn phòng")
    pw = tmp_path / "pw"
    pw.write_text("mật-khẩu-đủ-dài\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "Lan", "--name", "Nguyễn Thị Lan",
                                 "--role", "clerk", "--role", "specialist", "--unit", "VP",
                                 "--password-file", str(pw)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["users", "list", "--json"])
    row = json.loads(listed.output.strip().splitlines()[0])
    assert row == {"username": "lan", "name": "Nguyễn Thị Lan", "title": "", "unit": "VP",
                   "roles": ["clerk", "specialist"], "active": True}
    with services.sessions() as s:
        user = user_by_name(s, "lan")
        assert user.password_hash.startswith("$argon2")
        assert check_password(user, "mật-khẩu-đủ-dài")
        assert not check_password(user, "wrong-password")
        # a clerk acts for the whole office, a specialist within the unit
        scopes = {(r.role, r.unit_id is None) for r in user.roles}
        assert scopes == {("clerk", True), ("specialist", False)}


def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(services, cli_env, tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("short")
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "an", "--name", "An", "--role", "clerk",
                                 "--password-file", str(pw)])
    assert result.exit_code == 2 and "at least 10 characters" in result.output
    pw.write_text("long-enough-password")
    result = runner.invoke(app, ["users", "add", "an", "--name", "An", "--role", "clerk",
                                 "--unit", "NOPE", "--password-file", str(pw)])
    assert result.exit_code == 2 and "no unit with code 'NOPE'" in result.output
    runner.invoke(app, ["users", "add", "an", "--name", "An", "--role", "clerk",
                        "--password-file", str(pw)])
    result = runner.invoke(app, ["users", "add", "AN", "--name", "An", "--role", "clerk",
                                 "--password-file", str(pw)])
    assert result.exit_code == 2 and "exists already" in result.output
    assert runner.invoke(app, ["users", "list"]).output.count("\n") == 1

"""The audit chain notices any edit, deletion or truncation, and names the first broken event."""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from registry.audit import append, verify_chain
from vanthu.cli import app


def _log_events(services, n: int = 5) -> None:
    for i in range(n):
        with services.transaction() as s:
            append(s, "lan", "document.registered", "incoming", i + 1,
                   {"trích_yếu": f"Về việc số {i + 1}", "số_đến": i + 1})


def test_an_untouched_chain_verifies(services):
    _log_events(services)
    with services.sessions() as s:
        report = verify_chain(s)
    assert report.ok and report.events == 5


def test_editing_one_row_breaks_the_chain_at_that_row_and_the_cli_names_it(services, cli_env):
    _log_events(services)
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"))
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "event 3" in result.output


def test_deleting_a_middle_row_is_found(services):
    _log_events(services)
    with services.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    with services.sessions() as s:
        report = verify_chain(s)
    assert report.broken_at == 2 and "missing" in report.reason


def test_cutting_off_the_last_events_is_found(services):
    _log_events(services)
    with services.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq >= 4"))
    with services.sessions() as s:
        report = verify_chain(s)
    assert report.broken_at == 4


def test_an_event_rolled_back_with_its_change_leaves_no_trace(services):
    _log_events(services, 2)
    try:
        with services.transaction() as s:
            append(s, "lan", "document.registered", "incoming", 99)
            raise RuntimeError("registration failed")
    except RuntimeError:
        pass
    _log_events(services, 1)
    with services.sessions() as s:
        report = verify_chain(s)
    assert report.ok and report.events == 3


def test_intact_chain_exits_zero(services, cli_env):
    _log_events(services, 2)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 2 events" in result.output

"""Migration 0003 (the sessions table) applies, undoes and applies again on both backends, and
the table keeps sessions as the sign-in code uses them."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import inspect

from registry import db
from registry import sessions as web_sessions
from registry.clock import utc_now
from registry.org import add_user


def test_0003_up_down_up(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0003")
    assert "web_sessions" in inspect(engine).get_table_names()
    command.downgrade(db._alembic_config(engine), "0002")
    assert "web_sessions" not in inspect(engine).get_table_names()
    assert db.current_revision(engine) == "0002"
    db.upgrade(engine)
    assert "web_sessions" in inspect(engine).get_table_names()
    engine.dispose()


def test_a_session_lives_until_ended_idle_or_too_old(services):
    now = utc_now()
    idle, absolute = timedelta(minutes=30), timedelta(hours=10)
    with services.transaction() as s:
        user = add_user(s, "lan", "Lan", ["clerk"])
        token = web_sessions.open_session(s, user.id, "stamp", now, "Firefox")
        other = web_sessions.open_session(s, user.id, "stamp", now)
    with services.transaction() as s:
        assert web_sessions.live_session(s, token, now + timedelta(minutes=29), idle, absolute)
        assert not web_sessions.live_session(s, token, now + timedelta(minutes=31), idle, absolute)
        assert not web_sessions.live_session(s, "forged-" + token, now, idle, absolute)
        assert web_sessions.end_session(s, token, now) == user.id
        assert not web_sessions.live_session(s, token, now, idle, absolute)
        assert web_sessions.open_sessions(s, now, idle) == {user.id: 1}
        assert web_sessions.end_user_sessions(s, user.id, now, "disabled") == 1
        assert not web_sessions.live_session(s, other, now, idle, absolute)


def test_activity_does_not_stretch_a_session_past_its_absolute_limit(services):
    now = utc_now()
    idle, absolute = timedelta(minutes=30), timedelta(hours=10)
    with services.transaction() as s:
        user = add_user(s, "lan", "Lan", ["clerk"])
        token = web_sessions.open_session(s, user.id, "stamp", now)
    moment = now
    for _ in range(21):  # a request every 29 minutes, for more than 10 hours
        moment += timedelta(minutes=29)
        with services.transaction() as s:
            row = web_sessions.live_session(s, token, moment, idle, absolute)
            if row is None:
                break
            web_sessions.touch(s, row.id, moment)
    assert moment - now > absolute - timedelta(minutes=29)
    assert moment - now <= absolute + timedelta(minutes=29)
    with services.sessions() as s:
        assert web_sessions.live_session(s, token, moment, idle, absolute) is None

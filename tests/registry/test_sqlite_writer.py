"""SQLite: writers queue on one lock; readers never wait for them (WAL snapshots)."""

from __future__ import annotations

import threading

from sqlalchemy import select

from registry.org import User, add_user


def test_a_reader_is_not_held_up_by_an_open_write_transaction(sqlite_services):
    services = sqlite_services
    with services.transaction() as s:
        add_user(s, "lan", "Nguyễn Thị Lan", ["clerk"])
    seen: list[list[str]] = []

    def read() -> None:
        with services.sessions() as s:
            seen.append(sorted(s.scalars(select(User.username))))

    with services.transaction() as s:  # a writer holds the lock, uncommitted
        add_user(s, "minh", "Trần Văn Minh", ["clerk"])
        s.flush()
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=10)
        finished_while_writing = not reader.is_alive()
    reader.join()
    assert finished_while_writing
    assert seen == [["lan"]]  # the snapshot before the writer's commit


def test_writers_still_take_turns_and_lose_nothing(sqlite_services):
    services = sqlite_services
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for i in range(10):
                with services.transaction() as s:
                    # read, then write: safe only because the writer lock is taken at BEGIN
                    count = len(s.scalars(select(User.id)).all())
                    add_user(s, f"u{k}-{i}", f"User {count}", ["clerk"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with services.sessions() as s:
        assert len(s.scalars(select(User.id)).all()) == 60

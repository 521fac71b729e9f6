"""The browser pages, mounted in one call from ``vanthu.app``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from vanthu.web import (
    account,
    admin_key_form,
    admin_keys,
    admin_org,
    admin_pages,
    admin_user_edit,
    incoming_pages,
    outgoing_pages,
    password_change,
    signing_pages,
    work_pages,
)

STATIC = Path(__file__).resolve().parent.parent / "static"


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(account.router)
    app.include_router(password_change.router)
    app.include_router(work_pages.router)
    app.include_router(incoming_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(admin_user_edit.router)
    app.include_router(admin_org.router)
    app.include_router(admin_keys.router)
    app.include_router(admin_key_form.router)
    app.include_router(outgoing_pages.router)
    app.include_router(signing_pages.router)

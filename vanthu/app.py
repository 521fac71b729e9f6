"""The FastAPI application: settings and services on ``app.state``, the slices' routers mounted."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy import text

import vanthu
from intake import register_files
from intake.routes import router as intake_router
from intake.worker import WorkerPool
from registry import db
from signing.routes import router as verify_router
from signing.workflow.routes import router as outgoing_router
from vanthu.auth import enforce, install_auth
from vanthu.errors import install_error_handlers
from vanthu.logging import configure_logging, get_logger
from vanthu.services import Services, build_services
from vanthu.settings import Settings, load_settings
from vanthu.web import pages
from vanthu.web.verify_page import router as verify_page_router


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or (services.settings if services else load_settings())
    configure_logging(settings.log_level, settings.log_json)
    log = get_logger("vanthu.app")

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        if services is None:
            app.state.services = build_services(settings)
        app.state.workers = None
        if settings.workers > 0:
            app.state.workers = WorkerPool(app.state.services, settings.workers).start()
        log.info(
            "started", database=db_backend(settings.database_url), data_dir=str(settings.data_dir)
        )
        yield
        if app.state.workers is not None:
            app.state.workers.stop()
        if services is None:
            app.state.services.close()

    app = FastAPI(
        title="vanthu",
        version=vanthu.__version__,
        description="Tiếp nhận văn bản đến, ký số và phát hành văn bản đi, kiểm tra chữ ký số.",
        lifespan=lifespan,
        # The permission table (vanthu.permissions), checked before every route.
        dependencies=[Depends(enforce)],
    )
    app.state.settings = settings
    if services is not None:
        app.state.services = services
    install_error_handlers(app)
    install_auth(app)
    app.state.register_writers = register_files  # the outgoing register is written the same way
    # Before intake: its /api/registers/{kind} would otherwise take /api/registers/outgoing.
    app.include_router(outgoing_router)
    app.include_router(intake_router)
    app.include_router(verify_router)
    app.include_router(verify_page_router)
    pages.mount(app)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict:
        """Liveness and readiness: the database answers and its schema is current."""
        svc: Services = app.state.services
        with svc.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        revision = db.current_revision(svc.engine)
        return {
            "status": "ok" if revision == db.head_revision() else "migrating",
            "version": vanthu.__version__,
            "database": db_backend(settings.database_url),
            "schema": revision,
        }

    return app


def db_backend(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]

"""Every (method, path) the app answers, read from the app itself (not from the table)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import Mount


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):  # an included router
            for ctx in route.effective_route_contexts():
                found |= {(m, ctx.path) for m in ctx.methods}
        elif isinstance(route, Mount):
            found.add(("GET", route.path + "/{path:path}"))
        else:
            found |= {(m, route.path) for m in route.methods if m != "HEAD"}
    return found

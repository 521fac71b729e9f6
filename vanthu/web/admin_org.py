"""Administration of the organization's structure: units, and the numbering books (which
document types share a sequence, and where each book stands this year)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from registry.audit import append
from registry.clock import vn_year
from registry.errors import RegistryError
from registry.numbering import Book, BookKind, add_book, book_by_code, last_number
from registry.org import Unit, add_unit, unit_by_code
from registry.text import nfc
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)


def _units(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    with request.app.state.services.sessions() as session:
        units = list(session.scalars(select(Unit).order_by(Unit.code)))
        codes = {u.id: u.code for u in units}
        return render(request, "admin_units.html", status_code=status_code, units=units,
                      codes=codes, done=request.query_params.get("done"), **extra)


@router.get("/admin/units", response_class=HTMLResponse)
def units_page(request: Request) -> HTMLResponse:
    return _units(request)


@router.post("/admin/units", response_class=HTMLResponse)
def add_unit_form(request: Request, code: str = Form(""), name: str = Form(""),
                  parent: str = Form("")) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    code, name = nfc(code).strip().upper(), nfc(name).strip()
    try:
        if not code or not name or len(code) > 20:
            raise RegistryError("a unit needs a code (at most 20 characters) and a name")
        with services.transaction() as session:
            unit = add_unit(session, code, name, unit_by_code(session, parent) if parent else None)
            append(session, actor.username, "unit.added", "unit", unit.id,
                   {"code": code, "name": name, "parent": parent or None}, clock=services.clock)
    except RegistryError as exc:
        return _units(request, 400, error=str(exc), form={"code": code, "name": name,
                                                          "parent": parent})
    return RedirectResponse("/admin/units?done=unit_added", status_code=303)


@router.post("/admin/units/{code}/active")
def unit_active(request: Request, code: str, active: bool = Form(...)) -> Response:
    return _set_active(request, "unit", unit_by_code, code, active)


def _set_active(request: Request, kind: str, find, code: str,  # noqa: ANN001
                active: bool) -> Response:
    """Close or reopen a unit or a book (nothing is deleted: old entries still name it)."""
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    event = f"{kind}_reopened" if active else f"{kind}_closed"
    with services.transaction() as session:
        thing = find(session, code)
        thing.active = active
        append(session, actor.username, event.replace("_", "."), kind, thing.id,
               {"code": code}, clock=services.clock)
    return RedirectResponse(f"/admin/{kind}s?done={event}", status_code=303)


def _books(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    services = request.app.state.services
    year = vn_year(services.clock())
    with services.sessions() as session:
        books = [(b, last_number(session, b, year))
                 for b in session.scalars(select(Book).order_by(Book.kind, Book.code))]
        return render(request, "admin_books.html", status_code=status_code, books=books,
                      year=year, kinds=[k.value for k in BookKind],
                      done=request.query_params.get("done"), **extra)


@router.get("/admin/books", response_class=HTMLResponse)
def books_page(request: Request) -> HTMLResponse:
    return _books(request)


@router.post("/admin/books", response_class=HTMLResponse)
def add_book_form(request: Request, code: str = Form(""), name: str = Form(""),
                  kind: str = Form(""), doc_types: str = Form("")) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    code, name = nfc(code).strip(), nfc(name).strip()
    types = [nfc(t).strip() for t in doc_types.replace(";", ",").split(",") if t.strip()]
    try:
        if not code or not name or len(code) > 40:
            raise RegistryError("a book needs a code (at most 40 characters) and a name")
        try:
            BookKind(kind)
        except ValueError:
            raise RegistryError(f"unknown kind of book {kind!r}") from None
        with services.transaction() as session:
            book = add_book(session, code, name, kind, types)
            append(session, actor.username, "book.added", "book", book.id,
                   {"code": code, "kind": kind, "doc_types": book.doc_types},
                   clock=services.clock)
    except RegistryError as exc:
        return _books(request, 400, error=str(exc), form={"code": code, "name": name,
                                                          "kind": kind, "doc_types": doc_types})
    return RedirectResponse("/admin/books?done=book_added", status_code=303)


@router.post("/admin/books/{code}/active")
def book_active(request: Request, code: str, active: bool = Form(...)) -> Response:
    return _set_active(request, "book", book_by_code, code, active)

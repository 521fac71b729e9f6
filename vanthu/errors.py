"""Turning the slices' exceptions into 4xx answers: a machine-readable code and a message in
Vietnamese and English. Anything that is not one of ours stays a 500: that is a bug."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from intake.errors import IntakeError
from registry.errors import RegistryError

# code -> (HTTP status, Vietnamese headline). The English text is the exception's own message.
KNOWN: dict[str, tuple[int, str]] = {
    "not_found": (404, "Không tìm thấy"),
    "numbering_error": (409, "Lỗi cấp số"),
    "blob_missing": (409, "Thiếu tệp lưu trữ"),
    "blob_corrupted": (409, "Tệp lưu trữ bị hỏng"),
    "blob_error": (400, "Lỗi tệp lưu trữ"),
    "user_error": (400, "Thông tin người dùng không hợp lệ"),
    "registry_error": (400, "Yêu cầu không hợp lệ"),
    "invalid_field": (422, "Trường thông tin không hợp lệ"),
    "document_frozen": (409, "Văn bản đã bị thu hồi, không thể sửa"),
    "intake_error": (409, "Không thực hiện được"),
    "empty": (400, "Tệp rỗng"),
    "too_large": (413, "Tệp quá lớn"),
    "not_a_document": (415, "Không phải văn bản"),
    "invalid_request": (422, "Yêu cầu thiếu hoặc sai thông tin"),
}
# Where FastAPI found a value: the first item of an error's ``loc``, not part of the field's name.
_PLACES = {"query", "path", "body", "header", "cookie"}


def error_body(code: str, message: str) -> dict:
    _, vi = KNOWN.get(code, (400, "Yêu cầu không hợp lệ"))
    return {"code": code, "message": {"vi": f"{vi}: {message}", "en": message}}


def _answer(request: Request, code: str, message: str, status: int) -> Response:
    """JSON for the API; for a page, the error page in the reader's language."""
    body = error_body(code, message)
    if request.url.path.startswith("/api/"):
        return JSONResponse(body, status_code=status)
    from vanthu.web.render import render_error

    return render_error(request, status, body["message"]["vi"], body["message"]["en"])


def _faults(exc: RequestValidationError) -> list[dict]:
    """Each field at fault: its name, where it was looked for, and what is wrong. The value sent
    is left out: it may be a password or a PIN."""
    faults = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        place = loc[0] if loc and loc[0] in _PLACES else ""
        name = ".".join(loc[1:] if place else loc) or place
        faults.append({"field": name, "in": place, "problem": str(error.get("msg", ""))})
    return faults


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own answer is {"detail": [...]}: no code, English only. Same shape as ours.
        faults = _faults(exc)
        names = ", ".join(dict.fromkeys(f["field"] for f in faults))
        details = "; ".join(f"{f['field']}: {f['problem']}" for f in faults)
        body = error_body("invalid_request", f"missing or invalid {names} ({details})")
        body["message"]["vi"] = f"{KNOWN['invalid_request'][1]}: {names}"
        if request.url.path.startswith("/api/"):
            return JSONResponse(body | {"fields": faults}, status_code=422)
        from vanthu.web.render import render_error

        return render_error(request, 422, body["message"]["vi"], body["message"]["en"])

    @app.exception_handler(RegistryError)
    async def _registry_error(request: Request, exc: RegistryError) -> Response:
        status, _ = KNOWN.get(exc.code, (400, ""))
        return _answer(request, exc.code, str(exc), status)

    @app.exception_handler(IntakeError)
    async def _intake_error(request: Request, exc: IntakeError) -> Response:
        status, _ = KNOWN.get(exc.code, (409, ""))
        return _answer(request, exc.code, str(exc), status)


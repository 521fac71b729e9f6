"""Turning the slices' exceptions into 4xx answers: a machine-readable code and a message in
Vietnamese and English. Anything that is not one of ours stays a 500: that is a bug."""

from __future__ import annotations

from fastapi import FastAPI, Request
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
}


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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RegistryError)
    async def _registry_error(request: Request, exc: RegistryError) -> Response:
        status, _ = KNOWN.get(exc.code, (400, ""))
        return _answer(request, exc.code, str(exc), status)

    @app.exception_handler(IntakeError)
    async def _intake_error(request: Request, exc: IntakeError) -> Response:
        status, _ = KNOWN.get(exc.code, (409, ""))
        return _answer(request, exc.code, str(exc), status)


"""The verifiers' page (no sign-in): upload a PDF, read the report, print it or download it as
a PDF. The verification and the PDF report live in ``signing.verification``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from signing.routes import VerifyRequestError, run_verification, verify_state
from signing.verification.texts import INDICATION_TEXT

router = APIRouter(tags=["verification"], include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
VN_TZ = timezone(timedelta(hours=7))


def _vn_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")


templates.env.filters["vntime"] = _vn_time
templates.env.globals["INDICATION_TEXT"] = INDICATION_TEXT


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    return templates.TemplateResponse(
        request, "verify.html", {"max_mb": settings.verify_max_bytes // (1024 * 1024)}
    )


@router.post("/verify", response_class=HTMLResponse)
def verify_upload(
    request: Request,
    file: UploadFile = File(...),
    trust: list[UploadFile] = File(default=[]),
    at: str = Form("now"),
    offline: bool = Form(False),
) -> HTMLResponse:
    settings = request.app.state.settings
    try:
        name, report = run_verification(request, file, trust, at, offline)
    except VerifyRequestError as exc:
        return templates.TemplateResponse(
            request,
            "verify.html",
            {"max_mb": settings.verify_max_bytes // (1024 * 1024), "error": exc.body()},
            status_code=exc.status,
        )
    token = verify_state(request).reports.put(name, report)
    return templates.TemplateResponse(
        request, "verify_report.html", {"name": name, "report": report, "token": token}
    )


@router.get("/verify/report/{token}.pdf")
def verify_report_pdf(request: Request, token: str) -> Response:
    found = verify_state(request).reports.get(token)
    if found is None:
        return _gone(request)
    name, report = found
    from signing.fonts import find_vietnamese_font
    from signing.verification.pdf_report import render_pdf

    regular = Path(find_vietnamese_font())
    bold = regular.with_name(regular.name.replace("-Regular", "-Bold"))
    pdf = render_pdf(report, name, regular, bold if bold.is_file() else None)
    stem = Path(name).stem or "document"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="verification-{_ascii(stem)}.pdf"'},
    )


@router.get("/verify/report/{token}", response_class=HTMLResponse)
def verify_report_again(request: Request, token: str) -> HTMLResponse:
    found = verify_state(request).reports.get(token)
    if found is None:
        return _gone(request)
    name, report = found
    return templates.TemplateResponse(
        request, "verify_report.html", {"name": name, "report": report, "token": token}
    )


def _gone(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    body = {
        "code": "not_found",
        "message": {
            "vi": "Báo cáo đã hết hạn hoặc không tồn tại; hãy kiểm tra lại tệp.",
            "en": "The report has expired or does not exist; verify the file again.",
        },
    }
    return templates.TemplateResponse(
        request, "verify.html",
        {"max_mb": settings.verify_max_bytes // (1024 * 1024), "error": body}, status_code=404,
    )


def _ascii(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in text)[:80]

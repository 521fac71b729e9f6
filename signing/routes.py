"""``POST /api/verify``: anyone may check a signed PDF (no sign-in), within size and rate limits.

Multipart fields: ``file`` (the PDF), optional ``trust`` files (extra anchors, PEM/DER/P7B),
``at`` (now | signing | ISO time) and ``offline`` (only embedded revocation data).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from signing.verification import Trust, TrustStoreError, parse_at
from signing.verification.isolate import verify_isolated
from signing.verification.model import Report
from signing.verification.service import AnchorCache, RateLimiter, ReportStore
from signing.verification.trust import parse_certificates

router = APIRouter(tags=["verification"])

_HEADLINES = {
    "too_large": (413, "Tệp quá lớn"),
    "rate_limited": (429, "Quá nhiều yêu cầu, vui lòng thử lại sau"),
    "bad_request": (400, "Yêu cầu không hợp lệ"),
}


class VerifyRequestError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def status(self) -> int:
        return _HEADLINES[self.code][0]

    def body(self) -> dict:
        return {
            "code": self.code,
            "message": {"vi": f"{_HEADLINES[self.code][1]}: {self}", "en": str(self)},
        }


@dataclass
class VerifyState:
    anchors: AnchorCache
    limiter: RateLimiter
    reports: ReportStore


def verify_state(request: Request) -> VerifyState:
    state = request.app.state
    if not hasattr(state, "verify_state"):
        per_minute = int(getattr(state.settings, "verify_rate_limit_per_minute", 30))
        state.verify_state = VerifyState(AnchorCache(), RateLimiter(per_minute), ReportStore())
    return state.verify_state


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def run_verification(
    request: Request, upload: UploadFile, anchors: list[UploadFile], at: str, offline: bool
) -> tuple[str, Report]:
    """Shared by the API and the page: limits, trust, then the verification itself."""
    settings = request.app.state.settings
    state = verify_state(request)
    if not state.limiter.allow(client_key(request)):
        raise VerifyRequestError(
            "rate_limited",
            f"at most {state.limiter.per_minute} verifications per minute from one address",
        )
    max_bytes = int(settings.verify_max_bytes)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise VerifyRequestError("too_large", f"the limit is {max_bytes} bytes")
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise VerifyRequestError("too_large", f"the limit is {max_bytes} bytes")
    try:
        extra = []
        for item in anchors:
            if item.filename:
                extra.extend(parse_certificates(item.file.read(1024 * 1024), item.filename))
        trust = Trust(
            anchors=state.anchors.get(settings.trust_dir),
            at=parse_at(at or "now"),
            offline=bool(offline or settings.verify_offline),
            time_budget_s=float(settings.verify_time_budget_s),
        ).with_anchors(extra)
    except TrustStoreError as exc:
        raise VerifyRequestError("bad_request", str(exc)) from exc
    name = upload.filename or "document.pdf"
    return name, verify_isolated(data, trust)


@router.post("/api/verify", summary="Verify the signatures of a PDF (no sign-in)")
def verify_api(
    request: Request,
    file: UploadFile = File(..., description="The signed PDF"),
    trust: list[UploadFile] = File(default=[], description="Extra trust anchors"),
    at: str = Form("now", description="now, signing, or an ISO-8601 time"),
    offline: bool = Form(False, description="Use only revocation data embedded in the file"),
) -> JSONResponse:
    try:
        name, report = run_verification(request, file, trust, at, offline)
    except VerifyRequestError as exc:
        return JSONResponse(exc.body(), status_code=exc.status)
    body = {"file": name, **report.to_dict()}
    return JSONResponse(body)

"""Plain-language wording, Vietnamese first and English beside it."""

from __future__ import annotations

_KIND_VI = {
    "page_added": "Trang {page} được thêm vào sau khi ký",
    "page_removed": "Một trang đã ký bị xóa sau khi ký",
    "pages_reordered": "Thứ tự các trang đã ký bị thay đổi",
    "content_replaced": "Nội dung trang {page} đã ký bị thay thế",
    "content_overlaid": "Nội dung mới được vẽ chồng lên trang {page} đã ký",
    "xobject_replaced": "Hình ảnh hoặc khối nội dung trên trang {page} đã ký bị thay thế",
    "page_changed": "Thuộc tính của trang {page} đã ký bị thay đổi",
    "rendering_changed": "Trang {page} hiển thị khác với bản đã ký",
    "signature_dict_edited": "Thông tin của chữ ký bị sửa sau khi ký",
    "signature_appearance_changed": "Hình thể hiện của một chữ ký đã ký bị vẽ lại sau khi ký",
    "annotation_added": "Chú thích được thêm vào trang {page} sau khi ký",
    "annotation_changed": "Chú thích bị thay đổi sau khi ký",
    "form_fill": "Trường biểu mẫu được điền sau khi ký",
    "field_added": "Trường biểu mẫu được thêm sau khi ký",
    "signature_added": "Chữ ký số khác được thêm sau chữ ký này",
    "dss_update": "Dữ liệu kiểm tra hiệu lực (DSS) được bổ sung",
    "document_timestamp": "Dấu thời gian tài liệu được thêm",
    "catalog_changed": "Thiết lập chung của tài liệu bị thay đổi",
    "metadata_changed": "Thuộc tính tài liệu (tiêu đề, tác giả…) bị thay đổi",
    "other": "Đối tượng không hiển thị trên trang bị thay đổi",
}


def vi_detail(kind: str, page: int | None, detail: str) -> str:
    text = _KIND_VI.get(kind, "Thay đổi sau khi ký")
    return text.format(page=page if page is not None else "?")


# (Vietnamese, English) reason for each sub-indication.
SUBINDICATION_TEXT: dict[str, tuple[str, str]] = {
    "HASH_FAILURE": (
        "nội dung đã bị sửa đổi sau khi ký (giá trị băm không khớp)",
        "the signed bytes were altered (hash mismatch)",
    ),
    "SIG_CRYPTO_FAILURE": (
        "giá trị chữ ký không hợp lệ với khóa công khai của người ký",
        "the signature value does not verify with the signer's public key",
    ),
    "FORMAT_FAILURE": (
        "cấu trúc chữ ký hoặc tài liệu không hợp lệ, hoặc tài liệu bị thay đổi sau khi ký",
        "the signature or document structure is invalid, or the document was changed after "
        "signing",
    ),
    "REVOKED": (
        "chứng thư số của người ký đã bị thu hồi trước thời điểm ký",
        "the signer's certificate was revoked before the signing time",
    ),
    "REVOKED_NO_POE": (
        "chứng thư số đã bị thu hồi và không có bằng chứng chữ ký được tạo trước đó",
        "the certificate is revoked and nothing proves the signature predates the revocation",
    ),
    "REVOKED_CA_NO_POE": (
        "chứng thư của tổ chức cấp đã bị thu hồi",
        "an issuing CA certificate is revoked",
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": (
        "không xây dựng được chuỗi chứng thư tới một tổ chức chứng thực tin cậy",
        "no certificate chain leads to a trusted root",
    ),
    "OUT_OF_BOUNDS_NO_POE": (
        "chứng thư số đã hết hạn (hoặc chưa có hiệu lực) tại thời điểm kiểm tra và không có "
        "dấu thời gian chứng minh thời điểm ký",
        "the certificate was outside its validity period at validation time and no timestamp "
        "proves when the signature was made",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": (
        "thuật toán mật mã yếu, không còn được chấp nhận (ví dụ SHA-1, RSA dưới 2048 bit)",
        "a weak cryptographic algorithm is used (e.g. SHA-1, RSA below 2048 bits)",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": (
        "thuật toán mật mã đã hết hạn sử dụng và không có bằng chứng thời điểm ký",
        "an algorithm has expired and nothing proves the signature predates that",
    ),
    "CHAIN_CONSTRAINTS_FAILURE": (
        "chứng thư số không được phép dùng để ký (mục đích sử dụng khóa không phù hợp)",
        "the certificate is not allowed for signing (key usage)",
    ),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": (
        "chuỗi chứng thư số không kiểm tra được",
        "the certificate chain could not be validated",
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": (
        "không tìm thấy chứng thư số của người ký",
        "the signer's certificate is missing",
    ),
    "NOT_YET_VALID": (
        "chứng thư số chưa có hiệu lực",
        "the certificate is not yet valid",
    ),
    "TRY_LATER": (
        "chưa có thông tin thu hồi đủ mới; hãy kiểm tra lại sau",
        "revocation information is not fresh enough; try again later",
    ),
    "NO_POE": ("thiếu bằng chứng về thời điểm tồn tại", "no proof of existence"),
    "GENERIC": ("không thể kiểm tra chữ ký", "the signature could not be checked"),
}

INDICATION_TEXT = {
    "TOTAL-PASSED": ("Hợp lệ", "Valid"),
    "TOTAL-FAILED": ("Không hợp lệ", "Invalid"),
    "INDETERMINATE": ("Chưa xác định được", "Indeterminate"),
    "NO-SIGNATURE": ("Không có chữ ký số", "No signature"),
}


def reason_pair(sub: str | None) -> tuple[str, str]:
    if sub is None:
        return ("", "")
    return SUBINDICATION_TEXT.get(sub, (sub, sub))


def signature_summary(
    kind: str, indication: str, sub: str | None, signer: str | None, extra_en: list[str],
    specific: tuple[str, str] | None = None,
) -> tuple[str, str]:
    who = signer or "?"
    what_vi = "Dấu thời gian" if kind == "timestamp" else f"Chữ ký của {who}"
    what_en = "Document timestamp" if kind == "timestamp" else f"Signature of {who}"
    if indication == "TOTAL-PASSED":
        vi = f"{what_vi} hợp lệ; tài liệu không bị thay đổi sau khi ký."
        en = f"{what_en} is valid; the document was not changed after signing."
        if extra_en:
            vi = f"{what_vi} hợp lệ; các thay đổi sau khi ký đều được phép."
            en = f"{what_en} is valid; the changes made after signing are permitted."
        return vi, en
    reason_vi, reason_en = specific or reason_pair(sub)
    head_vi, head_en = INDICATION_TEXT.get(indication, (indication, indication))
    vi = f"{what_vi}: {head_vi.lower()} — {reason_vi}."
    en = f"{what_en}: {head_en.lower()} — {reason_en}."
    if extra_en:
        en += " " + "; ".join(extra_en[:3]) + "."
    return vi, en


def document_summary(
    indication: str, n_sigs: int, person: bool, organization: bool, first_problem: tuple[str, str]
) -> tuple[str, str]:
    if indication == "NO-SIGNATURE":
        return ("Tài liệu không có chữ ký số.", "The document carries no digital signature.")
    head_vi, head_en = INDICATION_TEXT.get(indication, (indication, indication))
    if n_sigs == 0:
        vi = f"{head_vi}: không kiểm tra được tài liệu. {first_problem[0]}".strip()
        en = f"{head_en}: the document could not be checked. {first_problem[1]}".strip()
        return vi, en
    vi = f"{head_vi}: tài liệu có {n_sigs} chữ ký số/dấu thời gian."
    en = f"{head_en}: the document has {n_sigs} signature(s)/timestamp(s)."
    if first_problem[0]:
        vi += f" {first_problem[0]}"
        en += f" {first_problem[1]}"
    if person and organization:
        vi += " Có đủ chữ ký của người có thẩm quyền và chữ ký của cơ quan, tổ chức (Nghị định 30)."
        en += " Both the competent person's and the organization's signatures are present "
        en += "(Decree 30)."
    else:
        missing_vi = []
        missing_en = []
        if not person:
            missing_vi.append("chữ ký của người có thẩm quyền")
            missing_en.append("competent person's signature")
        if not organization:
            missing_vi.append("chữ ký của cơ quan, tổ chức")
            missing_en.append("organization's signature")
        vi += " Thiếu chữ ký số hợp lệ: " + " và ".join(missing_vi) + " (Nghị định 30)."
        en += " No valid " + " and no valid ".join(missing_en) + " as Decree 30 requires."
    return vi, en

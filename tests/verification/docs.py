"""Documents for the verification tests: a plain PDF, signatures made with pyHanko, and the
changes an attacker (or a careless tool) makes after signing."""

from __future__ import annotations

import functools
import io
import re

from asn1crypto import algos
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pki import NOW, TestPKI


def plain_pdf(pages: int = 2, text: str = "QUYET DINH so 45/QD-UBND",
              hidden_text: str | None = None) -> bytes:
    """A small classic-xref PDF with one line of Helvetica text per page.

    With ``hidden_text``, page 1 also draws that text in an optional content group (layer)
    that the document's default configuration turns off: readers do not show it."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    ocg = 4 + 2 * pages  # object number of the layer, after the font
    layers = f" /OCProperties << /OCGs [{ocg} 0 R] /D << /OFF [{ocg} 0 R] >> >>"
    objects.append(b"<< /Type /Catalog /Pages 2 0 R%s >>" % (
        layers.encode() if hidden_text else b""))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for i in range(pages):
        content = f"BT /F1 18 Tf 72 720 Td ({text} - trang {i + 1}) Tj ET".encode()
        props = ""
        if hidden_text and i == 0:
            content += f" /OC /L1 BDC BT /F1 18 Tf 72 680 Td ({hidden_text}) Tj ET EMC".encode()
            props = f" /Properties << /L1 {ocg} 0 R >>"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {3 + 2 * pages} 0 R >>{props} >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    if hidden_text:
        objects.append(b"<< /Type /OCG /Name (an) >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def signer_for(pki: TestPKI, name: str, *, pss: bool = False, md: str | None = None):
    ident = pki[name]
    issuer = pki.other_root if name == "untrusted" else pki.root
    mech = None
    if md == "sha1" and ident.cert.public_key.algorithm == "rsa":
        mech = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    return signers.SimpleSigner(
        signing_cert=ident.cert,
        signing_key=ident.key,
        cert_registry=SimpleCertificateStore.from_certs([issuer.cert]),
        prefer_pss=pss,
        signature_mechanism=mech,
    )


def timestamper(pki: TestPKI) -> DummyTimeStamper:
    return DummyTimeStamper(
        tsa_cert=pki["tsa"].cert,
        tsa_key=pki["tsa"].key,
        certs_to_embed=SimpleCertificateStore.from_certs([pki.root.cert]),
        fixed_dt=NOW,
    )


def sign(
    data: bytes,
    pki: TestPKI,
    who: str = "person",
    field: str = "Signature1",
    *,
    md: str = "sha256",
    pss: bool = False,
    with_timestamp: bool = False,
    certify: MDPPerm | None = None,
    reason: str | None = "Phê duyệt",
    new_field_box: tuple[int, int, int, int] | None = None,
) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm=md,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        certify=certify is not None,
        docmdp_permissions=certify or MDPPerm.FILL_FORMS,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    spec = None
    if new_field_box is not None:
        spec = SigFieldSpec(sig_field_name=field, on_page=0, box=new_field_box)
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer_for(pki, who, pss=pss, md=md),
        timestamper=timestamper(pki) if with_timestamp else None,
        new_field_spec=spec,
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def add_fields(data: bytes, *names: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    for i, name in enumerate(names):
        fields.append_signature_field(
            writer, SigFieldSpec(sig_field_name=name, on_page=0, box=(50 + 200 * i, 50,
                                                                       230 + 200 * i, 120))
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_dss(data: bytes, pki: TestPKI) -> bytes:
    """A DSS update with the chain and the CRL (what B-LT adds)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    certs = [pki.root.cert, pki["tsa"].cert] + [i.cert for i in pki.ids.values()]
    DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=certs, crls=[pki.crl])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_doc_timestamp(data: bytes, pki: TestPKI, field: str = "DocTS1") -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    signers.PdfTimeStamper(timestamper(pki), field_name=field).timestamp_pdf(
        writer, md_algorithm="sha256", output=out
    )
    return out.getvalue()


# --- changes after signing -----------------------------------------------------------------

def flip_signed_byte(data: bytes) -> bytes:
    """Change one character of the page text, inside the signed range, same length."""
    pos = data.index(b"QUYET DINH so 45")
    return data[:pos] + b"QUYET DINH so 46" + data[pos + 16:]


def rewrite_byte_range(data: bytes) -> bytes:
    """Shrink the first range so that the header is no longer covered (same byte length)."""
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert m is not None
    a, b, c, d = (int(x) for x in m.groups())
    new = b"/ByteRange [%d %d %d %d]" % (a + 100, b - 100, c, d)
    new = new.ljust(m.end() - m.start())
    return data[: m.start()] + new + data[m.end():]


def _update(data: bytes, fn) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    fn(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_page(data: bytes) -> bytes:
    def fn(w):
        content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 720 Td "
                                                    b"(Trang gia mao) Tj ET"))
        page = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]),
            pdf_name("/Contents"): content,
            pdf_name("/Resources"): generic.DictionaryObject(),
        })
        w.insert_page(page)
    return _update(data, fn)


def overlay_content(data: bytes, page_index: int = 0) -> bytes:
    """Shadow attack: a white box and new text drawn over the signed text of a page."""
    def fn(w):
        page = w.root["/Pages"]["/Kids"].raw_get(page_index).get_object()
        overlay = w.add_object(generic.StreamObject(
            stream_data=b"q 1 1 1 rg 60 700 400 50 re f Q "
                        b"BT /F1 18 Tf 72 720 Td (QUYET DINH so 99/QD-UBND) Tj ET"))
        old = page.raw_get("/Contents")
        page[pdf_name("/Contents")] = generic.ArrayObject([old, overlay])
        w.update_container(page)
    return _update(data, fn)


def edit_reason(data: bytes, new_reason: str = "Đã sửa lý do") -> bytes:
    def fn(w):
        field = _first_sig_field(w)
        sig = field["/V"]
        sig[pdf_name("/Reason")] = generic.TextStringObject(new_reason)
        w.mark_update(field.raw_get("/V"))
    return _update(data, fn)


def add_annotation(data: bytes) -> bytes:
    def fn(w):
        page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
        annot = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Text"),
            pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (300, 300, 320, 320)]),
            pdf_name("/Contents"): generic.TextStringObject("ghi chú"),
        }))
        w.register_annotation(page_ref, annot)
    return _update(data, fn)


def _first_sig_field(w):
    for f in w.root["/AcroForm"]["/Fields"]:
        obj = f.get_object()
        if obj.get("/FT") == "/Sig" and "/V" in obj:
            return obj
    raise AssertionError("no signed field")


@functools.lru_cache(maxsize=2)
def _zeros_deflated(megabytes: int) -> bytes:
    import zlib

    comp = zlib.compressobj(9)
    chunk = b"\x00" * (1024 * 1024)
    return b"".join(comp.compress(chunk) for _ in range(megabytes)) + comp.flush()


def bomb_stream(w, megabytes: int = 300):
    """A 300 MB run of zeros, Flate-compressed to about 300 KB (past pyHanko's 256 MiB cap)."""
    return w.add_object(generic.StreamObject(
        dict_data={pdf_name("/Filter"): pdf_name("/FlateDecode")},
        encoded_data=_zeros_deflated(megabytes)))


def replace_first_content_with_bomb(data: bytes) -> bytes:
    def fn(w):
        page = w.root["/Pages"]["/Kids"].raw_get(0).get_object()
        page[pdf_name("/Contents")] = bomb_stream(w)
        w.update_container(page)
    return _update(data, fn)


def add_bomb_to_dss(data: bytes, count: int = 1) -> bytes:
    """A DSS whose CRL streams each inflate to 300 MB."""
    def fn(w):
        dss = generic.DictionaryObject({
            pdf_name("/CRLs"): generic.ArrayObject([bomb_stream(w) for _ in range(count)]),
        })
        w.root[pdf_name("/DSS")] = w.add_object(dss)
        w.update_root()
    return _update(data, fn)


def replace_font(data: bytes, base_font: str = "/Courier", extra_key: bool = False) -> bytes:
    """Rewrite the page font object: a visible change (another typeface) or, with
    ``extra_key``, an invisible one (the same font with one more harmless entry)."""
    def fn(w):
        page = w.root["/Pages"]["/Kids"].raw_get(0).get_object()
        font_ref = page["/Resources"]["/Font"].raw_get("/F1")
        font = font_ref.get_object()
        if extra_key:
            font[pdf_name("/Name")] = pdf_name("/F1")
        else:
            font[pdf_name("/BaseFont")] = pdf_name(base_font)
        w.mark_update(font_ref)
    return _update(data, fn)


# --- reusing an object number with a higher generation ------------------------------------
# pyHanko's writer never does this, so these updates are written by hand: new objects, a
# cross-reference section listing them, a trailer pointing at the previous one.

def _append_update(data: bytes, objects: list[tuple[int, int, bytes]]) -> bytes:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out = bytearray(data)
    entries = []
    for idnum, gen, body in objects:
        entries.append((idnum, len(out), gen))
        out += b"%d %d obj\n" % (idnum, gen) + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    for idnum, offset, gen in sorted(entries):
        out += b"%d 1\n%010d %05d n \n" % (idnum, offset, gen)
    root = reader.trailer.raw_get("/Root").reference
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out += b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        int(reader.trailer["/Size"]), root.idnum, root.generation, prev, xref_at)
    return bytes(out)


def _stream_body(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def content_in_new_generation(data: bytes, repoint_page: bool, page_index: int = 0) -> bytes:
    """The signed content stream's object number reused with generation + 1 for new text.

    With ``repoint_page`` the page is rewritten to refer to the new generation (the same
    object number as before); without, the page is left alone — pyHanko then still reads the
    old stream under the old reference, while PDF viewers (pdfium) show the new one.
    """
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    page_ref = reader.root["/Pages"]["/Kids"].raw_get(page_index)
    page = page_ref.get_object()
    content = page.raw_get("/Contents").reference
    text = b"BT /F1 18 Tf 72 720 Td (QUYET DINH so 99/QD-UBND) Tj ET"
    objects = [(content.idnum, content.generation + 1, _stream_body(text))]
    if repoint_page:
        new_page = generic.DictionaryObject({k: page.raw_get(k) for k in page.keys()})
        new_page[pdf_name("/Contents")] = generic.IndirectObject(
            content.idnum, content.generation + 1, reader)
        buf = io.BytesIO()
        new_page.write_to_stream(buf)
        ref = page_ref.reference
        objects.append((ref.idnum, ref.generation, buf.getvalue()))
    return _append_update(data, objects)


def page_tree_attribute(data: bytes, key: str, value) -> bytes:
    """Set an attribute every page inherits (``/CropBox``, ``/Rotate``…) on the page tree's
    root node, leaving the page objects themselves untouched."""
    def fn(w):
        pages = w.root["/Pages"]
        pages[pdf_name(key)] = value
        w.update_container(pages)
    return _update(data, fn)


def show_hidden_layers(data: bytes) -> bytes:
    """Turn every optional content group on in the default configuration, in the catalog."""
    def fn(w):
        props = w.root["/OCProperties"]
        ocgs = props.raw_get("/OCGs")
        w.root[pdf_name("/OCProperties")] = generic.DictionaryObject({
            pdf_name("/OCGs"): ocgs,
            pdf_name("/D"): generic.DictionaryObject({pdf_name("/ON"): ocgs}),
        })
        w.update_root()
    return _update(data, fn)


def replace_signature_appearance(data: bytes, in_place: bool = False) -> bytes:
    """Draw other words in a signed signature's visible stamp: a new appearance stream for
    its widget, or (``in_place``) the existing appearance stream rewritten."""
    def fn(w):
        widget = _first_sig_field(w)
        if "/Kids" in widget:
            widget = widget["/Kids"][0]
        text = b"BT /Helv 12 Tf 5 20 Td (Ky boi: Nguoi Khac) Tj ET"
        if in_place:
            ap_ref = widget["/AP"].raw_get("/N")
            stream = ap_ref.get_object()
            stream._data = text
            stream._encoded_data = None
            if "/Filter" in stream:
                del stream["/Filter"]
            w.mark_update(ap_ref)
            return
        ap = w.add_object(generic.StreamObject(
            dict_data={pdf_name("/Type"): pdf_name("/XObject"),
                       pdf_name("/Subtype"): pdf_name("/Form"),
                       pdf_name("/BBox"): generic.ArrayObject(
                           [generic.NumberObject(v) for v in (0, 0, 200, 60)])},
            stream_data=text))
        widget[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): ap})
        w.update_container(widget)
    return _update(data, fn)

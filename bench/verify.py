"""Time per document of ``signing.verification.verify`` beside pyHanko's straightforward
validation (``validate_pdf_signature`` / ``validate_pdf_timestamp`` with diff analysis), over
the fixtures of the verification tests, in the same run, with the same trust and no network.

    .venv/bin/python bench/verify.py [--repeat 5] [--pages 2]

Goal (issue 5): median ≤ 0.5 × pyHanko's, worst ≤ 2 s. Our figures include the forked worker
that enforces the time and memory limits; pass --in-process to see them without it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign.fields import MDPPerm  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from signing.verification import Trust, verify  # noqa: E402
from tests.verification import docs  # noqa: E402
from tests.verification.pki import build  # noqa: E402


def fixtures(pages: int) -> dict[str, bytes]:
    pki = build()
    plain = docs.plain_pdf(pages)
    two = docs.add_fields(plain, "NguoiKy", "CoQuan")
    signed = docs.sign(plain, pki)
    bt = docs.sign(plain, pki, with_timestamp=True)
    blt = docs.add_dss(bt, pki)
    person = docs.sign(two, pki, "person", "NguoiKy")
    cert2 = docs.sign(two, pki, "person", "NguoiKy", certify=MDPPerm.FILL_FORMS)
    cert1 = docs.sign(two, pki, "person", "NguoiKy", certify=MDPPerm.NO_CHANGES)
    five = signed
    for i in range(4):
        five = docs.sign(five, pki, "org" if i % 2 else "person", f"Extra{i}",
                         new_field_box=(20 + 110 * i, 700, 120 + 110 * i, 760))
    return {
        "unsigned": plain,
        "B-B": signed,
        "tampered bytes": docs.flip_signed_byte(signed),
        "ByteRange rewritten": docs.rewrite_byte_range(signed),
        "page added": docs.add_page(signed),
        "content overlaid": docs.overlay_content(signed),
        "/Reason edited": docs.edit_reason(signed),
        "revoked signer": docs.add_dss(docs.sign(plain, pki, "revoked", with_timestamp=True), pki),
        "expired signer": docs.sign(plain, pki, "expired"),
        "untrusted root": docs.sign(plain, pki, "untrusted"),
        "SHA-1": docs.sign(plain, pki, md="sha1"),
        "ECDSA": docs.sign(plain, pki, "ecdsa"),
        "RSA-PSS": docs.sign(plain, pki, "pss", pss=True),
        "B-T": bt,
        "B-LT": blt,
        "B-LTA": docs.add_doc_timestamp(blt, pki),
        "person + organization": docs.sign(person, pki, "org", "CoQuan"),
        "certified P2 + signature": docs.sign(cert2, pki, "org", "CoQuan"),
        "certified P2 + annotation": docs.add_annotation(cert2),
        "certified P1 + DSS": docs.add_dss(cert1, pki),
        "5 signatures": five,
        "not a PDF": b"this is not a pdf",
    }, pki


def pyhanko_straightforward(data: bytes, root, embedded_crls) -> str:
    """What a developer writes with pyHanko's classic API; exceptions count as a verdict."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        verdicts = []
        for sig in reader.embedded_signatures:
            vc = ValidationContext(trust_roots=[root], crls=embedded_crls, allow_fetching=False)
            if sig.sig_object_type == "/DocTimeStamp":
                ts = validate_pdf_timestamp(sig, validation_context=vc)
                verdicts.append(ts.intact and ts.valid and ts.trusted)
            else:
                verdicts.append(validate_pdf_signature(sig, vc).bottom_line)
        return "VALID" if verdicts and all(verdicts) else "INVALID" if verdicts else "NONE"
    except Exception as exc:  # noqa: BLE001 — pyHanko raises on broken files; that is the point
        return f"raised {type(exc).__name__}"


def timed_pair(ours, theirs, repeat: int) -> tuple[float, object, float, object]:
    """Median of ``repeat`` runs each, interleaved so that both see the same machine load
    (the machine is shared; a burst of load must not land on one side only)."""
    t_ours, t_theirs, r_ours, r_theirs = [], [], None, None
    for _ in range(repeat):
        started = time.perf_counter()
        r_ours = ours()
        t_ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        r_theirs = theirs()
        t_theirs.append(time.perf_counter() - started)
    return statistics.median(t_ours), r_ours, statistics.median(t_theirs), r_theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()

    docs_by_name, pki = fixtures(args.pages)
    trust = Trust(anchors=(pki.root.cert,), offline=True)
    if args.in_process:
        trust = replace(trust, isolate=False)
    # warm both paths (imports, first asyncio loop)
    verify(docs_by_name["B-B"], trust)
    pyhanko_straightforward(docs_by_name["B-B"], pki.root.cert, [pki.crl])

    rows = []
    for name, data in docs_by_name.items():
        ours, report, theirs, verdict = timed_pair(
            lambda d=data: verify(d, trust),
            lambda d=data: pyhanko_straightforward(d, pki.root.cert, [pki.crl]),
            args.repeat,
        )
        sub = f"/{report.subindication}" if report.subindication else ""
        rows.append((name, ours, theirs, f"{report.indication}{sub}", verdict))

    width = max(len(r[0]) for r in rows)
    print(f"{'document':<{width}}  {'ours ms':>8}  {'pyHanko ms':>10}  ratio  "
          f"{'our verdict':<36} pyHanko verdict")
    for name, ours, theirs, ind, verdict in rows:
        print(f"{name:<{width}}  {ours * 1000:8.1f}  {theirs * 1000:10.1f}  "
              f"{ours / theirs:5.2f}  {ind:<36} {verdict}")
    ours_all = [r[1] for r in rows]
    theirs_all = [r[2] for r in rows]
    med_o, med_t = statistics.median(ours_all), statistics.median(theirs_all)
    print()
    print(f"documents: {len(rows)}, repeats: {args.repeat}, pages: {args.pages}, "
          f"isolated worker: {not args.in_process}")
    print(f"median per document: ours {med_o * 1000:.1f} ms, pyHanko {med_t * 1000:.1f} ms, "
          f"ratio {med_o / med_t:.2f} (goal ≤ 0.50)")
    print(f"worst per document:  ours {max(ours_all) * 1000:.1f} ms, "
          f"pyHanko {max(theirs_all) * 1000:.1f} ms (goal: ours ≤ 2000 ms)")


if __name__ == "__main__":
    main()

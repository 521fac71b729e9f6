"""``vanthu sign IN.pdf OUT.pdf``: PAdES-sign one document; the logic is in ``signing``."""

from __future__ import annotations

from pathlib import Path

import typer

from signing.cliargs import build_stamp, parse_box, read_secret_file
from signing.errors import SigningError
from signing.keys import LoadedSigner, load_pkcs12, open_pkcs11
from signing.pades import Level, SignOptions, sign_pdf
from signing.stamp import format_signing_time
from signing.trust import TrustSettings, load_certificates


def _fail(e: SigningError) -> None:
    typer.echo(f"vanthu: {e.code}: {e}", err=True)
    raise typer.Exit(2)


def sign_command(
    src: Path = typer.Argument(..., help="The PDF to sign (never modified)."),
    dst: Path = typer.Argument(..., help="Where to write the signed PDF (only on success)."),
    key: Path | None = typer.Option(None, "--key", help="PKCS#12 file (.p12/.pfx)."),
    password_file: Path | None = typer.Option(
        None, "--password-file", help="File holding the PKCS#12 password."
    ),
    pkcs11_module: Path | None = typer.Option(
        None, "--pkcs11-module", help="PKCS#11 module of the token (.so)."
    ),
    token_label: str | None = typer.Option(None, "--token-label"),
    key_label: str | None = typer.Option(None, "--key-label"),
    cert_label: str | None = typer.Option(None, "--cert-label"),
    pin_file: Path | None = typer.Option(None, "--pin-file", help="File holding the token PIN."),
    level: Level = typer.Option(Level.B_B, "--level", case_sensitive=False),
    tsa: str | None = typer.Option(None, "--tsa", help="Time-stamping authority URL."),
    trust_root: list[Path] = typer.Option(
        [],
        "--trust-root",
        help="Trusted root certificate (PEM/DER); repeatable. Enables the "
        "revocation check; needed for B-LT and B-LTA.",
    ),
    extra_cert: list[Path] = typer.Option(
        [], "--cert", help="Intermediate certificate to include; repeatable."
    ),
    stamp: str = typer.Option("none", "--stamp", help="official | seal | appendix | copy | none"),
    image: Path | None = typer.Option(None, "--image", help="Signature or seal PNG."),
    page: int | None = typer.Option(None, "--page", help="Page (1-based) for --box."),
    box: str | None = typer.Option(None, "--box", help="X1,Y1,X2,Y2 in PDF points."),
    title: str | None = typer.Option(None, "--title", help="Signer's title line to find."),
    name: str | None = typer.Option(None, "--name", help="Signer's name line to find."),
    seal_mm: float | None = typer.Option(
        None, "--seal-mm", help="Seal diameter in mm (default: from the PNG's dpi, else 36)."
    ),
    organization: str | None = typer.Option(None, "--organization"),
    number: str | None = typer.Option(None, "--number", help="Number/symbol, e.g. 45/QĐ-UBND."),
    copy_form: str | None = typer.Option(None, "--copy-form", help="SAO Y, SAO LỤC, TRÍCH SAO"),
    field: str = typer.Option("Signature1", "--field", help="Signature field name."),
    reason: str | None = typer.Option(None, "--reason"),
    location: str | None = typer.Option(None, "--location"),
) -> None:
    """Sign IN.pdf into OUT.pdf with a PKCS#12 key or a PKCS#11 token."""
    try:
        extra = load_certificates(extra_cert)
        if pkcs11_module is not None:
            signer: LoadedSigner = open_pkcs11(
                pkcs11_module,
                token_label=token_label,
                pin=read_secret_file(pin_file),
                key_label=key_label,
                cert_label=cert_label,
                extra_certs=extra,
            )
        elif key is not None:
            signer = load_pkcs12(key, read_secret_file(password_file), extra_certs=extra)
        else:
            raise SigningError("give --key FILE.p12 or --pkcs11-module PATH")
        with signer:
            trust = None
            if trust_root:
                trust = TrustSettings(
                    trust_roots=load_certificates(trust_root),
                    other_certs=tuple(extra) + tuple(signer.chain),
                )
            the_stamp = build_stamp(
                stamp.lower(),
                src=src,
                certificate=signer.certificate,
                image=image,
                page=page,
                box=parse_box(box),
                title=title,
                name=name,
                seal_mm=seal_mm,
                organization=organization,
                number=number,
                copy_form=copy_form,
            )
            options = SignOptions(
                level=level,
                tsa_url=tsa,
                trust=trust,
                field_name=field,
                reason=reason,
                location=location,
            )
            result = sign_pdf(src, dst, signer, options, the_stamp)
    except SigningError as e:
        _fail(e)
    where = f", page {result.page + 1}" if result.page is not None else ""
    typer.echo(
        f"signed {dst} ({result.level}, field {result.field_name}{where}) by "
        f"{signer.certificate.subject.native.get('common_name', '')} at "
        f"{format_signing_time(result.signing_time)}"
    )


def register(app: typer.Typer) -> None:
    app.command("sign")(sign_command)

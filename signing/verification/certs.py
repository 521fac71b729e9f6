"""Certificate facts for the report: chain entries, algorithms, weak-algorithm flags."""

from __future__ import annotations

from dataclasses import replace

from asn1crypto import x509

from .model import CertInfo

WEAK_DIGESTS = {"md2", "md5", "sha1"}
MIN_RSA_BITS = 2048


def fill_cert_info(res, emb, status=None) -> None:
    """Signer certificate, chain and algorithms into ``res`` (a ``crypto.CryptoResult``)."""
    try:
        cert = status.signing_cert if status is not None else emb.signer_cert
    except Exception:  # noqa: BLE001
        cert = None
    algos = res.algorithms
    try:
        algos.digest = emb.md_algorithm
        algos.signature = emb.signer_info["signature_algorithm"].signature_algo
    except Exception:  # noqa: BLE001
        pass
    if cert is not None:
        res.signer_cert = cert
        pub = cert.public_key
        algos.key = pub.algorithm
        try:
            algos.key_size = pub.bit_size
        except Exception:  # noqa: BLE001
            algos.key_size = None
        path = getattr(status, "validation_path", None) if status is not None else None
        chain_certs = list(path) if path is not None else [cert]
        if path is not None:
            try:
                chain_certs = [*list(path.iter_certs(include_root=True))]
            except Exception:  # noqa: BLE001
                pass
            try:
                anchor = path.trust_anchor.authority.name.human_friendly
                res.anchor = anchor
            except Exception:  # noqa: BLE001
                pass
        res.chain = [cert_info(c) for c in reversed(chain_certs) if isinstance(c, x509.Certificate)]
    if algos.digest and algos.digest.lower() in WEAK_DIGESTS:
        algos.weak.append(f"digest {algos.digest.upper()}")
    if algos.key == "rsa" and algos.key_size and algos.key_size < MIN_RSA_BITS:
        algos.weak.append(f"RSA key of {algos.key_size} bits")


_INFO: dict[bytes, CertInfo] = {}


def cert_info(cert: x509.Certificate) -> CertInfo:
    """The report's view of a certificate; remembered per certificate (the same officials'
    and CAs' certificates come back document after document)."""
    key = cert.sha256
    info = _INFO.get(key)
    if info is None:
        info = _cert_info(cert)
        if len(_INFO) < 4096:
            _INFO[key] = info
    return replace(info)  # a copy: reports are mutable dataclasses


def _cert_info(cert: x509.Certificate) -> CertInfo:
    pub = cert.public_key
    try:
        size = pub.bit_size
    except Exception:  # noqa: BLE001
        size = None
    validity = cert["tbs_certificate"]["validity"]
    try:
        names = cert.subject.native
    except Exception:  # noqa: BLE001
        names = {}
    return CertInfo(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "X"),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
        key_algorithm=pub.algorithm,
        key_size=size,
        sha256=cert.sha256.hex(),
        common_name=_first(names.get("common_name")),
        organization=_first(names.get("organization_name")),
    )


def _first(value) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value is not None else None

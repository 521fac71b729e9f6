"""Validation data the document carries: the DSS and the CMS revocation archive attribute."""

from __future__ import annotations

from dataclasses import dataclass, field

from asn1crypto import x509
from pyhanko.sign.general import find_unique_cms_attribute

from .warm import certificate


@dataclass
class EmbeddedData:
    """Validation data carried by the document (DSS) — certificates, CRLs, OCSP responses."""

    certs: list[x509.Certificate] = field(default_factory=list)
    crls: list = field(default_factory=list)
    ocsps: list = field(default_factory=list)


def only_relevant(emb, embedded: EmbeddedData) -> EmbeddedData:
    """The DSS certificates that can be on this signature's chains (registering every DSS
    certificate costs more than the validation itself when the DSS is large)."""
    if len(embedded.certs) <= 2:
        return embedded
    try:
        needed = set()
        for choice in emb.signed_data["certificates"]:
            if choice.name == "certificate":
                needed.add(choice.chosen.issuer.dump())
        tst = signature_tst(emb)
        if tst is not None:
            for choice in tst["certificates"]:
                if choice.name == "certificate":
                    needed.add(choice.chosen.issuer.dump())
    except Exception:  # noqa: BLE001
        return embedded
    chosen: list[x509.Certificate] = []
    pending = list(embedded.certs)
    grew = True
    while grew:
        grew = False
        for cert in list(pending):
            if cert.subject.dump() in needed:
                chosen.append(cert)
                pending.remove(cert)
                needed.add(cert.issuer.dump())
                grew = True
    return EmbeddedData(certs=chosen, crls=embedded.crls, ocsps=embedded.ocsps)


def signature_tst(emb):
    try:
        if emb.sig_object_type == "/DocTimeStamp":
            return None
        token = find_unique_cms_attribute(
            emb.signer_info["unsigned_attrs"], "signature_time_stamp_token"
        )
        return token["content"]
    except Exception:  # noqa: BLE001
        return None




def covered(cert: x509.Certificate, crls, ocsps) -> bool:
    issuer = cert.issuer
    for crl in crls:
        try:
            if crl["tbs_cert_list"]["issuer"] == issuer:
                return True
        except Exception:  # noqa: BLE001
            continue
    for resp in ocsps:
        try:
            basic = resp["response_bytes"]["response"].parsed
            for single in basic["tbs_response_data"]["responses"]:
                if single["cert_id"]["serial_number"].native == cert.serial_number:
                    return True
        except Exception:  # noqa: BLE001
            continue
    return False


def revinfo_archival(emb) -> tuple[list, list]:
    try:
        arch = find_unique_cms_attribute(
            emb.signer_info["signed_attrs"], "adobe_revocation_info_archival"
        )
        return list(arch["crl"]), list(arch["ocsp"])
    except Exception:  # noqa: BLE001
        return [], []


def load_embedded_data(reader) -> EmbeddedData:
    """Certificates and revocation data from the document's DSS (empty when absent or broken).

    Read directly rather than through pyHanko's DocumentSecurityStore, which fully parses every
    certificate up front; asn1crypto parses lazily, and most DSS certificates are never needed.
    """
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.decode_limits import DecodePurpose

    data = EmbeddedData()
    try:
        dss = reader.root["/DSS"]
    except Exception:  # noqa: BLE001 — no DSS, or one that cannot be read
        return data
    for key, purpose, loader, target in (
        ("/Certs", DecodePurpose.CERTIFICATE, certificate, data.certs),
        ("/CRLs", DecodePurpose.CRL, asn1_crl.CertificateList.load, data.crls),
        ("/OCSPs", DecodePurpose.OCSP_RESPONSE, asn1_ocsp.OCSPResponse.load, data.ocsps),
    ):
        try:
            refs = list(dss.get(key, ()))
        except Exception:  # noqa: BLE001
            continue
        for ref in refs[:5000]:
            try:
                obj = ref.get_object() if hasattr(ref, "get_object") else ref
                target.append(loader(obj.read_data(purpose)))
            except Exception:  # noqa: BLE001 — a broken entry is not validation data
                continue
    return data

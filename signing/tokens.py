"""What is on a PKCS#11 token: slots, certificates, keys (for ``vanthu tokens list``).

Vendor tokens (VNPT, Viettel, BKAV, the Government Cipher Committee CA) label their objects in
different ways; listing them is the first step of configuring a signer. Public API:
:func:`list_tokens` returning :class:`SlotInfo` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from signing.errors import TokenError, WrongSecretError

__all__ = ["ObjectInfo", "SlotInfo", "list_tokens"]


@dataclass(frozen=True)
class ObjectInfo:
    kind: str  # "certificate", "private key", "public key"
    label: str
    id_hex: str
    detail: str = ""  # subject of a certificate, key type of a key


@dataclass(frozen=True)
class SlotInfo:
    slot_id: int
    description: str
    token_label: str | None
    token_serial: str | None = None
    logged_in: bool = False
    objects: list[ObjectInfo] = field(default_factory=list)
    error: str | None = None  # why the token could not be read (e.g. not initialised)


def _cert_subject(der: bytes) -> str:
    from asn1crypto import x509

    try:
        c = x509.Certificate.load(der)
        return f"{c.subject.human_friendly} (valid to {c.not_valid_after:%Y-%m-%d})"
    except (ValueError, TypeError):
        return "(unreadable certificate)"


def _objects(session) -> list[ObjectInfo]:
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error

    out: list[ObjectInfo] = []
    kinds = (
        (ObjectClass.CERTIFICATE, "certificate"),
        (ObjectClass.PRIVATE_KEY, "private key"),
        (ObjectClass.PUBLIC_KEY, "public key"),
    )
    for cls, kind in kinds:
        for obj in session.get_objects({Attribute.CLASS: cls}):
            try:
                label = obj[Attribute.LABEL]
            except PKCS11Error:
                label = ""
            try:
                id_hex = bytes(obj[Attribute.ID]).hex()
            except PKCS11Error:
                id_hex = ""
            detail = ""
            try:
                if kind == "certificate":
                    detail = _cert_subject(bytes(obj[Attribute.VALUE]))
                else:
                    detail = str(obj[Attribute.KEY_TYPE].name).lower()
            except PKCS11Error:
                pass
            out.append(ObjectInfo(kind, label or "", id_hex, detail))
    return out


def list_tokens(module: str | Path, pin: str | None = None) -> list[SlotInfo]:
    """Every slot of the PKCS#11 module; its objects (private keys only with the PIN)."""
    import pkcs11
    from pkcs11.exceptions import PinIncorrect, PinLocked, PKCS11Error, TokenNotPresent

    if not Path(module).is_file():
        raise TokenError(f"PKCS#11 module not found: {Path(module).name}")
    try:
        lib = pkcs11.lib(str(module))
        slots = lib.get_slots(token_present=False)
    except (PKCS11Error, OSError, RuntimeError) as e:
        raise TokenError(f"cannot load the PKCS#11 module: {type(e).__name__}") from None
    result: list[SlotInfo] = []
    for slot in slots:
        try:
            token = slot.get_token()
        except (TokenNotPresent, PKCS11Error):
            result.append(SlotInfo(slot.slot_id, slot.slot_description.strip(), None))
            continue
        try:
            with token.open(user_pin=pin) as session:
                objs = _objects(session)
        except PinIncorrect:
            raise WrongSecretError(f"the PIN of token '{token.label}' is wrong") from None
        except PinLocked:
            raise WrongSecretError(f"the PIN of token '{token.label}' is locked") from None
        except PKCS11Error as e:
            # e.g. SoftHSM's spare uninitialised slot: report it, keep listing the others
            result.append(
                SlotInfo(
                    slot.slot_id,
                    slot.slot_description.strip(),
                    token.label.strip(),
                    error=type(e).__name__,
                )
            )
            continue
        result.append(
            SlotInfo(
                slot_id=slot.slot_id,
                description=slot.slot_description.strip(),
                token_label=token.label.strip(),
                token_serial=bytes(token.serial).decode("ascii", "replace").strip()
                if getattr(token, "serial", None)
                else None,
                logged_in=pin is not None,
                objects=objs,
            )
        )
    return result

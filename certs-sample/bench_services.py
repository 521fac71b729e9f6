"""Benchmark: answer time of the loopback TSA / OCSP / CRL, stock certomancer Animator
(baseline) vs ours (keys parsed once, samplepki.fastsign), measured in the same run,
in-process through the WSGI interface (no sockets, so only the server's own work counts).

    .venv/bin/python certs-sample/bench_services.py [--n 20]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asn1crypto import ocsp, pem, tsp  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from certomancer.integrations.animator import Animator, AnimatorArchStore  # noqa: E402
from samplepki import ensure_generated, load_sample_pki  # noqa: E402
from samplepki.build import load_arch  # noqa: E402
from samplepki.paths import GENERATED_DIR  # noqa: E402
from samplepki.service import build_app  # noqa: E402
from werkzeug.test import Client  # noqa: E402


def _cert(path: Path) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor(path.read_bytes())[2])


def _requests() -> dict[str, tuple[str, str, bytes]]:
    pki = load_sample_pki()
    cert, issuer = _cert(pki.identity("revoked").cert), _cert(pki.intermediate)
    ocsp_req = ocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": {
        "hash_algorithm": {"algorithm": "sha1"},
        "issuer_name_hash": hashlib.sha1(cert.issuer.dump()).digest(),
        "issuer_key_hash": hashlib.sha1(issuer.public_key["public_key"].contents[1:]).digest(),
        "serial_number": cert.serial_number}}]}}).dump()
    tsa_req = tsp.TimeStampReq({"version": 1, "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"},
        "hashed_message": hashlib.sha256(b"bench").digest()}, "cert_req": True}).dump()
    return {
        "tsa": ("POST", "/vanthu-sample/tsa/tsa", tsa_req),
        "ocsp": ("POST", "/vanthu-sample/ocsp/interm", ocsp_req),
        "crl": ("GET", "/vanthu-sample/crls/interm/latest.crl", b""),
    }


def _measure(app, reqs, n: int) -> dict[str, float]:
    client = Client(app)
    out = {}
    for name, (method, path, body) in reqs.items():
        client.open(path, method=method, data=body)  # warm-up
        times = []
        for _ in range(n):
            t = time.perf_counter()
            resp = client.open(path, method=method, data=body)
            times.append(time.perf_counter() - t)
            assert resp.status_code == 200, (name, resp.status_code)
        out[name] = statistics.median(times) * 1000
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20, help="requests per endpoint")
    n = parser.parse_args().n
    ensure_generated()
    reqs = _requests()
    arch = load_arch(GENERATED_DIR)
    stock = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=False)
    base = _measure(stock, reqs, n)  # before build_app installs the cached-key backend
    ours = _measure(build_app(), reqs, n)
    print(f"median answer time over {n} requests (ms)")
    print(f"{'endpoint':<8} {'stock':>8} {'ours':>8} {'speed-up':>9}")
    for name in reqs:
        print(f"{name:<8} {base[name]:8.1f} {ours[name]:8.1f} {base[name] / ours[name]:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

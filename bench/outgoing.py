"""Outgoing issuance: how many signed directives the clerks can number, seal and register.

Run: ``.venv/bin/python bench/outgoing.py [--docs 40] [--clerks 10]``

Every issuance takes the book's counter row and keeps it locked until it commits (that is what
makes the numbering gap-free), so issuances of one book run one after another whatever the number
of clerks; the figure that matters is the time each one holds the lock.

- **ours**: N signed directives issued by concurrent clerk threads (SQLite in a temporary data
  dir, demo office, seal at B-B without TSA so the figure is ours, not the loopback TSA's), with
  the seal's key kept loaded between issuances. Per-step times come from the ``checkpoint`` hook.
- **baseline**, same run: the same issuances with the seal's PKCS#12 opened again for every
  document, as a plain "load key, sign" implementation would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "certs-sample"))

from samplepki import ensure_generated, load_sample_pki  # noqa: E402

from signing.pades import Level  # noqa: E402
from signing.workflow import keys  # noqa: E402
from signing.workflow.config import WorkflowSettings  # noqa: E402
from signing.workflow.issue import issue  # noqa: E402
from tests.outgoing.conftest import Office, signed_copies  # noqa: E402
from tests.signing.docgen import make_directive  # noqa: E402
from vanthu.demo import init_demo  # noqa: E402
from vanthu.services import build_services  # noqa: E402
from vanthu.settings import Settings  # noqa: E402


def run(n: int, clerks: int, reload_key: bool) -> tuple[float, dict[str, list[float]]]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-outgoing-"))
    services = build_services(Settings(data_dir=tmp / "data"))
    init_demo(services)
    pki = load_sample_pki()
    cfg = WorkflowSettings(level=Level.B_B, public_url="http://bench")
    office = Office({}, {"chutich": pki.identity("chairman").password})
    ids = signed_copies(services, cfg, office, make_directive(), n)
    steps: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def clerk(mine: list[int]) -> None:
        for doc_id in mine:
            if reload_key:
                keys._seal_cache.clear()
            marks = [time.perf_counter()]

            def checkpoint(step: str, marks: list[float] = marks) -> None:
                now = time.perf_counter()
                with lock:
                    steps[step].append(now - marks[-1])
                marks.append(now)

            issue(services, cfg, "bench", doc_id, checkpoint)

    threads = [threading.Thread(target=clerk, args=(ids[i::clerks],)) for i in range(clerks)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    services.close()
    return elapsed, steps


def report(label: str, n: int, elapsed: float, steps: dict[str, list[float]]) -> None:
    parts = ", ".join(f"{k} {statistics.median(v) * 1000:.0f}" for k, v in steps.items())
    print(f"{label:9s} {n} issued in {elapsed:6.2f} s = {n / elapsed:5.2f}/s, "
          f"{elapsed / n * 1000:4.0f} ms each; median ms per step: {parts}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--clerks", type=int, default=10)
    args = ap.parse_args()
    ensure_generated()
    ours = run(args.docs, args.clerks, reload_key=False)
    base = run(args.docs, args.clerks, reload_key=True)
    report("ours", args.docs, *ours)
    report("baseline", args.docs, *base)
    print(f"ratio (baseline time / ours): {base[0] / ours[0]:.2f}x")


if __name__ == "__main__":
    main()

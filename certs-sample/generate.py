"""Regenerate the SAMPLE PKI (demos and tests only) into certs-sample/generated/.

    python certs-sample/generate.py            # only if inputs changed
    python certs-sample/generate.py --force    # fresh keys and everything else
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samplepki import SamplePKIError, ensure_generated  # noqa: E402
from samplepki.paths import GENERATED_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="regenerate even if current")
    parser.add_argument("--seal-mm", type=float, default=36.0,
                        help="diameter of the seal image in millimetres (default 36)")
    parser.add_argument("--out", type=Path, default=GENERATED_DIR,
                        help="output directory (default certs-sample/generated)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = ensure_generated(args.out, seal_mm=args.seal_mm, force=args.force)
    except SamplePKIError as e:
        print(f"generate.py: error: {e}", file=sys.stderr)
        return 1
    print(f"{manifest} ready in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

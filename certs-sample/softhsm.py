"""Create a SoftHSM2 token with the SAMPLE officials' and seal's keys (demos and tests only).

    python certs-sample/softhsm.py DIR     # then: export SOFTHSM2_CONF=DIR/softhsm2.conf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samplepki import SamplePKIError, ensure_generated  # noqa: E402
from samplepki.softhsm import create_token  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("token_dir", type=Path, help="empty directory for the token files")
    parser.add_argument("--label", action="append", dest="labels",
                        help="identity to load (repeatable; default: officials and seal)")
    args = parser.parse_args(argv)
    try:
        ensure_generated()
        token = create_token(args.token_dir, labels=args.labels)
    except SamplePKIError as e:
        print(f"softhsm.py: error: {e}", file=sys.stderr)
        return 1
    print(f"token {token.token_label!r} with keys {', '.join(token.key_labels)}")
    print(f"module: {token.module_path}")
    print(f"export SOFTHSM2_CONF={token.conf_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

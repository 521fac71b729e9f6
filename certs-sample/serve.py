"""Serve the SAMPLE PKI's TSA, OCSP and CRLs on loopback (demos and tests only).

    python certs-sample/serve.py                          # foreground, 127.0.0.1:9786
    python certs-sample/serve.py --background --pidfile .make/pki.pid --log .make/pki.log
    python certs-sample/serve.py --check                  # exit 0 if it answers
    python certs-sample/serve.py --stop --pidfile .make/pki.pid

The URLs inside the certificates name 127.0.0.1:9786; another --port is only useful for
experiments that do not follow those URLs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samplepki import SamplePKIError, ensure_generated, sharing  # noqa: E402
from samplepki.manifest import read_manifest  # noqa: E402
from samplepki.paths import DEFAULT_HOST, DEFAULT_PORT, GENERATED_DIR  # noqa: E402
from samplepki.service import (  # noqa: E402
    check_loopback,
    probe,
    serve_forever,
    start_background,
    stop_process,
)


def _run(args: argparse.Namespace) -> int:
    base = f"http://{args.host}:{args.port}"
    if args.check:
        health = probe(base)
        print(f"{base}: {'up' if health else 'down'}")
        return 0 if health else 1
    if args.stop:
        if not args.pidfile or not args.pidfile.exists():
            print(f"no pid file {args.pidfile}; nothing to stop")
            return 0
        pid = int(args.pidfile.read_text().strip())
        stopped = stop_process(pid)
        args.pidfile.unlink(missing_ok=True)
        print(f"stopped pid {pid}" if stopped else f"pid {pid} was not running")
        return 0
    check_loopback(args.host)
    ensure_generated(args.out)  # a fresh clone has no keys yet
    if args.background:
        health = probe(base)
        if health:
            if health.get("pki_fingerprint") != read_manifest(args.out).get("pki_fingerprint"):
                print(f"{base} serves a different (stale) sample PKI; stop it first",
                      file=sys.stderr)
                return 1
            # it may have been started by a test session, which would stop it when done
            sharing.adopt(int(health["pid"]), args.out)
            if args.pidfile:
                args.pidfile.parent.mkdir(parents=True, exist_ok=True)
                args.pidfile.write_text(f"{health['pid']}\n")
            print(f"already running on {base} (pid {health['pid']})")
            return 0
        proc = start_background(args.host, args.port, log_path=args.log, out_dir=args.out)
        if args.pidfile:
            args.pidfile.parent.mkdir(parents=True, exist_ok=True)
            args.pidfile.write_text(f"{proc.pid}\n")
        print(f"sample PKI services on {base} (pid {proc.pid})")
        return 0
    serve_forever(args.host, args.port, args.out, with_web_ui=args.web_ui,
                  verbose=args.verbose)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=DEFAULT_HOST, help="loopback address to bind")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--out", type=Path, default=GENERATED_DIR, help=argparse.SUPPRESS)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--background", action="store_true",
                      help="start detached, wait until ready, then return")
    mode.add_argument("--stop", action="store_true", help="stop the server in --pidfile")
    mode.add_argument("--check", action="store_true", help="exit 0 if the server answers")
    parser.add_argument("--pidfile", type=Path, help="where --background writes its pid")
    parser.add_argument("--log", type=Path, help="log file of the background server")
    parser.add_argument("--web-ui", action="store_true", help="also serve certomancer's web UI")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except SamplePKIError as e:
        print(f"serve.py: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Runs the whole suite. PostgreSQL tests run against the server on this machine when it answers.
# pytest's exit code 5 ("no tests ran") is a failure here, like any other non-zero code.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VANTHU_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    export VANTHU_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
  fi
fi
[ -n "${VANTHU_TEST_POSTGRES_URL:-}" ] && echo "PostgreSQL tests: on" || echo "PostgreSQL tests: off (no server)"

mkdir -p test-artifacts
.venv/bin/pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$code"

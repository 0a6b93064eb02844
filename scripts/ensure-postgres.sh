#!/bin/sh
# Make sure PostgreSQL answers on 127.0.0.1:5432; start the local cluster if it is stopped.
# The PostgreSQL half of `make test` is required (CI=true): fail loudly rather than skip.
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ready && exit 0
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
  done
  for i in 1 2 3 4 5 6 7 8 9 10; do ready && exit 0; sleep 1; done
fi
echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started." >&2
echo "       The suite must pass on PostgreSQL too; start it, or set PG_URL=postgres://user@host:port/db." >&2
exit 1

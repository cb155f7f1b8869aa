#!/usr/bin/env bash
# The outbox relay's claim statement with a backlog, before and after the
# partial index `outbox_pending` (m20261211), side by side in one database:
# 200,000 delivered rows kept for inspection and PENDING rows waiting.
#
#   tests/bench/claim.sh [PENDING]      (default 100000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pending=${1:-100000}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS bench_claim" -c "CREATE DATABASE bench_claim"
psql -h 127.0.0.1 -U postgres -d bench_claim -q <<SQL
CREATE TABLE outbox (id bigserial PRIMARY KEY, tenant_id varchar NOT NULL, destination varchar NOT NULL,
  method varchar NOT NULL, payload bytea NOT NULL, trace_context text NOT NULL, attempts int NOT NULL,
  next_attempt_at timestamptz NOT NULL, lease_until timestamptz, last_error text,
  created_at timestamptz NOT NULL, delivered_at timestamptz);
CREATE INDEX outbox_pending_due ON outbox (delivered_at, next_attempt_at);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
INSERT INTO outbox (tenant_id, destination, method, payload, trace_context, attempts, next_attempt_at,
  created_at, delivered_at)
SELECT 't', (ARRAY['resolution', 'notification', 'feedback'])[1 + i % 3], '/x.Y/Z', '\x0a01', '{}', 0,
  now() - interval '1 hour' + i * interval '10 ms', now() - interval '1 hour' + i * interval '10 ms',
  CASE WHEN i <= 200000 THEN now() END
FROM generate_series(1, 200000 + $pending) i;
ANALYZE outbox;
SQL
for round in 1 2; do
  for script in claim-before claim; do
    printf '%s round %s: ' "$script" "$round"
    pgbench -h 127.0.0.1 -U postgres -n -c 1 -T 10 -f "$here/pgbench/$script.sql" bench_claim 2>&1 |
      awk '/latency average/ {printf "%s ms ", $4} /^tps/ {print $3 " claims/s"}'
  done
done
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE bench_claim"

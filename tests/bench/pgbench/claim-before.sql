-- The relay's claim before m20261211 (ORDER BY id): one batch of 64 due rows.
BEGIN;
SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= now()
  AND (lease_until IS NULL OR lease_until < now()) AND destination IN ('resolution', 'notification', 'feedback')
  ORDER BY id LIMIT 64 FOR UPDATE SKIP LOCKED;
ROLLBACK;

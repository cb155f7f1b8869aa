-- The relay's claim today (ORDER BY next_attempt_at over the partial index outbox_pending).
BEGIN;
SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= now()
  AND (lease_until IS NULL OR lease_until < now()) AND destination IN ('resolution', 'notification', 'feedback')
  ORDER BY next_attempt_at LIMIT 64 FOR UPDATE SKIP LOCKED;
ROLLBACK;

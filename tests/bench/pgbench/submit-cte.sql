-- One SubmitComplaint as intake committed it before its keyed insert: 5 round trips (BEGIN, the
-- replay SELECT, the duplicate SELECT, ONE statement writing every row as data-modifying CTEs, COMMIT).
-- Run against a database migrated by `redress-intake migrate`; see
-- docs/performance.md for the command. Values are shaped like `redress bench
-- submit`'s (a PL withdrawal complaint, ~360-byte outbox payloads).
\set n random(1, 4611686018427387903)
\set player random(1, 10000)
BEGIN;
SELECT tenant_id, method, request_id, fingerprint, response, created_at FROM idempotency_records
  WHERE tenant_id = 'bench' AND method = 'SubmitComplaint' AND request_id = 'pg-' || :client_id::text || '-' || :n::text LIMIT 1;
SELECT * FROM complaints
  WHERE tenant_id = 'bench' AND player_id = 'p-' || :player::text AND duplicate_key = 'withdrawal' || chr(58) || 'w-' || :n::text AND duplicate_of IS NULL
    AND status IN ('COMPLAINT_STATUS_RECEIVED', 'COMPLAINT_STATUS_IN_PROGRESS', 'COMPLAINT_STATUS_AWAITING_PLAYER',
                   'COMPLAINT_STATUS_RESOLUTION_PROPOSED', 'COMPLAINT_STATUS_REFERRED_TO_ADR')
  ORDER BY id LIMIT 1;
WITH w0 AS (
INSERT INTO complaints (id, tenant_id, reference, player_id, jurisdiction, player, transaction_references, duplicate_key,
    category, category_inferred, subject, description, channel, incident_at, disputed_amount_minor, disputed_currency, status,
    priority, kind, responsible_gambling, harm_indicators, duplicate_of, acknowledge_due_at, final_response_due_at,
    policy_jurisdiction, policy_version, outcome, case_name, last_case_sequence, version, created_at, updated_at)
  VALUES ('c-' || :client_id::text || '-' || :n::text, 'bench', 'RDR-' || :client_id::text || '-' || :n::text, 'p-' || :player::text, 'PL',
    decode(repeat('0a0e', 29), 'hex'), decode(repeat('122d', 24), 'hex'), 'withdrawal' || chr(58) || 'w-' || :n::text,
    'COMPLAINT_CATEGORY_WITHDRAWAL', false, 'Wypłata nie dotarła',
    'Zleciłam wypłatę 1200 PLN tydzień temu i nadal nie dotarła na moje konto.', 'CHANNEL_EMAIL', now(), NULL, NULL,
    'COMPLAINT_STATUS_RECEIVED', 'PRIORITY_NORMAL', 'COMPLAINT_KIND_COMPLAINT', false, '', NULL, now() + interval '1 day',
    now() + interval '14 days', 'PL', '2026-12-01', 'OUTCOME_UNSPECIFIED', NULL, 0, 1, now(), now())
),
w1 AS (
INSERT INTO interactions (id, tenant_id, complaint_id, kind, direction, channel, body, author, status, created_at)
  VALUES ('i-' || :client_id::text || '-' || :n::text, 'bench', 'c-' || :client_id::text || '-' || :n::text, 'KIND_COMPLAINT_FILED', 'DIRECTION_INBOUND',
    'CHANNEL_EMAIL', 'Wypłata nie dotarła' || chr(10) || chr(10) || 'Zleciłam wypłatę 1200 PLN tydzień temu i nadal nie dotarła na moje konto.',
    'p-' || :player::text, 'COMPLAINT_STATUS_RECEIVED', now())
),
w2 AS (
INSERT INTO outbox (tenant_id, destination, method, payload, trace_context, attempts, next_attempt_at, lease_until,
    last_error, created_at, delivered_at)
  VALUES ('bench', 'resolution', '/redress.resolution.v1.ResolutionInternalService/OpenCase', decode(repeat('0a2f', 90), 'hex'),
    '{"traceparent":"00-8d588938ce31d2bdbf01a2ec617453ec-2abe81a1f79fc6ef-01","tracestate":""}', 0, now(), NULL, NULL, now(), NULL),
    ('bench', 'notification', '/redress.notification.v1.NotificationInternalService/SendNotification', decode(repeat('0a2f', 90), 'hex'),
    '{"traceparent":"00-8d588938ce31d2bdbf01a2ec617453ec-2abe81a1f79fc6ef-01","tracestate":""}', 0, now(), NULL, NULL, now(), NULL),
    ('bench', 'feedback', '/redress.feedback.v1.FeedbackInternalService/RecordEvent', decode(repeat('0a2f', 90), 'hex'),
    '{"traceparent":"00-8d588938ce31d2bdbf01a2ec617453ec-2abe81a1f79fc6ef-01","tracestate":""}', 0, now(), NULL, NULL, now(), NULL)
)
INSERT INTO idempotency_records (tenant_id, method, request_id, fingerprint, response, created_at)
  VALUES ('bench', 'SubmitComplaint', 'pg-' || :client_id::text || '-' || :n::text, md5(:n::text) || md5(:n::text),
    decode(repeat('0a81', 200), 'hex'), now());;
COMMIT;

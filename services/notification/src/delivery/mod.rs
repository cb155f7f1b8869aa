//! The background sender: claims due notifications with a lease, renders
//! them, delivers them by e-mail or webhook, and records every attempt.
//!
//! Crash safety. An attempt row is committed BEFORE the message leaves and
//! completed after; no database transaction is held across network I/O. A
//! sender that dies mid-attempt leaves the row open and the notification
//! leased; once the lease runs out another sender closes the open attempt as
//! a transient failure with an unknown outcome and tries again. Delivery is
//! therefore at least once at the provider boundary: when the SMTP server
//! accepted the message but the sender died before recording the 250, the
//! message goes out a second time. Both copies carry the same Message-ID
//! (derived from the notification id) and webhooks the same
//! `Redress-Notification` header, so the receiver can drop the repeat.

pub mod email;
pub mod webhook;

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use futures::{FutureExt, StreamExt, future::BoxFuture, stream::FuturesUnordered};
use redress_config::Secret;
use redress_db::{Stored, now};
use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{
        NotificationEvent, delivery_attempt::Result as AttemptResult, notification::DeadLetterReason,
        notification::State,
    },
};
use redress_worker::{Backoff, BoxError, Job, Round, Worker};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::{
    catalog::Catalog,
    config::NotificationConfig,
    domain::{self, templates},
    sealing::{SealingKey, Unreadable},
    store::{self, attempt, notification, webhook_endpoint},
};

/// Why a registered endpoint's secrets cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EndpointSecretError {
    /// The service has no `webhook_secret_key_file`.
    #[error("no webhook_secret_key_file is configured to decrypt the endpoint's signing secret")]
    NoKey,
    /// The configured key does not open the stored secret.
    #[error("the endpoint's signing secret does not decrypt with the configured webhook_secret_key_file")]
    Unreadable(#[from] Unreadable),
}

/// The resource name of a webhook endpoint id.
pub fn endpoint_name(id: &str) -> String {
    format!("webhookEndpoints/{id}")
}

/// What a sealed secret of an endpoint is bound to: its tenant and name.
pub fn endpoint_associated_data(tenant: &str, id: &str) -> String {
    format!("{tenant}/{}", endpoint_name(id))
}

/// The events an endpoint subscribes to (empty: all). A name the code does
/// not know reads as unspecified, which matches no notification; a column
/// that does not parse matches none either (never "all").
pub fn stored_events(row: &webhook_endpoint::Model) -> Vec<NotificationEvent> {
    let names: Vec<String> = serde_json::from_str(&row.events).unwrap_or_else(|err| {
        tracing::warn!(endpoint = %row.id, error = %err, "stored webhook endpoint events do not parse");
        vec!["NOTIFICATION_EVENT_UNSPECIFIED".to_owned()]
    });
    names.iter().map(|n| NotificationEvent::from_str_name(n).unwrap_or(NotificationEvent::Unspecified)).collect()
}

/// What came of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub result: AttemptResult,
    /// SMTP reply code or HTTP status; 0 without an answer.
    pub code: i32,
    /// The provider's answer, shortened.
    pub response: String,
    pub message_id: String,
    /// What went wrong when no answer came.
    pub error: String,
}

impl Outcome {
    fn accepted(code: i32, response: impl Into<String>, message_id: impl Into<String>) -> Self {
        Self {
            result: AttemptResult::Accepted,
            code,
            response: response.into(),
            message_id: message_id.into(),
            error: String::new(),
        }
    }

    fn transient(code: i32, response: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            result: AttemptResult::TransientFailure,
            code,
            response: response.into(),
            message_id: String::new(),
            error: error.into(),
        }
    }

    fn permanent(code: i32, response: impl Into<String>) -> Self {
        Self {
            result: AttemptResult::PermanentFailure,
            code,
            response: response.into(),
            message_id: String::new(),
            error: String::new(),
        }
    }
}

/// Delivers notifications. Cheap to share: clone the `Arc`.
pub struct Sender {
    db: DatabaseConnection,
    config: Arc<NotificationConfig>,
    catalog: Arc<Catalog>,
    http: reqwest::Client,
    mailer: email::Mailer,
    wake: Notify,
    sealing: Option<SealingKey>,
}

/// Where a webhook goes and what signs it: a registered endpoint, or the
/// tenant's TOML bootstrap endpoint.
pub struct Target {
    pub url: String,
    /// The active secrets, the newest first; an error when a sealed one does
    /// not open (the attempt then fails without sending).
    pub secrets: Result<Vec<Secret>, String>,
    /// The endpoint's id; empty for the bootstrap endpoint.
    pub endpoint_id: String,
}

/// At most `max` bytes of `s`, cut at a character boundary (the contract
/// promises provider answers of at most 1 KiB).
pub(crate) fn shorten(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// What finished in the sender's window.
enum Step {
    Claimed(Result<Vec<notification::Model>, DbErr>),
    Delivered(Result<(), DbErr>),
}

/// What one attempt sends.
enum Prepared {
    Email { bytes: Vec<u8>, envelope: lettre::address::Envelope, to: String },
    Webhook { target: Target, body: Vec<u8> },
}

impl Sender {
    /// A sender over the service's database.
    pub fn new(
        db: DatabaseConnection,
        config: Arc<NotificationConfig>,
        catalog: Arc<Catalog>,
        sealing: Option<SealingKey>,
    ) -> Result<Arc<Self>, reqwest::Error> {
        let http = webhook::client(Duration::from_millis(config.delivery.webhook_timeout_ms))?;
        let mailer = email::Mailer::new(config.email.clone());
        Ok(Arc::new(Self { db, config, catalog, http, mailer, wake: Notify::new(), sealing }))
    }

    /// The HTTP client webhooks go out with (TestWebhookEndpoint uses it too).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The active secrets of a registered endpoint at `now`, the newest
    /// first: the current one, and the previous one during its overlap.
    pub fn endpoint_secrets(
        &self,
        endpoint: &webhook_endpoint::Model,
        now: DateTime<Utc>,
    ) -> Result<Vec<Secret>, EndpointSecretError> {
        let key = self.sealing.as_ref().ok_or(EndpointSecretError::NoKey)?;
        let associated = endpoint_associated_data(&endpoint.tenant_id, &endpoint.id);
        let mut secrets = vec![Secret::new(key.open(&endpoint.secret_sealed, &associated)?)];
        if let Some(previous) = &endpoint.previous_secret_sealed
            && domain::endpoints::previous_active(endpoint.previous_secret_expires_at, now)
        {
            secrets.push(Secret::new(key.open(previous, &associated)?));
        }
        Ok(secrets)
    }

    /// Where a webhook notification of `row` goes now, or `None` when
    /// nowhere: the tenant's registered endpoint for its event, or, while the
    /// tenant has none registered, the TOML bootstrap endpoint.
    async fn webhook_target(&self, row: &notification::Model) -> Result<Option<Target>, DbErr> {
        let endpoints = store::tenant_endpoints(&self.db, &row.tenant_id).await?;
        if endpoints.is_empty() {
            let tenant = self.config.tenant(&row.tenant_id);
            if tenant.webhook_url.is_empty() || tenant.webhook_secrets.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Target {
                url: tenant.webhook_url,
                secrets: Ok(tenant.webhook_secrets),
                endpoint_id: String::new(),
            }));
        }
        let events: Vec<Vec<NotificationEvent>> = endpoints.iter().map(stored_events).collect();
        let candidates: Vec<domain::endpoints::Candidate<'_>> = endpoints
            .iter()
            .zip(&events)
            .map(|(e, events)| domain::endpoints::Candidate { id: &e.id, disabled: e.disabled, events })
            .collect();
        let Some(id) = domain::endpoints::route(row.event.get(), &candidates) else { return Ok(None) };
        let Some(endpoint) = endpoints.iter().find(|e| e.id == id) else { return Ok(None) };
        let secrets = self.endpoint_secrets(endpoint, now()).map_err(|err| {
            tracing::error!(endpoint = %endpoint.id, error = %err, "webhook endpoint secret unreadable");
            err.to_string()
        });
        Ok(Some(Target { url: endpoint.url.clone(), secrets, endpoint_id: endpoint.id.clone() }))
    }

    /// Wakes the sender: call after accepting a notification.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Runs the sender in the background.
    pub fn spawn(self: &Arc<Self>) -> Worker {
        Worker::spawn(Arc::clone(self), Duration::from_millis(self.config.delivery.poll_interval_ms))
    }

    /// Delivers every due notification with at most
    /// `delivery.max_in_flight` in flight: claims `batch_size` at a time
    /// whenever that many slots are free, so there is no round barrier
    /// waiting for the slowest delivery. Returns how many were claimed.
    /// After a storage error it claims no more, lets the deliveries in
    /// flight finish, and returns the error.
    pub async fn run_once(&self) -> Result<usize, DbErr> {
        let window = self.config.delivery.max_in_flight.max(1) as usize;
        let batch = (self.config.delivery.batch_size.max(1) as usize).min(window);
        // Claims and deliveries are polled together: a delivery holding the
        // database (SQLite has one connection) must be able to finish while
        // a claim waits for it.
        let mut work: FuturesUnordered<BoxFuture<'_, Step>> = FuturesUnordered::new();
        let (mut in_flight, mut claiming, mut more_due) = (0, false, true);
        let mut claimed = 0;
        let mut failed = None;
        loop {
            if more_due && !claiming && failed.is_none() && window - in_flight >= batch {
                claiming = true;
                work.push(self.claim(batch).map(Step::Claimed).boxed());
            }
            match work.next().await {
                Some(Step::Claimed(Ok(rows))) => {
                    claiming = false;
                    more_due = rows.len() == batch;
                    claimed += rows.len();
                    in_flight += rows.len();
                    work.extend(rows.into_iter().map(|row| self.deliver(row).map(Step::Delivered).boxed()));
                }
                Some(Step::Delivered(result)) => {
                    in_flight -= 1;
                    if let Err(err) = result {
                        failed.get_or_insert(err);
                    }
                }
                Some(Step::Claimed(Err(err))) => {
                    claiming = false;
                    failed.get_or_insert(err);
                }
                None => break,
            }
        }
        match failed {
            Some(err) => Err(err),
            None => Ok(claimed),
        }
    }

    async fn claim(&self, limit: usize) -> Result<Vec<notification::Model>, DbErr> {
        let now = now();
        let lease_until = now + chrono::Duration::milliseconds(self.config.delivery.lease_ms as i64);
        let states = [State::Pending.as_str_name(), State::Retrying.as_str_name()];
        store::claim(&self.db, now, lease_until, limit as i64, states).await
    }

    /// One delivery, traced as a child of the SendNotification that accepted
    /// the row, like an outbox delivery: one trace from the complaint to the
    /// e-mail (a retry hours later still lands there; `attempt` says which).
    fn deliver(&self, row: notification::Model) -> impl Future<Output = Result<(), DbErr>> + '_ {
        let span = tracing::info_span!(
            "notification.deliver",
            notification.id = %row.id,
            notification.channel = %crate::metrics::short(row.channel.as_str(), "CHANNEL_"),
            attempt = row.attempt_count + 1,
            otel.status_code = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let stored: std::collections::HashMap<String, String> =
            row.trace_context.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
        redress_telemetry::continue_stored_trace(&span, crate::app::SERVICE_NAME, &stored);
        self.process(row).instrument(span)
    }

    async fn process(&self, mut row: notification::Model) -> Result<(), DbErr> {
        let started = now();
        // An attempt left open by a sender that died is over: its outcome is
        // unknown, and it counts as a transient failure. An attempt row is
        // only ever written with the count's increment (below), so a first
        // attempt has none to close and skips the statement.
        if row.attempt_count > 0 {
            store::close_interrupted_attempts(
                &self.db,
                &row.id,
                AttemptResult::TransientFailure.as_str_name(),
                started,
            )
            .await?;
        }
        // Stored variables or a sealed message that do not parse would be
        // rendered or sent as if empty: a message without its facts or
        // its secrets. Nothing goes out; the dead letter says why.
        if let Err(err) = readable(&row) {
            tracing::error!(notification = %row.id, error = %err, "stored variables or message do not parse");
            return self.dead_letter(row, DeadLetterReason::RenderFailed, started).await;
        }

        if row.subject.is_none() {
            let recipient = row.recipient.get().clone();
            let event = row.event.get();
            let default_locale = self.config.default_locale(&row.tenant_id);
            let selected =
                self.catalog.select(&self.db, &row.tenant_id, event, &recipient.language_code, &default_locale).await?;
            let Some(selected) = selected else {
                return self.dead_letter(row, DeadLetterReason::RenderFailed, started).await;
            };
            row.locale = selected.locale.clone();
            row.template_name = selected.name.clone();
            row.template_version = selected.version;
            match render(&selected, &row, &recipient) {
                Ok((shown, sealed)) => {
                    row.subject = Some(shown.subject);
                    row.body_text = Some(shown.body_text);
                    row.body_html = Some(shown.body_html);
                    row.sealed_message = sealed;
                }
                Err(err) => {
                    tracing::warn!(notification = %row.id, error = %err, "template rendering failed");
                    return self.dead_letter(row, DeadLetterReason::RenderFailed, started).await;
                }
            }
        }

        let target = if row.channel.get() == Channel::Email { None } else { self.webhook_target(&row).await? };
        let Some(prepared) = self.prepare(&row, target) else {
            return self.dead_letter(row, DeadLetterReason::NoDestination, started).await;
        };
        let (destination, bytes, endpoint_id) = match &prepared {
            Prepared::Email { to, bytes, .. } => (to.clone(), bytes.clone(), String::new()),
            Prepared::Webhook { target, body } => (target.url.clone(), body.clone(), target.endpoint_id.clone()),
        };

        // The attempt is on record before anything leaves.
        let mut attempt = attempt::Model {
            id: redress_db::new_id(),
            tenant_id: row.tenant_id.clone(),
            notification_id: row.id.clone(),
            attempt_number: row.attempt_count + 1,
            channel: row.channel,
            destination: destination.clone(),
            started_at: started,
            ended_at: None,
            result: None,
            provider_status_code: 0,
            provider_response: String::new(),
            provider_message_id: String::new(),
            error_message: String::new(),
            webhook_endpoint_id: endpoint_id.clone(),
        };
        let expected = row.version;
        row.attempt_count += 1;
        row.version += 1;
        row.updated_at = started;
        let txn = self.db.begin().await?;
        store::insert_attempt(&txn, attempt.clone()).await?;
        if !store::update_notification(&txn, row.clone(), expected).await? {
            // Changed under us (cannot happen while we hold the lease, but a
            // lease can expire): leave it to whoever changed it.
            tracing::warn!(notification = %row.id, "notification changed during delivery; skipped");
            return Ok(());
        }
        txn.commit().await?;

        let outcome = match prepared {
            Prepared::Email { bytes, envelope, .. } => self.mailer.send(&row.id, &bytes, &envelope).await,
            Prepared::Webhook { target, body } => match &target.secrets {
                Ok(secrets) => {
                    let endpoint = if endpoint_id.is_empty() { String::new() } else { endpoint_name(&endpoint_id) };
                    let meta = webhook::Meta {
                        notification: &format!("notifications/{}", row.id),
                        event: row.event.as_str(),
                        attempt_number: attempt.attempt_number,
                        endpoint: &endpoint,
                        test: false,
                    };
                    webhook::post(&self.http, &target.url, secrets, &meta, body).await
                }
                // Nothing is sent unsigned; the operator can fix the key
                // and the retry goes out.
                Err(err) => Outcome::transient(0, "", err.clone()),
            },
        };
        let end = now();
        record_attempt(&row, &outcome, end - started);
        attempt.ended_at = Some(end);
        attempt.result = Some(Stored(outcome.result));
        attempt.provider_status_code = outcome.code;
        attempt.provider_response = shorten(&outcome.response, 1024);
        attempt.provider_message_id = shorten(&outcome.message_id, 512);
        attempt.error_message = shorten(&outcome.error, 1024);

        let expected = row.version;
        row.version += 1;
        row.updated_at = end;
        row.lease_until = None;
        match outcome.result {
            AttemptResult::Accepted => {
                row.state = Stored(State::Delivered);
                row.next_attempt_at = None;
                row.accepted_at = Some(end);
                row.accepted_attempt = attempt.id.clone();
                row.provider_message_id = attempt.provider_message_id.clone();
                row.destination = destination;
                row.content_sha256 = hex::encode(Sha256::digest(&bytes));
                let waited = (end - row.created_at).num_milliseconds().max(0) as f64 / 1000.0;
                crate::metrics::metrics()
                    .delivery_latency
                    .record(waited, &[crate::metrics::channel_label(row.channel.as_str())]);
                tracing::info!(notification = %row.id, channel = %row.channel, "notification delivered");
            }
            AttemptResult::PermanentFailure => {
                row.state = Stored(State::DeadLetter);
                row.dead_letter_reason = DeadLetterReason::PermanentFailure.as_str_name().to_owned();
                row.next_attempt_at = None;
                record_dead_letter(row.channel.as_str(), DeadLetterReason::PermanentFailure);
                tracing::warn!(notification = %row.id, response = %attempt.provider_response, "permanent delivery failure; dead letter");
            }
            _ if row.attempt_count >= row.max_attempts => {
                row.state = Stored(State::DeadLetter);
                row.dead_letter_reason = DeadLetterReason::AttemptsExhausted.as_str_name().to_owned();
                row.next_attempt_at = None;
                record_dead_letter(row.channel.as_str(), DeadLetterReason::AttemptsExhausted);
                tracing::warn!(notification = %row.id, attempts = row.attempt_count, "attempts exhausted; dead letter");
            }
            _ => {
                let d = &self.config.delivery;
                // Failures since the last redrive decide the delay.
                let budget = self.config.max_attempts(&row.tenant_id);
                let in_budget = row.attempt_count - (row.max_attempts - budget).max(0);
                let delay = Backoff::from_millis(d.initial_backoff_ms, d.max_backoff_ms).delay(in_budget.max(1) as u32);
                row.state = Stored(State::Retrying);
                row.next_attempt_at = Some(end + chrono::Duration::milliseconds(delay.as_millis() as i64));
                crate::metrics::metrics().retries.add(1, &[crate::metrics::channel_label(row.channel.as_str())]);
                tracing::info!(
                    notification = %row.id,
                    error = %attempt.error_message,
                    code = attempt.provider_status_code,
                    retry_in_ms = delay.as_millis() as u64,
                    "delivery attempt failed; will retry"
                );
            }
        }
        let txn = self.db.begin().await?;
        if !endpoint_id.is_empty() {
            let accepted = outcome.result == AttemptResult::Accepted;
            store::record_endpoint_attempt(
                &txn,
                &endpoint_id,
                accepted,
                outcome.result.as_str_name(),
                outcome.code,
                end,
            )
            .await?;
        }
        store::update_attempt(&txn, attempt).await?;
        if store::update_notification(&txn, row.clone(), expected).await? {
            txn.commit().await?;
        } else {
            tracing::warn!(notification = %row.id, "notification changed during delivery; outcome not recorded");
        }
        Ok(())
    }

    /// The bytes and destination of the next attempt, or `None` when there
    /// is nowhere to deliver.
    fn prepare(&self, row: &notification::Model, target: Option<Target>) -> Option<Prepared> {
        let recipient = row.recipient.get();
        let tenant = self.config.tenant(&row.tenant_id);
        let channel = row.channel.get();
        // The player gets the message with its secrets; staff read the
        // redacted rendering in subject/body_*.
        let rendered = row.sealed_message.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or_else(|| {
            templates::Rendered {
                subject: row.subject.clone().unwrap_or_default(),
                body_text: row.body_text.clone().unwrap_or_default(),
                body_html: row.body_html.clone().unwrap_or_default(),
            }
        });
        if channel == Channel::Email {
            let alert = row.event.get() == NotificationEvent::OperationsAlert;
            let to = if alert { tenant.operations_email.clone() } else { recipient.email.clone() };
            if to.trim().is_empty() {
                return None;
            }
            let from = if tenant.email_from.is_empty() { self.config.email.from.clone() } else { tenant.email_from };
            let email = email::Email {
                notification_id: &row.id,
                from: &from,
                to: &to,
                to_name: if alert { "" } else { &recipient.display_name },
                subject: &rendered.subject,
                body_text: &rendered.body_text,
                body_html: &rendered.body_html,
            };
            match email::build(&email) {
                Ok((bytes, envelope)) => Some(Prepared::Email { bytes, envelope, to }),
                Err(err) => {
                    tracing::warn!(notification = %row.id, error = %err, "no usable e-mail address");
                    None
                }
            }
        } else {
            let target = target?;
            let mut vars: BTreeMap<String, String> = serde_json::from_str(&row.variables).unwrap_or_default();
            vars.extend(secrets(row));
            let name = format!("notifications/{}", row.id);
            let payload = webhook::Payload {
                notification: &name,
                event: row.event.as_str(),
                purpose: row.purpose.as_str(),
                channel,
                recipient,
                locale: &row.locale,
                complaint: &row.complaint,
                complaint_reference: &row.complaint_reference,
                message: &rendered,
                variables: &vars,
                template: &row.template_name,
                template_version: row.template_version,
                attempt_number: row.attempt_count + 1,
                create_time: row.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            };
            Some(Prepared::Webhook { target, body: webhook::body(&payload) })
        }
    }

    async fn dead_letter(
        &self,
        mut row: notification::Model,
        reason: DeadLetterReason,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        tracing::warn!(notification = %row.id, reason = reason.as_str_name(), "notification dead-lettered");
        record_dead_letter(row.channel.as_str(), reason);
        let expected = row.version;
        row.state = Stored(State::DeadLetter);
        row.dead_letter_reason = reason.as_str_name().to_owned();
        row.next_attempt_at = None;
        row.lease_until = None;
        row.version += 1;
        row.updated_at = now;
        store::update_notification(&self.db, row, expected).await.map(|_| ())
    }
}

/// One attempt into the metrics; a failed one marks the delivery span.
fn record_attempt(row: &notification::Model, outcome: &Outcome, took: chrono::Duration) {
    let result = crate::metrics::short(outcome.result.as_str_name(), "RESULT_");
    let labels =
        [crate::metrics::channel_label(row.channel.as_str()), redress_telemetry::metrics::label("result", result)];
    let m = crate::metrics::metrics();
    m.deliveries.add(1, &labels);
    m.attempt_duration.record(took.num_microseconds().unwrap_or(i64::MAX).max(0) as f64 / 1e6, &labels);
    if outcome.result != AttemptResult::Accepted {
        tracing::Span::current().record("otel.status_code", "ERROR");
    }
}

fn record_dead_letter(channel: &str, reason: DeadLetterReason) {
    crate::metrics::metrics().dead_letters.add(
        1,
        &[
            crate::metrics::channel_label(channel),
            redress_telemetry::metrics::label(
                "reason",
                crate::metrics::short(reason.as_str_name(), "DEAD_LETTER_REASON_"),
            ),
        ],
    );
}

/// Whether the JSON columns a delivery reads parse (afterwards they are read
/// without checking again).
fn readable(row: &notification::Model) -> Result<(), serde_json::Error> {
    serde_json::from_str::<BTreeMap<String, String>>(&row.variables)?;
    serde_json::from_str::<BTreeMap<String, String>>(&row.secret_variables)?;
    if let Some(sealed) = &row.sealed_message {
        serde_json::from_str::<templates::Rendered>(sealed)?;
    }
    Ok(())
}

/// The secret variables of a notification (see `domain::SECRET_VARIABLES`).
fn secrets(row: &notification::Model) -> BTreeMap<String, String> {
    serde_json::from_str(&row.secret_variables).unwrap_or_default()
}

/// Renders a notification twice when it carries secrets: the copy staff see,
/// with each secret redacted, and the sealed message the player receives
/// (JSON, `None` when there is no secret and the two are the same).
fn render(
    selected: &crate::catalog::Selected,
    row: &notification::Model,
    recipient: &Player,
) -> Result<(templates::Rendered, Option<String>), templates::TemplateError> {
    let vars = variables(row, recipient);
    let secrets = secrets(row);
    if secrets.is_empty() {
        return Ok((templates::render(&selected.content, &selected.locale, &vars)?, None));
    }
    let shown = templates::render(&selected.content, &selected.locale, &domain::redacted(&vars, &secrets))?;
    let mut all = vars;
    all.extend(secrets);
    let sealed = templates::render(&selected.content, &selected.locale, &all)?;
    Ok((shown, serde_json::to_string(&sealed).ok()))
}

/// The variables a template sees: the built-ins, then the caller's (which
/// may replace them).
pub fn variables(row: &notification::Model, recipient: &Player) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("player_name".to_owned(), recipient.display_name.clone());
    vars.insert("complaint_reference".to_owned(), row.complaint_reference.clone());
    let given: BTreeMap<String, String> = serde_json::from_str(&row.variables).unwrap_or_default();
    vars.extend(given);
    vars
}

impl Job for Sender {
    fn name(&self) -> &'static str {
        "notification.sender"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let claimed = self.run_once().await?;
        // run_once stops only when a claim came back short: nothing is due.
        Ok(Round { worked: claimed, more: false })
    }

    async fn woken(&self) {
        self.wake.notified().await
    }
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn provider_answers_are_cut_to_bytes_at_a_character_boundary() {
        assert_eq!(shorten("żółw", 3), "ż");
        assert_eq!(shorten("ok", 1024), "ok");
        assert!(shorten(&"ą".repeat(1000), 1024).len() <= 1024);
    }
}

//! Notification's gRPC API: turns requests into domain calls and stored
//! rows, checks roles, and writes every acceptance in one transaction.

pub mod convert;

use std::{collections::BTreeMap, sync::Arc};

use prost::Message;
use redress_auth::{Role, authorize};
use redress_db::{new_id, now};
use redress_errors::{ApiError, ErrorCode, Violations};
use redress_paging::PageTokens;
use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{
        GetNotificationRequest, GetNotificationResponse, ListDeliveryAttemptsRequest, ListDeliveryAttemptsResponse,
        ListNotificationsRequest, ListNotificationsResponse, ListTemplatesRequest, ListTemplatesResponse,
        MessagePurpose, Notification, NotificationEvent, PreviewTemplateRequest, PreviewTemplateResponse,
        RedriveNotificationRequest, RedriveNotificationResponse, RenderedMessage, ResendNotificationRequest,
        ResendNotificationResponse, SendNotificationRequest, SendNotificationResponse, Template, UpsertTemplateRequest,
        UpsertTemplateResponse, notification::State, notification_internal_service_server::NotificationInternalService,
        notification_service_server::NotificationService, preview_template_request,
    },
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use sha2::{Digest, Sha256};
use tonic::{Request, Response, Status};

use crate::{
    catalog::{self, Catalog},
    config::NotificationConfig,
    delivery::Sender,
    domain::{self, templates},
    store::{self, notification as notification_row, template as template_row},
};

/// Roles that may read: any.
const READERS: &[Role] = &Role::ALL;
/// Roles that may redrive and resend.
const OPERATORS: &[Role] = &[Role::Supervisor, Role::Admin];
/// Roles that may preview templates.
const PREVIEWERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Admin];

const MAX_KEY: usize = 128;
const MAX_VARIABLES: usize = 100;
const MAX_VARIABLE_CHARS: usize = 20_000;

/// Everything the handlers share.
pub struct NotificationApi {
    db: DatabaseConnection,
    config: Arc<NotificationConfig>,
    catalog: Arc<Catalog>,
    sender: Arc<Sender>,
    page_tokens: PageTokens,
}

/// SHA-256 of a request with its key cleared. Maps are hashed sorted, since
/// protobuf map encoding order is unspecified.
fn fingerprint<M: Message + Clone>(request: &M, clear: impl FnOnce(&mut M) -> Vec<(String, String)>) -> String {
    let mut copy = request.clone();
    let mut map = clear(&mut copy);
    map.sort();
    let mut hasher = Sha256::new();
    hasher.update(copy.encode_to_vec());
    for (k, v) in map {
        hasher.update((k.len() as u64).to_be_bytes());
        hasher.update(k.as_bytes());
        hasher.update((v.len() as u64).to_be_bytes());
        hasher.update(v.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The current request's W3C trace context as stored with a notification,
/// `None` when there is none to continue.
fn trace_context() -> Option<String> {
    let map = redress_telemetry::current_context_map();
    if map.is_empty() { None } else { serde_json::to_string(&map).ok() }
}

fn notification_id(name: &str, field: &str) -> Result<String, ApiError> {
    redress_errors::resource_id(name, "notifications", field)
}

fn check_variables(v: &mut Violations, vars: &std::collections::HashMap<String, String>, field: &str) {
    if vars.len() > MAX_VARIABLES {
        v.add(field, format!("must have at most {MAX_VARIABLES} entries"));
    }
    for (key, value) in vars {
        let snake = key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && key.len() <= 64;
        if !snake {
            v.add(format!("{field}[{key}]"), "keys must be lower_snake_case, at most 64 characters");
        }
        if value.chars().count() > MAX_VARIABLE_CHARS {
            v.add(format!("{field}[{key}]"), format!("must be at most {MAX_VARIABLE_CHARS} characters"));
        }
    }
}

fn known_channel(value: i32) -> Option<Channel> {
    Channel::try_from(value).ok()
}

impl NotificationApi {
    /// The API over a database, the template catalog and the sender.
    pub fn new(
        db: DatabaseConnection,
        config: Arc<NotificationConfig>,
        catalog: Arc<Catalog>,
        sender: Arc<Sender>,
        page_tokens: PageTokens,
    ) -> Self {
        Self { db, config, catalog, sender, page_tokens }
    }

    async fn load(&self, tenant: &str, name: &str, field: &str) -> Result<notification_row::Model, ApiError> {
        let id = notification_id(name, field)?;
        store::find_notification(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    async fn to_proto(
        &self,
        conn: &impl ConnectionTrait,
        row: &notification_row::Model,
    ) -> Result<Notification, ApiError> {
        let last = store::last_attempt(conn, &row.id).await?;
        Ok(convert::notification(row, last.as_ref()))
    }

    /// Builds a new notification row: routing and suppression are decided
    /// here, once.
    #[allow(clippy::too_many_arguments)]
    fn accept(
        &self,
        tenant: &str,
        dedupe_key: &str,
        fingerprint: String,
        event: NotificationEvent,
        purpose: MessagePurpose,
        recipient: Player,
        channel: Channel,
        complaint: &str,
        complaint_reference: &str,
        variables: &std::collections::HashMap<String, String>,
        creator: &str,
        resend_of: &str,
    ) -> notification_row::Model {
        let now = now();
        let purpose = domain::effective_purpose(event, purpose);
        let routed = if event == NotificationEvent::OperationsAlert {
            Channel::Email
        } else {
            domain::route(channel, &recipient).0
        };
        let suppressed =
            if event == NotificationEvent::OperationsAlert { None } else { domain::suppression(purpose, &recipient) };
        // The survey token never reaches a column staff can read.
        let (public, secret) = domain::split_secrets(variables);
        let max_attempts = self.config.max_attempts(tenant);
        notification_row::Model {
            id: new_id(),
            tenant_id: tenant.to_owned(),
            dedupe_key: dedupe_key.to_owned(),
            fingerprint,
            event: event.as_str_name().to_owned(),
            purpose: purpose.as_str_name().to_owned(),
            player_id: recipient.player_id.clone(),
            recipient: if event == NotificationEvent::OperationsAlert { Vec::new() } else { recipient.encode_to_vec() },
            complaint: complaint.to_owned(),
            complaint_reference: complaint_reference.to_owned(),
            variables: serde_json::to_string(&public).unwrap_or_else(|_| "{}".into()),
            secret_variables: serde_json::to_string(&secret).unwrap_or_else(|_| "{}".into()),
            sealed_message: None,
            channel: routed.as_str_name().to_owned(),
            locale: String::new(),
            template_name: String::new(),
            template_version: 0,
            subject: None,
            body_text: None,
            body_html: None,
            state: if suppressed.is_some() { State::Suppressed } else { State::Pending }.as_str_name().to_owned(),
            suppression_reason: suppressed.map(|r| r.as_str_name().to_owned()).unwrap_or_default(),
            dead_letter_reason: String::new(),
            attempt_count: 0,
            max_attempts,
            next_attempt_at: if suppressed.is_some() { None } else { Some(now) },
            lease_until: None,
            redrive_count: 0,
            resend_of: resend_of.to_owned(),
            creator: creator.to_owned(),
            accepted_at: None,
            accepted_attempt: String::new(),
            provider_message_id: String::new(),
            destination: String::new(),
            content_sha256: String::new(),
            // The sender's delivery spans continue this request's trace.
            trace_context: trace_context(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// Inserts a new notification unless its dedupe key exists: the same
    /// payload answers with the original, another is refused.
    async fn insert_deduped(&self, row: notification_row::Model) -> Result<(Notification, bool), ApiError> {
        let fingerprint = row.fingerprint.clone();
        let existing = |found: notification_row::Model| async move {
            if found.fingerprint != fingerprint {
                return Err(ApiError::already_exists(
                    "IDEMPOTENCY_KEY_REUSED",
                    format!("dedupe_key {:?} was already used with a different request", found.dedupe_key),
                ));
            }
            Ok((self.to_proto(&self.db, &found).await?, true))
        };
        if let Some(found) = store::find_by_dedupe_key(&self.db, &row.tenant_id, &row.dedupe_key).await? {
            return existing(found).await;
        }
        match store::insert_notification(&self.db, row.clone()).await {
            Ok(()) => {
                if row.state == State::Pending.as_str_name() {
                    self.sender.notify();
                } else {
                    tracing::info!(notification = %row.id, reason = %row.suppression_reason, "notification suppressed");
                }
                Ok((convert::notification(&row, None), false))
            }
            // A concurrent twin with the same key committed first.
            Err(err) if redress_db::is_unique_violation(&err) => {
                let found = store::find_by_dedupe_key(&self.db, &row.tenant_id, &row.dedupe_key)
                    .await?
                    .ok_or_else(|| ApiError::internal(err))?;
                existing(found).await
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn send_notification(
        &self,
        request: Request<SendNotificationRequest>,
    ) -> Result<SendNotificationResponse, ApiError> {
        let caller = authorize(&request, &[Role::Service])?;
        let req = request.into_inner();
        let mut v = Violations::new();
        v.text(&req.dedupe_key, "dedupe_key", true, MAX_KEY);
        let event = NotificationEvent::try_from(req.event).unwrap_or(NotificationEvent::Unspecified);
        v.check(event == NotificationEvent::Unspecified, "event", "must be a known, specified event");
        let purpose = MessagePurpose::try_from(req.purpose).unwrap_or(MessagePurpose::Unspecified);
        v.check(purpose == MessagePurpose::Unspecified, "purpose", "must be a known, specified purpose");
        let recipient = req.recipient.clone().unwrap_or_default();
        if event != NotificationEvent::OperationsAlert {
            v.text(&recipient.player_id, "recipient.player_id", true, 128);
            v.language_tag(&recipient.language_code, "recipient.language_code", false);
        }
        v.text(&recipient.display_name, "recipient.display_name", false, 200);
        v.text(&recipient.email, "recipient.email", false, 320);
        let channel = known_channel(req.channel);
        v.check(channel.is_none(), "channel", "must be a known channel");
        v.check(
            !req.complaint.is_empty() && !req.complaint.starts_with("complaints/"),
            "complaint",
            "must be complaints/{complaint_id}",
        );
        v.text(&req.complaint_reference, "complaint_reference", false, 64);
        check_variables(&mut v, &req.variables, "variables");
        v.into_result()?;

        let key = fingerprint(&req, |r| {
            r.dedupe_key.clear();
            std::mem::take(&mut r.variables).into_iter().collect()
        });
        let row = self.accept(
            &caller.tenant,
            &req.dedupe_key,
            key,
            event,
            purpose,
            recipient,
            channel.unwrap_or(Channel::Unspecified),
            &req.complaint,
            &req.complaint_reference,
            &req.variables,
            &caller.subject,
            "",
        );
        let (notification, replayed) = self.insert_deduped(row).await?;
        Ok(SendNotificationResponse { notification: Some(notification), replayed })
    }

    async fn get_notification(
        &self,
        request: Request<GetNotificationRequest>,
    ) -> Result<GetNotificationResponse, ApiError> {
        let caller = authorize(&request, READERS)?;
        let row = self.load(&caller.tenant, &request.get_ref().name, "name").await?;
        Ok(GetNotificationResponse { notification: Some(self.to_proto(&self.db, &row).await?) })
    }

    async fn list_notifications(
        &self,
        request: Request<ListNotificationsRequest>,
    ) -> Result<ListNotificationsResponse, ApiError> {
        let caller = authorize(&request, READERS)?;
        let req = request.into_inner();
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let mut v = Violations::new();
        let mut filter = store::NotificationFilter::default();
        if !req.complaint.is_empty() {
            v.check(!req.complaint.starts_with("complaints/"), "complaint", "must be complaints/{complaint_id}");
            filter.complaint = Some(req.complaint.clone());
        }
        for state in &req.states {
            match State::try_from(*state) {
                Ok(s) if s != State::Unspecified => filter.states.push(s.as_str_name().to_owned()),
                _ => v.add("states", "must be known, specified states"),
            }
        }
        filter.states.sort();
        filter.states.dedup();
        if !req.player_id.is_empty() {
            filter.player_id = Some(req.player_id.clone());
        }
        match NotificationEvent::try_from(req.event) {
            Ok(NotificationEvent::Unspecified) => {}
            Ok(e) => filter.event = Some(e.as_str_name().to_owned()),
            Err(_) => v.add("event", "must be a known event"),
        }
        match Channel::try_from(req.channel) {
            Ok(Channel::Unspecified) => {}
            Ok(c) => filter.channel = Some(c.as_str_name().to_owned()),
            Err(_) => v.add("channel", "must be a known channel"),
        }
        for (ts, field, slot) in [
            (&req.create_time_start, "create_time_start", &mut filter.created_from),
            (&req.create_time_end, "create_time_end", &mut filter.created_to),
        ] {
            if let Some(ts) = ts {
                match convert::from_timestamp(ts) {
                    Some(at) => *slot = Some(at),
                    None => v.add(field, "is not a valid timestamp"),
                }
            }
        }
        v.into_result()?;
        // The page token is bound to the filters (without paging fields).
        let mut bound = req.clone();
        bound.page_size = 0;
        bound.page_token.clear();
        let filter_key = hex::encode(Sha256::digest(bound.encode_to_vec()));
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_notifications(&self.db, &caller.tenant, &filter, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let last = store::last_attempts(&self.db, &ids).await?;
        let notifications = rows.iter().map(|row| convert::notification(row, last.get(&row.id))).collect();
        Ok(ListNotificationsResponse { notifications, next_page_token })
    }

    async fn list_delivery_attempts(
        &self,
        request: Request<ListDeliveryAttemptsRequest>,
    ) -> Result<ListDeliveryAttemptsResponse, ApiError> {
        let caller = authorize(&request, READERS)?;
        let req = request.into_inner();
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let row = self.load(&caller.tenant, &req.parent, "parent").await?;
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &req.parent)?;
        let mut rows = store::list_attempts(&self.db, &caller.tenant, &row.id, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &req.parent, |last| last.id.clone());
        Ok(ListDeliveryAttemptsResponse { attempts: rows.iter().map(convert::attempt).collect(), next_page_token })
    }

    /// Runs a keyed write (see `redress_idempotency::run`) and wakes the
    /// sender when something was written.
    async fn keyed_write<R, F>(
        &self,
        tenant: &str,
        method: &str,
        request_id: &str,
        fingerprint: &str,
        write: F,
    ) -> Result<R, ApiError>
    where
        R: Message + Default,
        F: AsyncFnOnce(&DatabaseTransaction, &mut redress_db::Inserts) -> Result<R, ApiError>,
    {
        let key = redress_idempotency::Key { tenant, method, request_id, fingerprint: fingerprint.to_owned() };
        let (response, replayed) = redress_idempotency::run(&self.db, &key, write).await?;
        if !replayed {
            self.sender.notify();
        }
        Ok(response)
    }

    async fn redrive_notification(
        &self,
        request: Request<RedriveNotificationRequest>,
    ) -> Result<RedriveNotificationResponse, ApiError> {
        let caller = authorize(&request, OPERATORS)?;
        let req = request.into_inner();
        let mut v = Violations::new();
        v.text(&req.request_id, "request_id", true, MAX_KEY);
        v.text(&req.reason, "reason", false, 2000);
        v.into_result()?;
        let id = notification_id(&req.name, "name")?;
        let key = fingerprint(&req, |r| {
            r.request_id.clear();
            Vec::new()
        });
        let tenant = caller.tenant.clone();
        self.keyed_write(&tenant, "RedriveNotification", &req.request_id, &key, async |txn, _| {
            let mut row =
                store::find_notification(txn, &tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
            if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
                return Err(ApiError::stale_etag(&req.name));
            }
            if row.state != State::DeadLetter.as_str_name() {
                return Err(ApiError::failed_precondition(
                    "NOT_A_DEAD_LETTER",
                    format!("the notification is {}; only a dead letter can be redriven", row.state),
                )
                .with_metadata("state", row.state.clone()));
            }
            let now = now();
            let expected = row.version;
            // After a rendering failure the template is rendered again.
            if row.dead_letter_reason
                == redress_proto::notification::v1::notification::DeadLetterReason::RenderFailed.as_str_name()
            {
                row.subject = None;
                row.body_text = None;
                row.body_html = None;
                row.sealed_message = None;
            }
            row.state = State::Pending.as_str_name().to_owned();
            row.dead_letter_reason = String::new();
            row.max_attempts = row.attempt_count + self.config.max_attempts(&tenant);
            row.redrive_count += 1;
            row.next_attempt_at = Some(now);
            row.lease_until = None;
            row.version += 1;
            row.updated_at = now;
            if !store::update_notification(txn, row.clone(), expected).await? {
                return Err(ApiError::stale_etag(&req.name));
            }
            tracing::info!(notification = %row.id, by = %caller.subject, reason = %req.reason, "notification redriven");
            Ok(RedriveNotificationResponse { notification: Some(self.to_proto(txn, &row).await?) })
        })
        .await
    }

    async fn resend_notification(
        &self,
        request: Request<ResendNotificationRequest>,
    ) -> Result<ResendNotificationResponse, ApiError> {
        let caller = authorize(&request, OPERATORS)?;
        let req = request.into_inner();
        let mut v = Violations::new();
        v.text(&req.request_id, "request_id", true, MAX_KEY);
        v.text(&req.reason, "reason", true, 2000);
        let channel = known_channel(req.channel);
        v.check(channel.is_none(), "channel", "must be a known channel");
        v.into_result()?;
        let original = self.load(&caller.tenant, &req.name, "name").await?;
        if original.state == State::Pending.as_str_name() || original.state == State::Retrying.as_str_name() {
            return Err(ApiError::failed_precondition(
                "DELIVERY_IN_PROGRESS",
                format!("the notification is {}; wait until it is delivered or dead-lettered", original.state),
            )
            .with_metadata("state", original.state.clone()));
        }
        let recipient = match &req.recipient {
            Some(new) => {
                let old_player = Player::decode(original.recipient.as_slice()).unwrap_or_default();
                if new.player_id != old_player.player_id {
                    return Err(ApiError::invalid_field("recipient.player_id", "must match the original recipient"));
                }
                new.clone()
            }
            None => Player::decode(original.recipient.as_slice()).unwrap_or_default(),
        };
        let key = fingerprint(&req, |r| {
            r.request_id.clear();
            Vec::new()
        });
        let tenant = caller.tenant.clone();
        // A resend goes to the same player, so it carries the secrets too.
        let mut variables: std::collections::HashMap<String, String> =
            serde_json::from_str(&original.variables).unwrap_or_default();
        variables
            .extend(serde_json::from_str::<BTreeMap<String, String>>(&original.secret_variables).unwrap_or_default());
        let event = NotificationEvent::from_str_name(&original.event).unwrap_or(NotificationEvent::Unspecified);
        let purpose = MessagePurpose::from_str_name(&original.purpose).unwrap_or(MessagePurpose::Unspecified);
        let dedupe_key = format!("resend:{}:{}", original.id, req.request_id);
        let row = self.accept(
            &tenant,
            &dedupe_key,
            key.clone(),
            event,
            purpose,
            recipient,
            channel.unwrap_or(Channel::Unspecified),
            &original.complaint,
            &original.complaint_reference,
            &variables,
            &caller.subject,
            &convert::notification_name(&original.id),
        );
        // The dedupe key carries the request id, so the notification's own
        // uniqueness makes the resend idempotent.
        let (notification, _) = self.insert_deduped(row).await?;
        tracing::info!(original = %original.id, by = %caller.subject, reason = %req.reason, "notification resent");
        Ok(ResendNotificationResponse { notification: Some(notification) })
    }

    async fn upsert_template(
        &self,
        request: Request<UpsertTemplateRequest>,
    ) -> Result<UpsertTemplateResponse, ApiError> {
        let caller = authorize(&request, &[Role::Admin])?;
        let req = request.into_inner();
        let t = req.template.clone().unwrap_or_default();
        let mut v = Violations::new();
        v.check(req.template.is_none(), "template", "is required");
        let event = NotificationEvent::try_from(t.event).unwrap_or(NotificationEvent::Unspecified);
        v.check(event == NotificationEvent::Unspecified, "template.event", "must be a known, specified event");
        v.language_tag(&t.locale, "template.locale", true);
        v.text(&t.subject, "template.subject", true, 500);
        v.text(&t.body_text, "template.body_text", true, 50_000);
        v.check(t.body_html.chars().count() > 200_000, "template.body_html", "must be at most 200000 characters");
        v.into_result()?;
        let content = templates::Content {
            subject: t.subject.clone(),
            body_text: t.body_text.clone(),
            body_html: t.body_html.clone(),
        };
        templates::check_syntax(&content)
            .map_err(|e| ApiError::invalid_field(format!("template.{}", e.field), e.message))?;
        let locale = t.locale.to_ascii_lowercase();
        let tenant = caller.tenant.clone();
        let event_name = event.as_str_name();

        for _ in 0..2 {
            let txn = self.db.begin().await?;
            let existing = store::find_template(&txn, &tenant, event_name, &locale).await?;
            let now = now();
            let (row, created) = match existing {
                None => {
                    let row = template_row::Model {
                        id: new_id(),
                        tenant_id: tenant.clone(),
                        event: event_name.to_owned(),
                        locale: locale.clone(),
                        version: 1,
                        subject: content.subject.clone(),
                        body_text: content.body_text.clone(),
                        body_html: content.body_html.clone(),
                        updater: caller.subject.clone(),
                        created_at: now,
                        updated_at: now,
                    };
                    match store::insert_template(&txn, row.clone()).await {
                        Ok(()) => {}
                        // A concurrent first upsert won; go again as an update.
                        Err(err) if redress_db::is_unique_violation(&err) => continue,
                        Err(err) => return Err(err.into()),
                    }
                    (row, true)
                }
                Some(mut row) => {
                    if !t.name.is_empty() && t.name != format!("templates/{}", row.id) {
                        return Err(ApiError::invalid_field(
                            "template.name",
                            "does not name the template of this event and locale",
                        ));
                    }
                    let same = row.subject == content.subject
                        && row.body_text == content.body_text
                        && row.body_html == content.body_html;
                    if same {
                        let template = convert::template(event, &catalog::stored(row));
                        return Ok(UpsertTemplateResponse { template: Some(template), created: false });
                    }
                    if !req.etag.is_empty() && req.etag != convert::etag(i64::from(row.version)) {
                        return Err(ApiError::stale_etag(format!("templates/{}", row.id)));
                    }
                    let expected = row.version;
                    row.version += 1;
                    row.subject = content.subject.clone();
                    row.body_text = content.body_text.clone();
                    row.body_html = content.body_html.clone();
                    row.updater = caller.subject.clone();
                    row.updated_at = now;
                    if !store::update_template(&txn, row.clone(), expected).await? {
                        return Err(ApiError::new(
                            ErrorCode::Aborted,
                            "CONCURRENT_UPDATE",
                            "the template changed concurrently; retry",
                        ));
                    }
                    (row, false)
                }
            };
            store::insert_template_version(&txn, &row).await?;
            txn.commit().await?;
            tracing::info!(template = %row.id, version = row.version, by = %caller.subject, "template saved");
            return Ok(UpsertTemplateResponse {
                template: Some(convert::template(event, &catalog::stored(row))),
                created,
            });
        }
        Err(ApiError::new(ErrorCode::Aborted, "CONCURRENT_UPDATE", "the template changed concurrently; retry"))
    }

    async fn list_templates(&self, request: Request<ListTemplatesRequest>) -> Result<ListTemplatesResponse, ApiError> {
        let caller = authorize(&request, READERS)?;
        let req = request.into_inner();
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let event = match NotificationEvent::try_from(req.event) {
            Ok(NotificationEvent::Unspecified) => None,
            Ok(e) => Some(e),
            Err(_) => return Err(ApiError::invalid_field("event", "must be a known event")),
        };
        let locale = (!req.locale.is_empty()).then(|| req.locale.to_ascii_lowercase());
        let rows =
            store::list_templates(&self.db, &caller.tenant, event.map(|e| e.as_str_name()), locale.as_deref()).await?;
        let mut all: Vec<Template> = rows
            .into_iter()
            .filter_map(|row| {
                let e = NotificationEvent::from_str_name(&row.event)?;
                Some(convert::template(e, &catalog::stored(row)))
            })
            .collect();
        if req.include_builtin {
            for (e, selected) in self.catalog.builtins(event) {
                if locale.as_deref().is_none_or(|l| l == selected.locale) {
                    all.push(convert::template(e, &selected));
                }
            }
        }
        all.sort_by(|a, b| (a.event, &a.locale, a.builtin).cmp(&(b.event, &b.locale, b.builtin)));
        let mut bound = req.clone();
        bound.page_size = 0;
        bound.page_token.clear();
        let filter_key = hex::encode(Sha256::digest(bound.encode_to_vec()));
        let offset: usize = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?.unwrap_or(0);
        let page: Vec<Template> = all.iter().skip(offset).take(size as usize).cloned().collect();
        let next = offset + page.len();
        let next_page_token =
            if next < all.len() { self.page_tokens.encode(&caller.tenant, &filter_key, &next) } else { String::new() };
        Ok(ListTemplatesResponse { templates: page, next_page_token })
    }

    async fn preview_template(
        &self,
        request: Request<PreviewTemplateRequest>,
    ) -> Result<PreviewTemplateResponse, ApiError> {
        let caller = authorize(&request, PREVIEWERS)?;
        let req = request.into_inner();
        let mut v = Violations::new();
        check_variables(&mut v, &req.variables, "variables");
        v.into_result()?;
        let (content, name, version, locale, field) = match &req.source {
            None => return Err(ApiError::invalid_field("source", "one of template, draft or selection is required")),
            Some(preview_template_request::Source::Template(name)) => {
                let id = name
                    .strip_prefix("templates/")
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| ApiError::invalid_field("template", "must be templates/{template_id}"))?;
                let selected = match self.catalog.builtin_by_id(id) {
                    Some((_, s)) => s,
                    None => store::find_template_by_id(&self.db, &caller.tenant, id)
                        .await?
                        .map(catalog::stored)
                        .ok_or_else(|| ApiError::not_found(name))?,
                };
                (selected.content, selected.name, selected.version, selected.locale, "template")
            }
            Some(preview_template_request::Source::Draft(draft)) => {
                let content = templates::Content {
                    subject: draft.subject.clone(),
                    body_text: draft.body_text.clone(),
                    body_html: draft.body_html.clone(),
                };
                let locale = if draft.locale.is_empty() { "en".to_owned() } else { draft.locale.to_ascii_lowercase() };
                (content, String::new(), 0, locale, "draft")
            }
            Some(preview_template_request::Source::Selection(selection)) => {
                let event = NotificationEvent::try_from(selection.event).unwrap_or(NotificationEvent::Unspecified);
                if event == NotificationEvent::Unspecified {
                    return Err(ApiError::invalid_field("selection.event", "must be a known, specified event"));
                }
                let default_locale = self.config.default_locale(&caller.tenant);
                let selected = self
                    .catalog
                    .select(&self.db, &caller.tenant, event, &selection.language_code, &default_locale)
                    .await?
                    .ok_or_else(|| ApiError::internal("no built-in template for an event"))?;
                (selected.content, selected.name, selected.version, selected.locale, "selection")
            }
        };
        let recipient = req.recipient.clone().unwrap_or_default();
        let mut vars = BTreeMap::new();
        vars.insert("player_name".to_owned(), recipient.display_name.clone());
        vars.insert("complaint_reference".to_owned(), req.complaint_reference.clone());
        vars.extend(req.variables.clone());
        let (rendered, missing_variables) = templates::preview(&content, &locale, &vars)
            .map_err(|e| ApiError::invalid_field(format!("{field}.{}", e.field), e.message))?;
        Ok(PreviewTemplateResponse {
            rendered: Some(RenderedMessage {
                subject: rendered.subject,
                body_text: rendered.body_text,
                body_html: rendered.body_html,
            }),
            template: name,
            template_version: version,
            locale,
            missing_variables,
        })
    }
}

/// The public service.
pub struct PublicService(pub Arc<NotificationApi>);

/// The internal service (role `service`).
pub struct InternalService(pub Arc<NotificationApi>);

#[tonic::async_trait]
impl NotificationService for PublicService {
    async fn get_notification(
        &self,
        request: Request<GetNotificationRequest>,
    ) -> Result<Response<GetNotificationResponse>, Status> {
        self.0.get_notification(request).await.map(Response::new).map_err(Into::into)
    }

    async fn list_notifications(
        &self,
        request: Request<ListNotificationsRequest>,
    ) -> Result<Response<ListNotificationsResponse>, Status> {
        self.0.list_notifications(request).await.map(Response::new).map_err(Into::into)
    }

    async fn list_delivery_attempts(
        &self,
        request: Request<ListDeliveryAttemptsRequest>,
    ) -> Result<Response<ListDeliveryAttemptsResponse>, Status> {
        self.0.list_delivery_attempts(request).await.map(Response::new).map_err(Into::into)
    }

    async fn redrive_notification(
        &self,
        request: Request<RedriveNotificationRequest>,
    ) -> Result<Response<RedriveNotificationResponse>, Status> {
        self.0.redrive_notification(request).await.map(Response::new).map_err(Into::into)
    }

    async fn resend_notification(
        &self,
        request: Request<ResendNotificationRequest>,
    ) -> Result<Response<ResendNotificationResponse>, Status> {
        self.0.resend_notification(request).await.map(Response::new).map_err(Into::into)
    }

    async fn upsert_template(
        &self,
        request: Request<UpsertTemplateRequest>,
    ) -> Result<Response<UpsertTemplateResponse>, Status> {
        self.0.upsert_template(request).await.map(Response::new).map_err(Into::into)
    }

    async fn list_templates(
        &self,
        request: Request<ListTemplatesRequest>,
    ) -> Result<Response<ListTemplatesResponse>, Status> {
        self.0.list_templates(request).await.map(Response::new).map_err(Into::into)
    }

    async fn preview_template(
        &self,
        request: Request<PreviewTemplateRequest>,
    ) -> Result<Response<PreviewTemplateResponse>, Status> {
        self.0.preview_template(request).await.map(Response::new).map_err(Into::into)
    }
}

#[tonic::async_trait]
impl NotificationInternalService for InternalService {
    async fn send_notification(
        &self,
        request: Request<SendNotificationRequest>,
    ) -> Result<Response<SendNotificationResponse>, Status> {
        self.0.send_notification(request).await.map(Response::new).map_err(Into::into)
    }
}

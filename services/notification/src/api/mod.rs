//! Notification's gRPC API: turns requests into domain calls and stored
//! rows, and writes every acceptance in one transaction. Which roles may call
//! which method is the delegate tables at the end; the handlers are grouped
//! by resource in the submodules.

pub mod convert;
mod erasure;
mod export;
mod internal;
mod notifications;
mod redelivery;
mod templates;
mod webhook_endpoints;

pub use webhook_endpoints::{WEBHOOK_SECRET_KEY_MISSING, WEBHOOK_SECRET_UNREADABLE};

use std::{collections::HashMap, sync::Arc};

use prost::Message;
use redress_auth::Role;
use redress_db::{Encoded, Stored, new_id, now};
use redress_errors::{ApiError, Violations};
use redress_paging::PageTokens;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        CreateWebhookEndpointRequest, CreateWebhookEndpointResponse, DeleteWebhookEndpointRequest,
        DeleteWebhookEndpointResponse, ErasePlayerRecordsRequest, ErasePlayerRecordsResponse,
        ExportPlayerRecordsRequest, GetNotificationRequest, GetNotificationResponse, GetWebhookEndpointRequest,
        GetWebhookEndpointResponse, ListDeliveryAttemptsRequest, ListDeliveryAttemptsResponse,
        ListNotificationsRequest, ListNotificationsResponse, ListTemplatesRequest, ListTemplatesResponse,
        ListWebhookEndpointsRequest, ListWebhookEndpointsResponse, Notification, PreviewTemplateRequest,
        PreviewTemplateResponse, RedriveNotificationRequest, RedriveNotificationResponse, ResendNotificationRequest,
        ResendNotificationResponse, RotateWebhookEndpointSecretRequest, RotateWebhookEndpointSecretResponse,
        SendNotificationRequest, SendNotificationResponse, TestWebhookEndpointRequest, TestWebhookEndpointResponse,
        UpdateTemplateRequest, UpdateTemplateResponse, UpdateWebhookEndpointRequest, UpdateWebhookEndpointResponse,
        notification::State, notification_internal_service_server::NotificationInternalService,
        notification_service_server::NotificationService,
    },
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use sha2::{Digest, Sha256};

use crate::{
    catalog::Catalog,
    config::NotificationConfig,
    delivery::Sender,
    domain::deliveries::Accepted,
    sealing::SealingKey,
    store::{self, notification as notification_row},
};

/// Roles that may read: any.
const READERS: &[Role] = &Role::ALL;
/// Roles that may redrive and resend.
const OPERATORS: &[Role] = &[Role::Supervisor, Role::Admin];
/// Roles that may preview templates.
const PREVIEWERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Admin];
/// Roles that may change templates.
const TEMPLATE_ADMINS: &[Role] = &[Role::Admin];
/// Roles that manage the tenant's webhook endpoints: the casino backend
/// that receives them, and the tenant's administrator.
const ENDPOINT_ADMINS: &[Role] = &[Role::Backend, Role::Admin];

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
    sealing: Option<SealingKey>,
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

fn check_variables(v: &mut Violations, vars: &HashMap<String, String>, field: &str) {
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

/// Who asked for a notification and what it belongs to: the stored row's
/// identity, apart from what [`crate::domain::deliveries::accept`] decided.
struct Origin<'a> {
    tenant: &'a str,
    dedupe_key: &'a str,
    fingerprint: String,
    complaint: &'a str,
    complaint_reference: &'a str,
    creator: &'a str,
    resend_of: &'a str,
}

impl NotificationApi {
    /// The API over a database, the template catalog and the sender.
    pub fn new(
        db: DatabaseConnection,
        config: Arc<NotificationConfig>,
        catalog: Arc<Catalog>,
        sender: Arc<Sender>,
        page_tokens: PageTokens,
        sealing: Option<SealingKey>,
    ) -> Self {
        Self { db, config, catalog, sender, page_tokens, sealing }
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
        convert::notification(row, last.as_ref())
    }

    /// The stored row of an accepted notification, due at once unless
    /// suppressed, with the tenant's attempt budget.
    fn new_row(&self, origin: Origin<'_>, accepted: Accepted) -> notification_row::Model {
        let now = now();
        let pending = accepted.suppression.is_none();
        notification_row::Model {
            id: new_id(),
            tenant_id: origin.tenant.to_owned(),
            dedupe_key: origin.dedupe_key.to_owned(),
            fingerprint: origin.fingerprint,
            event: Stored(accepted.event),
            purpose: Stored(accepted.purpose),
            player_id: accepted.player_id,
            recipient: Encoded(accepted.recipient.unwrap_or_default()),
            complaint: origin.complaint.to_owned(),
            complaint_reference: origin.complaint_reference.to_owned(),
            variables: serde_json::to_string(&accepted.variables).unwrap_or_else(|_| "{}".into()),
            secret_variables: serde_json::to_string(&accepted.secret_variables).unwrap_or_else(|_| "{}".into()),
            sealed_message: None,
            channel: Stored(accepted.channel),
            locale: String::new(),
            template_name: String::new(),
            template_version: 0,
            subject: None,
            body_text: None,
            body_html: None,
            state: Stored(accepted.state),
            suppression_reason: accepted.suppression.map(|r| r.as_str_name().to_owned()).unwrap_or_default(),
            dead_letter_reason: String::new(),
            attempt_count: 0,
            max_attempts: self.config.max_attempts(origin.tenant),
            next_attempt_at: pending.then_some(now),
            lease_until: None,
            redrive_count: 0,
            resend_of: origin.resend_of.to_owned(),
            creator: origin.creator.to_owned(),
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
    /// payload answers with the original, another is refused. With `txn`,
    /// the lookup and insert run (and commit) in it, so whatever the caller
    /// checked in it still holds when the notification is stored.
    async fn insert_deduped(
        &self,
        txn: Option<DatabaseTransaction>,
        row: notification_row::Model,
    ) -> Result<(Notification, bool), ApiError> {
        let (tenant, key) = (row.tenant_id.as_str(), row.dedupe_key.as_str());
        let found = match &txn {
            Some(txn) => store::find_by_dedupe_key(txn, tenant, key).await?,
            None => store::find_by_dedupe_key(&self.db, tenant, key).await?,
        };
        if let Some(found) = found {
            if let Some(txn) = txn {
                txn.rollback().await?;
            }
            return self.replay(&row.fingerprint, found).await;
        }
        let inserted = match &txn {
            Some(txn) => store::insert_notification(txn, row.clone()).await,
            None => store::insert_notification(&self.db, row.clone()).await,
        };
        match inserted {
            Ok(()) => {
                if let Some(txn) = txn {
                    txn.commit().await?;
                }
                if row.state.get() == State::Pending {
                    self.sender.notify();
                } else {
                    tracing::info!(notification = %row.id, reason = %row.suppression_reason, "notification suppressed");
                }
                Ok((convert::notification(&row, None)?, false))
            }
            // A concurrent twin with the same key committed first.
            Err(err) if redress_db::is_unique_violation(&err) => {
                if let Some(txn) = txn {
                    txn.rollback().await?;
                }
                let found =
                    store::find_by_dedupe_key(&self.db, tenant, key).await?.ok_or_else(|| ApiError::internal(err))?;
                self.replay(&row.fingerprint, found).await
            }
            Err(err) => Err(err.into()),
        }
    }

    /// The answer to a request whose dedupe key is taken by `found`.
    async fn replay(
        &self,
        fingerprint: &str,
        found: notification_row::Model,
    ) -> Result<(Notification, bool), ApiError> {
        if found.fingerprint != fingerprint {
            return Err(ApiError::already_exists(
                "IDEMPOTENCY_KEY_REUSED",
                format!("dedupe_key {:?} was already used with a different request", found.dedupe_key),
            ));
        }
        Ok((self.to_proto(&self.db, &found).await?, true))
    }
}

redress_server::delegate! {
    /// The public service.
    pub struct PublicService(NotificationApi): NotificationService {
        get_notification(GetNotificationRequest) -> GetNotificationResponse = READERS;
        list_notifications(ListNotificationsRequest) -> ListNotificationsResponse = READERS;
        list_delivery_attempts(ListDeliveryAttemptsRequest) -> ListDeliveryAttemptsResponse = READERS;
        redrive_notification(RedriveNotificationRequest) -> RedriveNotificationResponse = OPERATORS;
        resend_notification(ResendNotificationRequest) -> ResendNotificationResponse = OPERATORS;
        update_template(UpdateTemplateRequest) -> UpdateTemplateResponse = TEMPLATE_ADMINS;
        list_templates(ListTemplatesRequest) -> ListTemplatesResponse = READERS;
        preview_template(PreviewTemplateRequest) -> PreviewTemplateResponse = PREVIEWERS;
        create_webhook_endpoint(CreateWebhookEndpointRequest) -> CreateWebhookEndpointResponse = ENDPOINT_ADMINS;
        get_webhook_endpoint(GetWebhookEndpointRequest) -> GetWebhookEndpointResponse = ENDPOINT_ADMINS;
        list_webhook_endpoints(ListWebhookEndpointsRequest) -> ListWebhookEndpointsResponse = ENDPOINT_ADMINS;
        update_webhook_endpoint(UpdateWebhookEndpointRequest) -> UpdateWebhookEndpointResponse = ENDPOINT_ADMINS;
        delete_webhook_endpoint(DeleteWebhookEndpointRequest) -> DeleteWebhookEndpointResponse = ENDPOINT_ADMINS;
        rotate_webhook_endpoint_secret(RotateWebhookEndpointSecretRequest) -> RotateWebhookEndpointSecretResponse = ENDPOINT_ADMINS;
        test_webhook_endpoint(TestWebhookEndpointRequest) -> TestWebhookEndpointResponse = ENDPOINT_ADMINS;
    }
}

redress_server::delegate! {
    /// The internal service (role `service`).
    pub struct InternalService(NotificationApi): NotificationInternalService {
        send_notification(SendNotificationRequest) -> SendNotificationResponse = &[Role::Service];
        erase_player_records(ErasePlayerRecordsRequest) -> ErasePlayerRecordsResponse = &[Role::Service];
        @streaming {
            type ExportPlayerRecordsStream = export::ExportStream;

            async fn export_player_records(
                &self,
                request: tonic::Request<ExportPlayerRecordsRequest>,
            ) -> Result<tonic::Response<Self::ExportPlayerRecordsStream>, tonic::Status> {
                redress_server::handlers::handle(&self.0, request, &[Role::Service], |api, caller, req| async move {
                    api.export_player_records(caller, req).await
                })
                .await
            }
        }
    }
}

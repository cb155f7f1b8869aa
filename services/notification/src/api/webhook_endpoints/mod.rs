//! Webhook endpoints: Create, Get, List, Update, Delete, RotateSecret and
//! Test. The rules (URLs, routing, overlaps) are in
//! `domain::endpoints`; secrets are sealed with `crate::sealing`.
//!
//! A secret is returned only by Create and Rotate. Their responses are kept
//! for idempotent retries with the secret sealed (bound to the tenant,
//! method and request id), so the idempotency table never holds it in the
//! clear; a retry opens it again.

use redress_auth::Caller;
use redress_db::{new_id, now};
use redress_errors::{ApiError, Violations};
use redress_paging::filter_of;
use redress_proto::notification::v1::{
    CreateWebhookEndpointRequest, CreateWebhookEndpointResponse, DeleteWebhookEndpointRequest,
    DeleteWebhookEndpointResponse, GetWebhookEndpointRequest, GetWebhookEndpointResponse, ListWebhookEndpointsRequest,
    ListWebhookEndpointsResponse, UpdateWebhookEndpointRequest, UpdateWebhookEndpointResponse, WebhookEndpoint,
};
use sea_orm::TransactionTrait;

use super::{MAX_KEY, NotificationApi, convert};
use crate::{
    delivery::{EndpointSecretError, endpoint_associated_data},
    domain::endpoints,
    sealing::{self, SealingKey},
    store::{self, webhook_endpoint as endpoint_row},
};

mod actions;

/// CreateWebhookEndpoint and RotateWebhookEndpointSecret without a key.
pub const WEBHOOK_SECRET_KEY_MISSING: &str = "WEBHOOK_SECRET_KEY_MISSING";
/// TestWebhookEndpoint when the stored secret does not open.
pub const WEBHOOK_SECRET_UNREADABLE: &str = "WEBHOOK_SECRET_UNREADABLE";

const MAX_DESCRIPTION: usize = 500;
/// The fields UpdateWebhookEndpoint may change.
const MUTABLE: [&str; 4] = ["url", "description", "events", "disabled"];
/// Marks a kept response's sealed secret.
const SEALED_PREFIX: &str = "sealed:";

fn endpoint_id(name: &str, field: &str) -> Result<String, ApiError> {
    redress_errors::resource_id(name, "webhookEndpoints", field)
}

fn no_key() -> ApiError {
    ApiError::failed_precondition(
        WEBHOOK_SECRET_KEY_MISSING,
        "webhook endpoints need the notification service's webhook_secret_key_file; ask the operator to configure it",
    )
}

fn secret_error(err: EndpointSecretError) -> ApiError {
    match err {
        EndpointSecretError::NoKey => no_key(),
        EndpointSecretError::Unreadable(_) => ApiError::failed_precondition(
            WEBHOOK_SECRET_UNREADABLE,
            "the endpoint's signing secret does not decrypt with the configured key; rotate it",
        ),
    }
}

/// The checked configurable fields of an endpoint, into `v`.
fn check(v: &mut Violations, e: &WebhookEndpoint, prefix: &str) -> Vec<i32> {
    if let Some(problem) = endpoints::url_problem(&e.url) {
        v.add(format!("{prefix}url"), problem);
    }
    v.text(&e.description, &format!("{prefix}description"), false, MAX_DESCRIPTION);
    match endpoints::events(&e.events) {
        Ok(events) => events.into_iter().map(i32::from).collect(),
        Err(bad) => {
            for i in bad {
                v.add(format!("{prefix}events[{i}]"), "must be a known, specified event");
            }
            Vec::new()
        }
    }
}

fn events_column(events: &[i32]) -> String {
    let names: Vec<&str> = events
        .iter()
        .filter_map(|e| redress_proto::notification::v1::NotificationEvent::try_from(*e).ok())
        .map(|e| e.as_str_name())
        .collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
}

/// What a kept response's secret is bound to.
fn response_binding(tenant: &str, method: &str, request_id: &str) -> String {
    format!("{tenant}/{method}/{request_id}")
}

fn seal_for_response(key: &SealingKey, secret: &str, binding: &str) -> String {
    format!("{SEALED_PREFIX}{}", hex::encode(key.seal(secret, binding)))
}

fn open_response_secret(key: &SealingKey, kept: &str, binding: &str) -> Result<String, ApiError> {
    let sealed = kept
        .strip_prefix(SEALED_PREFIX)
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| ApiError::internal("a kept webhook endpoint response holds no sealed secret"))?;
    key.open(&sealed, binding).map_err(|_| secret_error(EndpointSecretError::Unreadable(sealing::Unreadable)))
}

impl NotificationApi {
    fn sealing_key(&self) -> Result<&SealingKey, ApiError> {
        self.sealing.as_ref().ok_or_else(no_key)
    }

    async fn load_endpoint(&self, tenant: &str, name: &str, field: &str) -> Result<endpoint_row::Model, ApiError> {
        let id = endpoint_id(name, field)?;
        store::find_endpoint(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    pub(crate) async fn create_webhook_endpoint(
        &self,
        caller: Caller,
        req: CreateWebhookEndpointRequest,
    ) -> Result<CreateWebhookEndpointResponse, ApiError> {
        let mut v = Violations::new();
        v.text(&req.request_id, "request_id", true, MAX_KEY);
        v.check(req.webhook_endpoint.is_none(), "webhook_endpoint", "is required");
        let given = req.webhook_endpoint.clone().unwrap_or_default();
        let events = if req.webhook_endpoint.is_some() { check(&mut v, &given, "webhook_endpoint.") } else { vec![] };
        v.into_result()?;
        let key = self.sealing_key()?;
        let tenant = caller.tenant.clone();
        const METHOD: &str = "CreateWebhookEndpoint";
        let binding = response_binding(&tenant, METHOD, &req.request_id);
        let idem = redress_idempotency::Key::of(&tenant, METHOD, &req.request_id, &req, |r| r.request_id.clear());
        let (mut response, replayed) = redress_idempotency::run(&self.db, &idem, async |txn, _| {
            let now = now();
            let id = new_id();
            let secret = sealing::generate_secret();
            let sealed = key.seal(&secret, &endpoint_associated_data(&tenant, &id));
            let row = store::new_endpoint(
                store::NewEndpoint {
                    id,
                    tenant: tenant.clone(),
                    url: given.url.clone(),
                    description: given.description.clone(),
                    events: events_column(&events),
                    disabled: given.disabled,
                    secret_sealed: sealed,
                    secret_hint: sealing::hint(&secret),
                },
                now,
            );
            store::insert_endpoint(txn, row.clone()).await?;
            Ok(CreateWebhookEndpointResponse {
                webhook_endpoint: Some(convert::webhook_endpoint(&row, now)),
                secret: seal_for_response(key, &secret, &binding),
            })
        })
        .await?;
        response.secret = open_response_secret(key, &response.secret, &binding)?;
        if !replayed {
            let name = response.webhook_endpoint.as_ref().map(|e| e.name.as_str()).unwrap_or_default();
            tracing::info!(endpoint = %name, by = %caller.subject, "webhook endpoint registered");
        }
        Ok(response)
    }

    pub(crate) async fn get_webhook_endpoint(
        &self,
        caller: Caller,
        req: GetWebhookEndpointRequest,
    ) -> Result<GetWebhookEndpointResponse, ApiError> {
        let row = self.load_endpoint(&caller.tenant, &req.name, "name").await?;
        Ok(GetWebhookEndpointResponse { webhook_endpoint: Some(convert::webhook_endpoint(&row, now())) })
    }

    pub(crate) async fn list_webhook_endpoints(
        &self,
        caller: Caller,
        req: ListWebhookEndpointsRequest,
    ) -> Result<ListWebhookEndpointsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let filter_key = filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_endpoints(&self.db, &caller.tenant, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        let now = now();
        let webhook_endpoints = rows.iter().map(|row| convert::webhook_endpoint(row, now)).collect();
        Ok(ListWebhookEndpointsResponse { webhook_endpoints, next_page_token })
    }

    pub(crate) async fn update_webhook_endpoint(
        &self,
        caller: Caller,
        req: UpdateWebhookEndpointRequest,
    ) -> Result<UpdateWebhookEndpointResponse, ApiError> {
        let Some(given) = req.webhook_endpoint.clone() else {
            return Err(ApiError::invalid_field("webhook_endpoint", "is required"));
        };
        let id = endpoint_id(&given.name, "webhook_endpoint.name")?;
        let paths: Vec<&str> =
            req.update_mask.as_ref().map(|m| m.paths.iter().map(String::as_str).collect()).unwrap_or_default();
        let mut v = Violations::new();
        for path in &paths {
            v.check(!MUTABLE.contains(path), "update_mask", "names a field that is not mutable");
        }
        v.into_result()?;
        let txn = self.db.begin().await?;
        let mut row =
            store::find_endpoint(&txn, &caller.tenant, &id).await?.ok_or_else(|| ApiError::not_found(&given.name))?;
        if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(&given.name));
        }
        let mut merged = convert::webhook_endpoint(&row, now());
        let all = paths.is_empty();
        for path in MUTABLE {
            if !(all || paths.contains(&path)) {
                continue;
            }
            match path {
                "url" => merged.url = given.url.clone(),
                "description" => merged.description = given.description.clone(),
                "events" => merged.events = given.events.clone(),
                _ => merged.disabled = given.disabled,
            }
        }
        let mut v = Violations::new();
        let events = check(&mut v, &merged, "webhook_endpoint.");
        v.into_result()?;
        let expected = row.version;
        row.url = merged.url;
        row.description = merged.description;
        row.events = events_column(&events);
        row.disabled = merged.disabled;
        row.version += 1;
        row.updated_at = now();
        if !store::update_endpoint(&txn, row.clone(), expected).await? {
            return Err(ApiError::stale_etag(&given.name));
        }
        txn.commit().await?;
        tracing::info!(endpoint = %id, by = %caller.subject, disabled = row.disabled, "webhook endpoint updated");
        Ok(UpdateWebhookEndpointResponse { webhook_endpoint: Some(convert::webhook_endpoint(&row, row.updated_at)) })
    }

    pub(crate) async fn delete_webhook_endpoint(
        &self,
        caller: Caller,
        req: DeleteWebhookEndpointRequest,
    ) -> Result<DeleteWebhookEndpointResponse, ApiError> {
        let row = self.load_endpoint(&caller.tenant, &req.name, "name").await?;
        if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(&req.name));
        }
        if !store::delete_endpoint(&self.db, &caller.tenant, &row.id, Some(row.version)).await? {
            return Err(ApiError::stale_etag(&req.name));
        }
        tracing::info!(endpoint = %row.id, by = %caller.subject, "webhook endpoint deleted");
        Ok(DeleteWebhookEndpointResponse {})
    }
}

//! RotateWebhookEndpointSecret and TestWebhookEndpoint, the endpoint's
//! custom methods.

use chrono::Utc;
use redress_auth::Caller;
use redress_db::{new_id, now};
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{
        RotateWebhookEndpointSecretRequest, RotateWebhookEndpointSecretResponse, TestWebhookEndpointRequest,
        TestWebhookEndpointResponse,
    },
};

use super::{
    super::{MAX_KEY, NotificationApi, convert},
    endpoint_id, open_response_secret, response_binding, seal_for_response, secret_error,
};
use crate::{
    delivery::{endpoint_associated_data, endpoint_name, webhook},
    domain::{endpoints, templates::Rendered},
    sealing, store,
};

impl NotificationApi {
    pub(crate) async fn rotate_webhook_endpoint_secret(
        &self,
        caller: Caller,
        req: RotateWebhookEndpointSecretRequest,
    ) -> Result<RotateWebhookEndpointSecretResponse, ApiError> {
        let id = endpoint_id(&req.name, "name")?;
        let mut v = Violations::new();
        v.text(&req.request_id, "request_id", true, MAX_KEY);
        let overlap = endpoints::overlap(req.overlap.as_ref()).unwrap_or_else(|problem| {
            v.add("overlap", problem);
            chrono::Duration::zero()
        });
        v.into_result()?;
        let key = self.sealing_key()?;
        let tenant = caller.tenant.clone();
        const METHOD: &str = "RotateWebhookEndpointSecret";
        let binding = response_binding(&tenant, METHOD, &req.request_id);
        let idem = redress_idempotency::Key::of(&tenant, METHOD, &req.request_id, &req, |r| r.request_id.clear());
        let (mut response, replayed) = redress_idempotency::run(&self.db, &idem, async |txn, _| {
            let mut row =
                store::find_endpoint(txn, &tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
            if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
                return Err(ApiError::stale_etag(&req.name));
            }
            let now = now();
            let secret = sealing::generate_secret();
            let expected = row.version;
            // The current secret keeps its seal (same endpoint, same key): it
            // becomes the previous one, or is dropped at once without overlap.
            let sealed = key.seal(&secret, &endpoint_associated_data(&tenant, &id));
            let previous = std::mem::replace(&mut row.secret_sealed, sealed);
            row.previous_secret_expires_at = endpoints::previous_expiry(now, overlap);
            row.previous_secret_sealed = row.previous_secret_expires_at.map(|_| previous);
            row.secret_hint = sealing::hint(&secret);
            row.secret_created_at = now;
            row.version += 1;
            row.updated_at = now;
            if !store::update_endpoint(txn, row.clone(), expected).await? {
                return Err(ApiError::stale_etag(&req.name));
            }
            Ok(RotateWebhookEndpointSecretResponse {
                webhook_endpoint: Some(convert::webhook_endpoint(&row, now)),
                secret: seal_for_response(key, &secret, &binding),
            })
        })
        .await?;
        response.secret = open_response_secret(key, &response.secret, &binding)?;
        if !replayed {
            tracing::info!(endpoint = %id, by = %caller.subject, overlap_s = overlap.num_seconds(), "webhook secret rotated");
        }
        Ok(response)
    }

    pub(crate) async fn test_webhook_endpoint(
        &self,
        caller: Caller,
        req: TestWebhookEndpointRequest,
    ) -> Result<TestWebhookEndpointResponse, ApiError> {
        let row = self.load_endpoint(&caller.tenant, &req.name, "name").await?;
        let started = Utc::now();
        let secrets = self.sender.endpoint_secrets(&row, started).map_err(secret_error)?;
        let notification = format!("notifications/test-{}", new_id());
        let message = Rendered {
            subject: "Redress test webhook".into(),
            body_text: "This is a test webhook from Redress. No player is involved.".into(),
            body_html: String::new(),
        };
        let recipient = Player::default();
        let variables = Default::default();
        let payload = webhook::Payload {
            notification: &notification,
            event: "NOTIFICATION_EVENT_UNSPECIFIED",
            purpose: "MESSAGE_PURPOSE_UNSPECIFIED",
            channel: Channel::Unspecified,
            recipient: &recipient,
            locale: "en",
            complaint: "",
            complaint_reference: "",
            message: &message,
            variables: &variables,
            template: "",
            template_version: 0,
            attempt_number: 1,
            create_time: started.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        };
        let endpoint = endpoint_name(&row.id);
        let meta = webhook::Meta {
            notification: &notification,
            event: "NOTIFICATION_EVENT_UNSPECIFIED",
            attempt_number: 1,
            endpoint: &endpoint,
            test: true,
        };
        let outcome = webhook::post(self.sender.http(), &row.url, &secrets, &meta, webhook::body(&payload)).await;
        let took = Utc::now() - started;
        tracing::info!(endpoint = %row.id, by = %caller.subject, status = outcome.code, "webhook endpoint tested");
        Ok(TestWebhookEndpointResponse {
            result: outcome.result.into(),
            status_code: outcome.code,
            response: crate::delivery::shorten(&outcome.response, 1024),
            error_message: crate::delivery::shorten(&outcome.error, 1024),
            start_time: Some(convert::timestamp(started)),
            latency: Some(prost_types::Duration {
                seconds: took.num_seconds(),
                nanos: (took.num_microseconds().unwrap_or(0) % 1_000_000) as i32 * 1000,
            }),
        })
    }
}

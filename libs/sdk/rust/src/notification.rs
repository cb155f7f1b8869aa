//! Notifications: what was sent to whom, dead letters, resends, templates.

use redress_proto::notification::v1::{
    CreateWebhookEndpointRequest, CreateWebhookEndpointResponse, DeleteWebhookEndpointRequest, DeliveryAttempt,
    GetNotificationRequest, GetWebhookEndpointRequest, ListDeliveryAttemptsRequest, ListNotificationsRequest,
    ListTemplatesRequest, ListWebhookEndpointsRequest, Notification, PreviewTemplateRequest, PreviewTemplateResponse,
    RedriveNotificationRequest, ResendNotificationRequest, RotateWebhookEndpointSecretRequest,
    RotateWebhookEndpointSecretResponse, Template, TestWebhookEndpointRequest, TestWebhookEndpointResponse,
    UpdateTemplateRequest, UpdateTemplateResponse, UpdateWebhookEndpointRequest, WebhookEndpoint, notification,
    notification_service_client::NotificationServiceClient,
};
use tonic::transport::Channel;

use crate::{
    Client, Idempotency, ItemStream, NotificationName, Result, Service, client::ensure_request_id, paging::paginate,
    required,
};

/// The notification service (`redress.notification.v1.NotificationService`).
/// Get one with [`Client::notification`].
#[derive(Debug, Clone)]
pub struct NotificationClient {
    client: Client,
}

macro_rules! call {
    ($self:ident, $idempotency:expr, $method:ident, $request:expr) => {
        $self
            .client
            .call(Service::Notification, $idempotency, $request, |channel, request| async move {
                NotificationServiceClient::new(channel).$method(request).await
            })
            .await
    };
}

impl NotificationClient {
    pub(crate) fn new(client: Client) -> Self {
        NotificationClient { client }
    }

    /// The generated client, for anything this wrapper does not cover; pair
    /// it with [`Client::request`].
    ///
    /// # Errors
    /// [`crate::Error::Config`] when the client has no endpoint for this service.
    pub fn raw(&self) -> Result<NotificationServiceClient<Channel>> {
        Ok(NotificationServiceClient::new(self.client.channel(Service::Notification)?))
    }

    /// Reads one notification with its last attempt and proof of delivery.
    /// **Safe** (a read).
    pub async fn get_notification(&self, name: &NotificationName) -> Result<Notification> {
        let request = GetNotificationRequest { name: name.to_string() };
        required(call!(self, Idempotency::Safe, get_notification, request)?.notification, "notification")
    }

    /// The tenant's notifications matching the filters, newest first, every
    /// page. **Safe** (a read).
    pub fn list_notifications(&self, request: ListNotificationsRequest) -> ItemStream<Notification> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_notifications, request)?;
                    Ok((page.notifications, page.next_page_token))
                }
            },
        )
    }

    /// The dead-letter queue: notifications that ran out of attempts.
    /// **Safe** (a read).
    pub fn list_dead_letters(&self) -> ItemStream<Notification> {
        self.list_notifications(ListNotificationsRequest {
            states: vec![notification::State::DeadLetter.into()],
            ..Default::default()
        })
    }

    /// Every delivery attempt of a notification, oldest first. **Safe**.
    pub fn list_delivery_attempts(&self, name: &NotificationName) -> ItemStream<DeliveryAttempt> {
        let this = self.clone();
        let request = ListDeliveryAttemptsRequest { parent: name.to_string(), ..Default::default() };
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_delivery_attempts, request)?;
                    Ok((page.attempts, page.next_page_token))
                }
            },
        )
    }

    /// Sends a dead letter again with a fresh attempt budget. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] unless it is a dead letter.
    pub async fn redrive_notification(&self, mut request: RedriveNotificationRequest) -> Result<Notification> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, redrive_notification, request)?.notification, "notification")
    }

    /// Sends a notification again as a new one, maybe to a corrected
    /// recipient or on another channel. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] while the original is still on
    /// its way.
    pub async fn resend_notification(&self, mut request: ResendNotificationRequest) -> Result<Notification> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, resend_notification, request)?.notification, "notification")
    }

    /// Changes a template, or creates it when `allow_missing` is set.
    /// **Safe**: an update to the current content changes nothing
    /// (documented in the proto).
    pub async fn update_template(&self, request: UpdateTemplateRequest) -> Result<UpdateTemplateResponse> {
        call!(self, Idempotency::Safe, update_template, request)
    }

    /// The tenant's templates in their current versions, every page. **Safe**.
    pub fn list_templates(&self, request: ListTemplatesRequest) -> ItemStream<Template> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_templates, request)?;
                    Ok((page.templates, page.next_page_token))
                }
            },
        )
    }

    /// Renders a template without sending anything. **Safe** (read-only).
    pub async fn preview_template(&self, request: PreviewTemplateRequest) -> Result<PreviewTemplateResponse> {
        call!(self, Idempotency::Safe, preview_template, request)
    }

    /// Registers a webhook endpoint. The response holds its signing secret,
    /// which no other call shows: keep it. **Keyed**: a retry returns the
    /// same endpoint and secret.
    pub async fn create_webhook_endpoint(
        &self,
        mut request: CreateWebhookEndpointRequest,
    ) -> Result<CreateWebhookEndpointResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, create_webhook_endpoint, request)
    }

    /// Reads one webhook endpoint (`webhookEndpoints/{id}`), with its
    /// delivery stats and never its secret. **Safe** (a read).
    pub async fn get_webhook_endpoint(&self, name: &str) -> Result<WebhookEndpoint> {
        let request = GetWebhookEndpointRequest { name: name.to_owned() };
        required(call!(self, Idempotency::Safe, get_webhook_endpoint, request)?.webhook_endpoint, "webhook_endpoint")
    }

    /// Every webhook endpoint of the tenant, page by page. **Safe**.
    pub fn list_webhook_endpoints(&self) -> ItemStream<WebhookEndpoint> {
        let this = self.clone();
        paginate(
            ListWebhookEndpointsRequest::default(),
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_webhook_endpoints, request)?;
                    Ok((page.webhook_endpoints, page.next_page_token))
                }
            },
        )
    }

    /// Changes the fields in `update_mask` (URL, description, events,
    /// disabled). **Safe**: it sets values, and an `etag` guards it.
    pub async fn update_webhook_endpoint(&self, request: UpdateWebhookEndpointRequest) -> Result<WebhookEndpoint> {
        required(call!(self, Idempotency::Safe, update_webhook_endpoint, request)?.webhook_endpoint, "webhook_endpoint")
    }

    /// Deletes a webhook endpoint. **Safe**: a repeat is NOT_FOUND.
    pub async fn delete_webhook_endpoint(&self, request: DeleteWebhookEndpointRequest) -> Result<()> {
        call!(self, Idempotency::Safe, delete_webhook_endpoint, request).map(|_| ())
    }

    /// Replaces the signing secret; the previous one keeps signing for the
    /// `overlap`. The response holds the new secret, shown only here.
    /// **Keyed**.
    pub async fn rotate_webhook_endpoint_secret(
        &self,
        mut request: RotateWebhookEndpointSecretRequest,
    ) -> Result<RotateWebhookEndpointSecretResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, rotate_webhook_endpoint_secret, request)
    }

    /// Sends a signed test event to the endpoint now and returns what it
    /// answered. **Unsafe**: each call sends one, so it is never retried.
    pub async fn test_webhook_endpoint(
        &self,
        request: TestWebhookEndpointRequest,
    ) -> Result<TestWebhookEndpointResponse> {
        call!(self, Idempotency::Unsafe, test_webhook_endpoint, request)
    }
}

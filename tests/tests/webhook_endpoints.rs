//! Webhook endpoints registered through the API, every service real: a
//! casino backend registers its endpoint with notification, a live-chat
//! player's complaint goes to intake, and the acknowledgment arrives at the
//! backend's HTTP receiver (a real server in this test) signed with the
//! secret the registration returned. After a rotation with an overlap the
//! next delivery carries both signatures, each verifying against one of the
//! secrets; after a rotation without overlap, only the new one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    convert::Infallible,
    sync::{Arc, Mutex},
    time::Duration,
};

use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::SubmitComplaintRequest,
    notification::v1::{
        CreateWebhookEndpointRequest, ListNotificationsRequest, NotificationEvent, RotateWebhookEndpointSecretRequest,
        WebhookEndpoint, notification::State,
    },
};
use redress_testkit::{Backend, authed, eventually};
use sha2::Sha256;

const WAIT: Duration = Duration::from_secs(25);

/// One webhook as the backend received it.
#[derive(Debug, Clone)]
struct Hook {
    timestamp: String,
    signature: String,
    endpoint: String,
    body: Vec<u8>,
}

impl Hook {
    /// The `v1=` entries of `Redress-Signature`.
    fn signatures(&self) -> Vec<&str> {
        self.signature.split(", ").collect()
    }

    /// Whether `entry` (one `v1=…`) is HMAC-SHA256(secret, "{ts}." + body),
    /// checked as the contract tells receivers to.
    fn signed_by(&self, entry: &str, secret: &str) -> bool {
        let Some(sig) = entry.strip_prefix("v1=").and_then(|h| hex::decode(h).ok()) else { return false };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(self.timestamp.as_bytes());
        mac.update(b".");
        mac.update(&self.body);
        mac.verify_slice(&sig).is_ok()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// The casino backend's webhook receiver: answers 200 and keeps each request.
async fn receiver() -> (String, Arc<Mutex<Vec<Hook>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/redress/webhooks", listener.local_addr().unwrap());
    let hooks = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&hooks);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = Arc::clone(&kept);
            let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                let kept = Arc::clone(&kept);
                async move {
                    let header =
                        |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                    let (timestamp, signature) = (header("redress-timestamp"), header("redress-signature"));
                    let endpoint = header("redress-webhook-endpoint");
                    let body = req.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                    kept.lock().unwrap().push(Hook { timestamp, signature, endpoint, body });
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    (url, hooks)
}

/// A live-chat player's complaint; returns the complaint's name.
async fn complain(s: &Sandbox, id: &str) -> String {
    let request = SubmitComplaintRequest {
        request_id: id.into(),
        player: Some(Player {
            player_id: format!("player-{id}"),
            display_name: "Anna".into(),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            preferred_channel: Channel::LiveChat.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences { bonus_id: format!("B-{id}"), ..Default::default() }),
        category: ComplaintCategory::Bonus.into(),
        subject: "Bonus".into(),
        description: "My bonus was not credited.".into(),
        channel: Channel::LiveChat.into(),
        ..Default::default()
    };
    let token = s.token(&[Role::Backend]);
    s.intake().submit_complaint(authed(request, &token)).await.unwrap().into_inner().complaint.unwrap().name
}

/// Relays the complaint's acknowledgment to notification, delivers it with
/// one sender round, and returns the webhook the backend received.
async fn acknowledgment(s: &Sandbox, complaint: &str, hooks: &Mutex<Vec<Hook>>) -> Hook {
    s.intake.relay().run_once().await.unwrap();
    let agent = s.token(&[Role::Agent]);
    let list = || async {
        let req = ListNotificationsRequest {
            complaint: complaint.to_owned(),
            event: NotificationEvent::ComplaintReceived.into(),
            ..Default::default()
        };
        s.notification().list_notifications(authed(req, &agent)).await.unwrap().into_inner().notifications
    };
    assert!(eventually(WAIT, || async { !list().await.is_empty() }).await, "no acknowledgment of {complaint}");
    let before = hooks.lock().unwrap().len();
    assert_eq!(s.notification.sender().run_once().await.unwrap(), 1);
    let n = list().await.remove(0);
    assert_eq!(n.state(), State::Delivered, "{n:?}");
    let hooks = hooks.lock().unwrap();
    assert_eq!(hooks.len(), before + 1);
    let hook = hooks[before].clone();
    assert_eq!(hook.json()["complaint"], complaint);
    assert_eq!(hook.json()["channel"], "CHANNEL_LIVE_CHAT");
    hook
}

async fn rotate(s: &Sandbox, name: &str, request_id: &str, overlap_seconds: i64) -> String {
    let req = RotateWebhookEndpointSecretRequest {
        name: name.into(),
        request_id: request_id.into(),
        overlap: Some(prost_types::Duration { seconds: overlap_seconds, nanos: 0 }),
        etag: String::new(),
    };
    let token = s.token(&[Role::Backend]);
    s.notification().rotate_webhook_endpoint_secret(authed(req, &token)).await.unwrap().into_inner().secret
}

async fn a_registered_endpoint_receives_acknowledgments_signed_through_a_rotation(backend: Backend) {
    // The test drives notification's sender itself.
    let s = Sandbox::start_with(backend, |n| n.delivery.enabled = false).await;
    let (url, hooks) = receiver().await;
    let token = s.token(&[Role::Backend]);
    let created = s
        .notification()
        .create_webhook_endpoint(authed(
            CreateWebhookEndpointRequest {
                request_id: "register-chat-relay".into(),
                webhook_endpoint: Some(WebhookEndpoint {
                    url: url.clone(),
                    description: "live chat relay".into(),
                    events: vec![NotificationEvent::ComplaintReceived.into(), NotificationEvent::AgentMessage.into()],
                    ..Default::default()
                }),
            },
            &token,
        ))
        .await
        .unwrap()
        .into_inner();
    let endpoint = created.webhook_endpoint.unwrap().name;
    let first = created.secret;

    let complaint = complain(&s, "chat-1").await;
    let hook = acknowledgment(&s, &complaint, &hooks).await;
    assert_eq!(hook.endpoint, endpoint);
    assert_eq!(hook.signatures().len(), 1);
    assert!(hook.signed_by(hook.signatures()[0], &first));

    // During the overlap: both signatures, the new secret's first.
    let second = rotate(&s, &endpoint, "rotate-1", 3600).await;
    let complaint = complain(&s, "chat-2").await;
    let hook = acknowledgment(&s, &complaint, &hooks).await;
    let signatures = hook.signatures();
    assert_eq!(signatures.len(), 2, "{signatures:?}");
    assert!(hook.signed_by(signatures[0], &second) && !hook.signed_by(signatures[0], &first));
    assert!(hook.signed_by(signatures[1], &first) && !hook.signed_by(signatures[1], &second));

    // A rotation without overlap retires the previous secret at once.
    let third = rotate(&s, &endpoint, "rotate-2", 0).await;
    let complaint = complain(&s, "chat-3").await;
    let hook = acknowledgment(&s, &complaint, &hooks).await;
    assert_eq!(hook.signatures().len(), 1);
    assert!(hook.signed_by(hook.signatures()[0], &third));
    assert!(!hook.signed_by(hook.signatures()[0], &second));
    s.shutdown().await;
}

redress_e2e::on_both_backends!(a_registered_endpoint_receives_acknowledgments_signed_through_a_rotation);

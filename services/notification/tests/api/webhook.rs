//! A real HTTP receiver standing in for the casino backend: it verifies each
//! webhook's signature and timestamp as the contract tells receivers to, and
//! keeps what it accepted.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use sha2::Sha256;

/// One accepted webhook.
#[derive(Debug, Clone)]
pub struct Hook {
    pub notification: String,
    pub attempt: String,
    pub body: Vec<u8>,
    pub timestamp: String,
    pub signature: String,
    /// `Redress-Webhook-Endpoint`; empty when absent.
    pub endpoint: String,
    /// `Redress-Test`; empty when absent.
    pub test: String,
}

impl Hook {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The `v1=` entries of `Redress-Signature`.
    pub fn signatures(&self) -> Vec<String> {
        self.signature.split(", ").map(str::to_owned).collect()
    }

    /// Whether one `v1=` entry verifies against `secret`.
    pub fn verifies(&self, secret: &str) -> bool {
        verify(secret, &self.timestamp, &self.signature, &self.body)
    }
}

#[derive(Default)]
struct State {
    accepted: Vec<Hook>,
    rejected_signatures: usize,
    /// Answers to give before accepting, e.g. [503, 503].
    failures: Vec<u16>,
}

/// A running receiver.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// Verifies `Redress-Signature` against `secret` the way the contract
/// documents: any `v1=` entry matching HMAC-SHA256(secret, "{ts}." + body),
/// compared in constant time, timestamp within 300 seconds.
pub fn verify(secret: &str, timestamp: &str, signature: &str, body: &[u8]) -> bool {
    let Ok(ts) = timestamp.parse::<i64>() else { return false };
    if (chrono::Utc::now().timestamp() - ts).abs() > 300 {
        return false;
    }
    signature.split(", ").filter_map(|s| s.strip_prefix("v1=")).filter_map(|h| hex::decode(h).ok()).any(|sig| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&sig).is_ok()
    })
}

impl Receiver {
    /// A receiver that accepts `secret`'s signatures only.
    pub async fn start(secret: &'static str) -> Receiver {
        Self::start_checking(Some(secret)).await
    }

    /// A receiver that accepts every request and keeps its signature
    /// headers, for a test to verify against the secrets it holds.
    pub async fn recording() -> Receiver {
        Self::start_checking(None).await
    }

    async fn start_checking(secret: Option<&'static str>) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let state = Arc::clone(&state);
                    async move { Ok::<_, Infallible>(handle(req, state, secret).await) }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        Receiver { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}/redress/webhook", self.addr)
    }

    pub fn fail_next(&self, statuses: &[u16]) {
        self.state.lock().unwrap().failures = statuses.to_vec();
    }

    pub fn accepted(&self) -> Vec<Hook> {
        self.state.lock().unwrap().accepted.clone()
    }

    pub fn rejected_signatures(&self) -> usize {
        self.state.lock().unwrap().rejected_signatures
    }
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    state: Arc<Mutex<State>>,
    secret: Option<&str>,
) -> Response<Full<Bytes>> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (timestamp, signature) = (header("redress-timestamp"), header("redress-signature"));
    let (notification, attempt) = (header("redress-notification"), header("redress-attempt"));
    let (endpoint, test) = (header("redress-webhook-endpoint"), header("redress-test"));
    let body = req.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let reply = |status: u16, text: &str| {
        Response::builder()
            .status(status)
            .header("redress-message-id", format!("chat-{}", attempt))
            .body(Full::new(Bytes::from(text.to_owned())))
            .unwrap()
    };
    if secret.is_some_and(|secret| !verify(secret, &timestamp, &signature, &body)) {
        state.lock().unwrap().rejected_signatures += 1;
        return reply(401, "bad signature");
    }
    let mut s = state.lock().unwrap();
    if !s.failures.is_empty() {
        let status = s.failures.remove(0);
        return reply(status, "unavailable");
    }
    s.accepted.push(Hook { notification, attempt: attempt.clone(), body, timestamp, signature, endpoint, test });
    reply(200, "ok")
}

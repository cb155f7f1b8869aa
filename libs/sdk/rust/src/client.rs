//! The client, its builder, and the one call path every method takes:
//! token, deadline, trace context, retries.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use tonic::{
    metadata::{AsciiMetadataValue, MetadataKey},
    transport::{Channel, Endpoint},
};

use crate::{
    Error, Result,
    auth::{StaticToken, TokenProvider},
    feedback::FeedbackClient,
    intake::IntakeClient,
    notification::NotificationClient,
    resolution::ResolutionClient,
};

/// The user agent every call carries.
pub const USER_AGENT: &str = concat!("redress-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// The four Redress services; each may live at its own endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Complaints as filed (`redress.intake.v1.IntakeService`).
    Intake,
    /// Cases (`redress.resolution.v1.ResolutionService`).
    Resolution,
    /// Notifications and templates (`redress.notification.v1.NotificationService`).
    Notification,
    /// Surveys and insights (`redress.feedback.v1.FeedbackService`).
    Feedback,
}

impl Service {
    const ALL: [Service; 4] = [Service::Intake, Service::Resolution, Service::Notification, Service::Feedback];

    fn index(self) -> usize {
        self as usize
    }

    /// The lowercase name, e.g. `intake`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Intake => "intake",
            Service::Resolution => "resolution",
            Service::Notification => "notification",
            Service::Feedback => "feedback",
        }
    }
}

/// Whether a method may be sent again after a failure that may have reached
/// the server. Every method's doc says which it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// The request carries a `request_id`; the SDK fills it (UUIDv7) when the
    /// caller left it empty, and every retry sends the same one, so the server
    /// answers a retry from its idempotency record.
    Keyed,
    /// A read, or a write the proto documents as idempotent by content
    /// (e.g. AssignCase): retried as is.
    Safe,
    /// Never retried.
    Unsafe,
}

/// How failed attempts are retried: UNAVAILABLE, RESOURCE_EXHAUSTED, and
/// DEADLINE_EXCEEDED of one attempt while the call's deadline still allows
/// another, with exponential backoff and jitter, honouring the server's
/// `google.rpc.RetryInfo`, never past the call's deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The backoff before the first retry.
    pub initial_backoff: Duration,
    /// The largest backoff.
    pub max_backoff: Duration,
    /// The factor the backoff grows by per retry.
    pub multiplier: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            multiplier: 2.0,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// The wait before retry `retry` (1-based): a random 50–100 % of the
    /// exponential step, so clients do not retry in lockstep, or the server's
    /// RetryInfo delay when it asked for longer.
    fn backoff(&self, retry: u32, server_delay: Option<Duration>) -> Duration {
        let exp = self.multiplier.max(1.0).powi(i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX));
        let cap = self.initial_backoff.mul_f64(exp.min(1e6)).min(self.max_backoff);
        let jittered = cap.mul_f64(rand::random_range(0.5..=1.0));
        server_delay.map_or(jittered, |d| d.max(jittered))
    }
}

/// Per-call settings; every service client has defaults from the builder and
/// `with_*` methods to change them for the calls made through it.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// The deadline of the whole call, retries included, sent to the server
    /// as `grpc-timeout` (the time left, on each attempt).
    pub timeout: Duration,
    /// A shorter deadline for each attempt, so a hung attempt can be retried
    /// within `timeout`. `None`: each attempt may use all the time left.
    pub attempt_timeout: Option<Duration>,
    /// The retry policy.
    pub retry: RetryPolicy,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions { timeout: Duration::from_secs(30), attempt_timeout: None, retry: RetryPolicy::default() }
    }
}

/// Where and how to connect; see [`Client::builder`].
pub struct ClientBuilder {
    default_endpoints: Vec<String>,
    endpoints: [Vec<String>; 4],
    token: Option<Arc<dyn TokenProvider>>,
    options: CallOptions,
    connect_timeout: Duration,
    keepalive: Option<Duration>,
    #[cfg(feature = "tls")]
    tls: Option<tonic::transport::ClientTlsConfig>,
    #[cfg(feature = "tls")]
    tls_error: Option<String>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("default_endpoints", &self.default_endpoints)
            .field("endpoints", &self.endpoints)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// One endpoint for every service, e.g. behind a gateway:
    /// `https://redress.example.com` or `http://127.0.0.1:50051`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.default_endpoints = vec![url.into()];
        self
    }

    /// Several endpoints for every service, balanced per call on the client
    /// side (e.g. the pods of a headless Kubernetes Service).
    pub fn endpoints<I, S>(mut self, urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.default_endpoints = urls.into_iter().map(Into::into).collect();
        self
    }

    /// The endpoints of one service (balanced when several), overriding
    /// [`Self::endpoint`] for it.
    pub fn service_endpoints<I, S>(mut self, service: Service, urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.endpoints[service.index()] = urls.into_iter().map(Into::into).collect();
        self
    }

    /// A static bearer token.
    pub fn token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// A token provider, e.g. [`crate::auth::RefreshingToken`].
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.token = Some(Arc::new(provider));
        self
    }

    /// The default deadline of each call, retries included (30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// The default retry policy.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.options.retry = retry;
        self
    }

    /// How long to wait for a connection (5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// HTTP/2 keepalive pings at this interval, also while idle (30 s);
    /// `None` turns them off.
    pub fn keepalive(mut self, interval: Option<Duration>) -> Self {
        self.keepalive = interval;
        self
    }

    /// TLS with the system's root certificates, for `https://` endpoints.
    #[cfg(feature = "tls")]
    pub fn tls_system_roots(mut self) -> Self {
        self.tls = Some(tonic::transport::ClientTlsConfig::new().with_native_roots());
        self
    }

    /// TLS trusting this CA certificate (PEM), for `https://` endpoints.
    #[cfg(feature = "tls")]
    pub fn tls_ca_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        let pem = pem.as_ref();
        if !String::from_utf8_lossy(pem).contains("-----BEGIN CERTIFICATE-----") {
            self.tls_error = Some("the CA certificate is not PEM".into());
        }
        let ca = tonic::transport::Certificate::from_pem(pem);
        self.tls = Some(tonic::transport::ClientTlsConfig::new().ca_certificate(ca));
        self
    }

    /// Builds the client. Connections open lazily, on the first call; call
    /// this inside a Tokio runtime.
    ///
    /// # Errors
    /// [`Error::Config`] for a missing token, no endpoint at all, or an
    /// invalid endpoint URL or TLS setting. A service left without endpoints
    /// fails its calls with [`Error::Config`].
    pub fn build(self) -> Result<Client> {
        let token =
            self.token.clone().ok_or_else(|| Error::Config("no token: call token() or token_provider()".into()))?;
        #[cfg(feature = "tls")]
        if let Some(err) = &self.tls_error {
            return Err(Error::Config(err.clone()));
        }
        if self.default_endpoints.is_empty() && self.endpoints.iter().all(Vec::is_empty) {
            return Err(Error::Config("no endpoint: call endpoint() or service_endpoints()".into()));
        }
        let mut channels: [Option<Channel>; 4] = Default::default();
        for service in Service::ALL {
            let urls = &self.endpoints[service.index()];
            let urls = if urls.is_empty() { &self.default_endpoints } else { urls };
            // A service without endpoints fails its calls, not the build: a
            // backend may only need intake.
            if urls.is_empty() {
                continue;
            }
            // tonic's balancer takes at most this many endpoints up front.
            if urls.len() > 1024 {
                return Err(Error::Config(format!("{} endpoints for {}; at most 1024", urls.len(), service.name())));
            }
            let endpoints = urls.iter().map(|url| self.make_endpoint(url)).collect::<Result<Vec<_>>>()?;
            channels[service.index()] = Some(match endpoints.as_slice() {
                [one] => one.connect_lazy(),
                _ => Channel::balance_list(endpoints.into_iter()),
            });
        }
        Ok(Client { inner: Arc::new(Inner { channels, token }), options: self.options })
    }

    fn make_endpoint(&self, url: &str) -> Result<Endpoint> {
        let url = url.trim().trim_end_matches('/');
        let url = if url.contains("://") { url.to_owned() } else { format!("http://{url}") };
        let mut endpoint = Endpoint::from_shared(url.clone())
            .map_err(|e| Error::Config(format!("invalid endpoint {url:?}: {e}")))?
            .user_agent(USER_AGENT)
            .map_err(|e| Error::Config(format!("user agent: {e}")))?
            .connect_timeout(self.connect_timeout)
            .tcp_nodelay(true);
        if let Some(interval) = self.keepalive {
            endpoint = endpoint
                .http2_keep_alive_interval(interval)
                .keep_alive_timeout(Duration::from_secs(20))
                .keep_alive_while_idle(true);
        }
        if url.starts_with("https://") {
            #[cfg(feature = "tls")]
            {
                let tls =
                    self.tls.clone().unwrap_or_else(|| tonic::transport::ClientTlsConfig::new().with_native_roots());
                endpoint = endpoint.tls_config(tls).map_err(|e| Error::Config(format!("tls for {url}: {e}")))?;
            }
            #[cfg(not(feature = "tls"))]
            return Err(Error::Config(format!("{url}: https needs the `tls` feature")));
        }
        Ok(endpoint)
    }
}

struct Inner {
    channels: [Option<Channel>; 4],
    token: Arc<dyn TokenProvider>,
}

/// A Redress client: cheap to clone, share one per process.
///
/// ```no_run
/// # async fn run() -> redress_sdk::Result<()> {
/// use redress_sdk::{Client, ComplaintName};
///
/// let client = Client::builder()
///     .endpoint("http://127.0.0.1:50051")
///     .service_endpoints(redress_sdk::Service::Resolution, ["http://127.0.0.1:50052"])
///     .token(std::env::var("REDRESS_TOKEN").unwrap_or_default())
///     .build()?;
/// let complaint = client.intake().get_complaint(&ComplaintName::parse("complaints/0190f7c2")?).await?;
/// println!("{} is {:?}", complaint.reference, complaint.status());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: CallOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("options", &self.options).finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            default_endpoints: Vec::new(),
            endpoints: Default::default(),
            token: None,
            options: CallOptions::default(),
            connect_timeout: Duration::from_secs(5),
            keepalive: Some(Duration::from_secs(30)),
            #[cfg(feature = "tls")]
            tls: None,
            #[cfg(feature = "tls")]
            tls_error: None,
        }
    }

    /// Complaints: submit, read, follow, answer, withdraw.
    pub fn intake(&self) -> IntakeClient {
        IntakeClient::new(self.clone())
    }

    /// Cases: queues, assignment, answers, proposals, resolution, history,
    /// regulatory returns.
    pub fn resolution(&self) -> ResolutionClient {
        ResolutionClient::new(self.clone())
    }

    /// Notifications: deliveries, dead letters, resends, templates.
    pub fn notification(&self) -> NotificationClient {
        NotificationClient::new(self.clone())
    }

    /// Feedback: surveys, insights, recurring problems.
    pub fn feedback(&self) -> FeedbackClient {
        FeedbackClient::new(self.clone())
    }

    /// This client with other call options.
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), options }
    }

    /// This client with another deadline per call.
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        self.with_options(CallOptions { timeout, ..self.options.clone() })
    }

    /// This client with another retry policy.
    pub fn with_retry(&self, retry: RetryPolicy) -> Client {
        self.with_options(CallOptions { retry, ..self.options.clone() })
    }

    /// The call options in force.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The raw channel to a service, for the generated clients in
    /// [`crate::proto`]; pair it with [`Client::request`] for the token and
    /// trace context.
    ///
    /// # Errors
    /// [`Error::Config`] when the builder gave the service no endpoint.
    pub fn channel(&self, service: Service) -> Result<Channel> {
        self.inner.channels[service.index()].clone().ok_or_else(|| {
            Error::Config(format!("no endpoint for {}: see ClientBuilder::service_endpoints", service.name()))
        })
    }

    /// Wraps `message` as one attempt would send it: bearer token, W3C trace
    /// context, and `grpc-timeout` set to the default deadline.
    ///
    /// # Errors
    /// [`Error::Token`] when the token provider fails.
    pub async fn request<T>(&self, message: T) -> Result<tonic::Request<T>> {
        self.attempt_request(message, self.options.timeout).await
    }

    async fn attempt_request<T>(&self, message: T, timeout: Duration) -> Result<tonic::Request<T>> {
        let token = self.inner.token.token().await.map_err(Error::Token)?;
        let auth: AsciiMetadataValue = format!("Bearer {}", token.trim())
            .parse()
            .map_err(|_| Error::Token("the token holds characters not allowed in a header".into()))?;
        let mut request = tonic::Request::new(message);
        request.metadata_mut().insert(MetadataKey::from_static("authorization"), auth);
        crate::trace::inject_current(request.metadata_mut());
        request.set_timeout(timeout);
        Ok(request)
    }

    /// Runs one logical call: sends `message` through `send` on `service`'s
    /// channel, retrying as `idempotency` and the call options allow. The
    /// typed methods all go through here; use it for a generated method the
    /// SDK does not wrap.
    ///
    /// ```no_run
    /// # async fn run(client: redress_sdk::Client) -> redress_sdk::Result<()> {
    /// use redress_sdk::{Idempotency, Service, proto::resolution::v1::*};
    /// let macros = client
    ///     .call(Service::Resolution, Idempotency::Safe, ListMacrosRequest::default(), |channel, request| async move {
    ///         resolution_service_client::ResolutionServiceClient::new(channel).list_macros(request).await
    ///     })
    ///     .await?;
    /// # let _ = macros;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// The last attempt's error, decoded.
    pub async fn call<Req, Resp, F, Fut>(
        &self,
        service: Service,
        idempotency: Idempotency,
        message: Req,
        mut send: F,
    ) -> Result<Resp>
    where
        Req: Clone,
        F: FnMut(Channel, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<Resp>, tonic::Status>>,
    {
        let options = &self.options;
        let deadline = Instant::now() + options.timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let left = deadline.saturating_duration_since(Instant::now());
            let budget = options.attempt_timeout.map_or(left, |t| t.min(left));
            let request = self.attempt_request(message.clone(), budget).await?;
            let started = Instant::now();
            let status = match send(self.channel(service)?, request).await {
                Ok(response) => return Ok(response.into_inner()),
                Err(status) => status,
            };
            let error = Error::from_status(normalise(status, started.elapsed() >= budget));
            let retryable = match &error {
                Error::Unavailable { .. } | Error::ResourceExhausted { .. } => true,
                // Only a per-attempt deadline leaves time for another attempt.
                Error::DeadlineExceeded { .. } => options.attempt_timeout.is_some(),
                _ => false,
            };
            if !retryable || idempotency == Idempotency::Unsafe || attempt >= options.retry.max_attempts {
                return Err(error);
            }
            let server_delay = match &error {
                Error::ResourceExhausted { retry_after, .. } => *retry_after,
                other => other.status().and_then(|s| {
                    use tonic_types::StatusExt;
                    s.get_details_retry_info().and_then(|r| r.retry_delay)
                }),
            };
            let wait = options.retry.backoff(attempt, server_delay);
            if Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }
}

/// Gives failures the client itself detected the code the gRPC spec gives
/// them: a connection lost mid-call (tonic says UNKNOWN "transport error")
/// is UNAVAILABLE, and tonic's CANCELLED for its own expired timer is
/// DEADLINE_EXCEEDED.
fn normalise(status: tonic::Status, budget_spent: bool) -> tonic::Status {
    let transport = std::error::Error::source(&status)
        .and_then(|source| source.downcast_ref::<tonic::transport::Error>())
        .map(|err| {
            let mut text = err.to_string();
            let mut cause = std::error::Error::source(err);
            while let Some(err) = cause {
                text.push_str(": ");
                text.push_str(&err.to_string());
                cause = err.source();
            }
            text
        });
    match (status.code(), transport) {
        (tonic::Code::Cancelled, _) if budget_spent => tonic::Status::deadline_exceeded(status.message()),
        (tonic::Code::Unknown | tonic::Code::Internal, Some(text)) => tonic::Status::unavailable(text),
        _ => status,
    }
}

/// A fresh `request_id`: a UUIDv7, time-ordered, so ids sort like calls.
pub fn new_request_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Fills an empty `request_id` with [`new_request_id`], once per logical
/// call, before the first attempt.
pub(crate) fn ensure_request_id(request_id: &mut String) {
    if request_id.is_empty() {
        *request_id = new_request_id();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn client(options: CallOptions) -> Client {
        Client::builder().endpoint("127.0.0.1:1").token("t").build().unwrap().with_options(options)
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_info() {
        let policy = RetryPolicy::default();
        for _ in 0..50 {
            let first = policy.backoff(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = policy.backoff(3, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            assert!(policy.backoff(30, None) <= policy.max_backoff);
            assert!(policy.backoff(1, Some(Duration::from_secs(2))) >= Duration::from_secs(2));
        }
    }

    #[tokio::test]
    async fn the_builder_refuses_what_cannot_work() {
        assert!(matches!(Client::builder().endpoint("h:1").build(), Err(Error::Config(_))));
        assert!(matches!(Client::builder().token("t").build(), Err(Error::Config(_))));
        // Only intake configured: the others fail their calls, not the build.
        let intake_only = Client::builder().token("t").service_endpoints(Service::Intake, ["h:1"]).build().unwrap();
        assert!(intake_only.channel(Service::Intake).is_ok());
        let err = intake_only.resolution().get_case(&crate::CaseName::from_id("c").unwrap()).await.unwrap_err();
        assert!(matches!(&err, Error::Config(m) if m.contains("no endpoint for resolution")), "{err}");
        let err = Client::builder().token("t").endpoint("http://bad host:1").build().unwrap_err();
        assert!(err.to_string().contains("invalid endpoint"), "{err}");
        let balanced = Client::builder().token("t").endpoints(["http://127.0.0.1:1", "http://127.0.0.1:2"]).build();
        assert!(balanced.is_ok());
        assert!(USER_AGENT.starts_with("redress-sdk-rust/0."));
    }

    #[tokio::test]
    async fn retries_reuse_the_message_stop_at_the_bound_and_skip_unsafe_methods() {
        let fast = RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            ..Default::default()
        };
        let c = client(CallOptions { retry: fast.clone(), ..Default::default() });
        let attempts = AtomicU32::new(0);
        let result: Result<()> = c
            .call(Service::Intake, Idempotency::Keyed, "id-1".to_owned(), |_, request| {
                attempts.fetch_add(1, Ordering::SeqCst);
                assert_eq!(request.get_ref(), "id-1");
                assert!(request.metadata().get("grpc-timeout").is_some());
                assert_eq!(request.metadata().get("authorization").unwrap(), "Bearer t");
                async { Err(tonic::Status::unavailable("down")) }
            })
            .await;
        assert!(matches!(result, Err(Error::Unavailable { .. })));
        assert_eq!(attempts.load(Ordering::SeqCst), fast.max_attempts);

        attempts.store(0, Ordering::SeqCst);
        let result: Result<u32> = c
            .call(Service::Intake, Idempotency::Unsafe, (), |_, _| {
                attempts.fetch_add(1, Ordering::SeqCst);
                async { Err(tonic::Status::unavailable("down")) }
            })
            .await;
        assert!(result.is_err());
        assert_eq!(attempts.load(Ordering::SeqCst), 1);

        // Not retried: an error a retry cannot fix.
        attempts.store(0, Ordering::SeqCst);
        let _ = c
            .call(Service::Intake, Idempotency::Safe, (), |_, _| {
                attempts.fetch_add(1, Ordering::SeqCst);
                async { Err::<tonic::Response<()>, _>(tonic::Status::invalid_argument("bad")) }
            })
            .await;
        assert_eq!(attempts.load(Ordering::SeqCst), 1);

        // Recovers on the third attempt.
        attempts.store(0, Ordering::SeqCst);
        let value = c
            .call(Service::Intake, Idempotency::Safe, (), |_, _| {
                let n = attempts.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 2 { Err(tonic::Status::resource_exhausted("later")) } else { Ok(tonic::Response::new(7)) }
                }
            })
            .await
            .unwrap();
        assert_eq!(value, 7);
    }

    #[tokio::test]
    async fn no_retry_waits_past_the_deadline() {
        // RetryInfo asks for 10 s; the call's deadline is 200 ms: one attempt.
        let c = client(CallOptions { timeout: Duration::from_millis(200), ..Default::default() });
        let attempts = AtomicU32::new(0);
        let started = Instant::now();
        let result: Result<()> = c
            .call(Service::Intake, Idempotency::Safe, (), |_, _| {
                attempts.fetch_add(1, Ordering::SeqCst);
                let details = tonic_types::ErrorDetails::with_retry_info(Some(Duration::from_secs(10)));
                async move {
                    use tonic_types::StatusExt;
                    Err(tonic::Status::with_error_details(tonic::Code::ResourceExhausted, "slow down", details))
                }
            })
            .await;
        assert!(matches!(result, Err(Error::ResourceExhausted { retry_after: Some(_), .. })));
        assert_eq!(attempts.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < Duration::from_secs(2));

        // A whole-call deadline exceeded is not retried; a per-attempt one is.
        let whole = client(CallOptions::default());
        attempts.store(0, Ordering::SeqCst);
        let _: Result<()> = whole
            .call(Service::Intake, Idempotency::Safe, (), |_, _| {
                attempts.fetch_add(1, Ordering::SeqCst);
                async { Err(tonic::Status::deadline_exceeded("late")) }
            })
            .await;
        assert_eq!(attempts.load(Ordering::SeqCst), 1);
        let fast = RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_attempts: 3,
            ..Default::default()
        };
        let per_attempt =
            client(CallOptions { attempt_timeout: Some(Duration::from_millis(50)), retry: fast, ..Default::default() });
        attempts.store(0, Ordering::SeqCst);
        let _: Result<()> = per_attempt
            .call(Service::Intake, Idempotency::Safe, (), |_, request| {
                attempts.fetch_add(1, Ordering::SeqCst);
                let timeout = request.metadata().get("grpc-timeout").unwrap().to_str().unwrap().to_owned();
                // At most 50 ms, in tonic's encoding.
                assert!(timeout.ends_with('u') || timeout.ends_with('m') || timeout.ends_with('n'), "{timeout}");
                async { Err(tonic::Status::deadline_exceeded("late")) }
            })
            .await;
        assert_eq!(attempts.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn failures_the_client_detected_get_the_spec_codes() {
        // tonic's own timer: CANCELLED once the attempt's budget is spent.
        let timer = normalise(tonic::Status::cancelled("Timeout expired"), true);
        assert_eq!(timer.code(), tonic::Code::DeadlineExceeded);
        let cancelled = normalise(tonic::Status::cancelled("by the caller"), false);
        assert_eq!(cancelled.code(), tonic::Code::Cancelled);
        // A status the server sent is left alone.
        assert_eq!(normalise(tonic::Status::unknown("server says"), false).code(), tonic::Code::Unknown);
    }

    #[cfg(feature = "tls")]
    #[tokio::test]
    async fn tls_settings_are_checked_at_build() {
        let ok = Client::builder().token("t").endpoint("https://redress.example.com").tls_system_roots().build();
        assert!(ok.is_ok());
        let bad = Client::builder().token("t").endpoint("https://redress.example.com").tls_ca_pem("not a pem").build();
        assert!(matches!(bad, Err(Error::Config(m)) if m.contains("PEM")));
    }

    #[test]
    fn request_ids_are_uuid_v7_and_kept_when_given() {
        let mut id = String::new();
        ensure_request_id(&mut id);
        assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
        let mut given = "mine".to_owned();
        ensure_request_id(&mut given);
        assert_eq!(given, "mine");
    }
}

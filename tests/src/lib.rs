//! A sandbox that runs the whole platform for a test: intake, resolution,
//! notification and feedback, each with its own throwaway database (SQLite
//! files or fresh PostgreSQL databases), on free loopback ports, wired to each
//! other through their outboxes exactly as in production. Notification writes
//! e-mails as `.eml` files into a folder the test can read.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf};

use redress_auth::Role;
use redress_feedback::{Feedback, FeedbackConfig};
use redress_intake::{Intake, IntakeConfig};
use redress_notification::{Notification, NotificationConfig};
use redress_outbox::PeerConfig;
use redress_proto::{
    feedback::v1::feedback_service_client::FeedbackServiceClient,
    intake::v1::intake_service_client::IntakeServiceClient,
    notification::v1::notification_service_client::NotificationServiceClient,
    resolution::v1::resolution_service_client::ResolutionServiceClient,
};
use redress_resolution::{Resolution, ResolutionConfig};
use redress_testkit::{Backend, TestDb, auth_config, token};
use tokio::net::TcpListener;
use tonic::transport::Channel;

/// The tenant every sandbox call uses.
pub const TENANT: &str = "casino-e2e";
/// Where feedback sends the tenant's spike alerts.
pub const OPERATIONS_CONTACT: &str = "ops@casino-e2e.example";
/// The supervisors of the payments queue: deadline warnings of its unassigned cases.
pub const PAYMENTS_SUPERVISOR: &str = "payments-lead@casino-e2e.example";
/// The supervisors of the escalation queue: where breached cases go.
pub const ESCALATIONS_SUPERVISOR: &str = "duty@casino-e2e.example";

/// The running platform.
pub struct Sandbox {
    /// The intake service.
    pub intake: Intake,
    /// The resolution service.
    pub resolution: Resolution,
    /// The notification service.
    pub notification: Notification,
    /// The feedback service.
    pub feedback: Feedback,
    /// Where notification writes e-mails.
    pub mail_dir: PathBuf,
    /// Notification's configuration, to restart it on the same database.
    notification_config: NotificationConfig,
    /// Intake's configuration, kept to restart it on its database.
    intake_config: IntakeConfig,
    _mail: tempfile::TempDir,
    _dbs: Vec<TestDb>,
}

/// Relay settings that make a test fast without changing behaviour.
fn quick_outbox(peers: &BTreeMap<&str, SocketAddr>, own: &str) -> redress_outbox::RelayConfig {
    let mut config = redress_outbox::RelayConfig {
        poll_interval_ms: 100,
        initial_backoff_ms: 50,
        max_backoff_ms: 500,
        ..Default::default()
    };
    for (name, addr) in peers {
        if *name != own {
            config.peers.insert((*name).to_owned(), PeerConfig { url: format!("http://{addr}") });
        }
    }
    config
}

impl Sandbox {
    /// Starts all four services on `backend`.
    pub async fn start(backend: Backend) -> Sandbox {
        Self::start_with(backend, |_| {}).await
    }

    /// Like [`Sandbox::start`], with notification's configuration adjusted
    /// by `tweak` (e.g. its sender switched off, for a test that drives it).
    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut NotificationConfig)) -> Sandbox {
        Self::start_tuned(backend, tweak, |_| {}).await
    }

    /// Like [`Sandbox::start_with`], with intake's configuration adjusted by
    /// `tweak_intake` too (e.g. its export worker switched off, for a test
    /// that drives it).
    pub async fn start_tuned(
        backend: Backend,
        tweak: impl FnOnce(&mut NotificationConfig),
        tweak_intake: impl FnOnce(&mut IntakeConfig),
    ) -> Sandbox {
        let dbs = vec![
            TestDb::new(backend).await,
            TestDb::new(backend).await,
            TestDb::new(backend).await,
            TestDb::new(backend).await,
        ];
        let mut listeners = Vec::new();
        for _ in 0..4 {
            listeners.push(TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}")));
        }
        let addr = |i: usize| listeners[i].local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        let peers: BTreeMap<&str, SocketAddr> =
            [("intake", addr(0)), ("resolution", addr(1)), ("notification", addr(2)), ("feedback", addr(3))].into();
        let mail = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let mut listeners = listeners.into_iter();
        let mut next = || listeners.next().unwrap_or_else(|| panic!("four listeners"));

        let mut intake_config = IntakeConfig {
            database: dbs[0].config.clone(),
            auth: auth_config(),
            outbox: quick_outbox(&peers, "intake"),
            ..Default::default()
        };
        intake_config.export.poll_interval_ms = 100;
        intake_config.export.initial_backoff_ms = 50;
        intake_config.export.max_backoff_ms = 500;
        tweak_intake(&mut intake_config);
        let intake = Intake::start_on(intake_config.clone(), next()).await.unwrap_or_else(|e| panic!("intake: {e:#}"));

        let mut resolution = ResolutionConfig {
            database: dbs[1].config.clone(),
            auth: auth_config(),
            outbox: quick_outbox(&peers, "resolution"),
            ..Default::default()
        };
        let staff = &mut resolution.tenants.entry(TENANT.to_owned()).or_default().staff_notifications;
        staff.queues.insert("payments".into(), vec![PAYMENTS_SUPERVISOR.into()]);
        staff.queues.insert("escalations".into(), vec![ESCALATIONS_SUPERVISOR.into()]);
        let resolution = Resolution::start_on(resolution, next()).await.unwrap_or_else(|e| panic!("resolution: {e:#}"));

        let mut notification =
            NotificationConfig { database: dbs[2].config.clone(), auth: auth_config(), ..Default::default() };
        notification.email.file_dir = mail.path().to_path_buf();
        notification.tenants.insert(
            TENANT.to_owned(),
            redress_notification::config::TenantConfig {
                operations_email: OPERATIONS_CONTACT.to_owned(),
                ..Default::default()
            },
        );
        notification.delivery.poll_interval_ms = 100;
        // Webhook endpoints registered through the API need a key.
        let key_file = mail.path().join("webhook-secret.key");
        std::fs::write(&key_file, redress_notification::sealing::generate_key_hex())
            .unwrap_or_else(|e| panic!("key file: {e}"));
        notification.webhook_secret_key_file = Some(key_file);
        tweak(&mut notification);
        let notification_config = notification.clone();
        let notification =
            Notification::start_on(notification, next()).await.unwrap_or_else(|e| panic!("notification: {e:#}"));

        let feedback = FeedbackConfig {
            database: dbs[3].config.clone(),
            auth: auth_config(),
            outbox: quick_outbox(&peers, "feedback"),
            // Tests drive the spike watch themselves.
            spike_check_interval_ms: 0,
            ..Default::default()
        };
        let feedback = Feedback::start_on(feedback, next()).await.unwrap_or_else(|e| panic!("feedback: {e:#}"));

        Sandbox {
            intake,
            resolution,
            notification,
            feedback,
            mail_dir: mail.path().to_path_buf(),
            notification_config,
            intake_config,
            _mail: mail,
            _dbs: dbs,
        }
    }

    /// A token of [`TENANT`] with `roles`.
    pub fn token(&self, roles: &[Role]) -> String {
        token(TENANT, roles)
    }

    /// A client of intake's public API.
    pub fn intake(&self) -> IntakeServiceClient<Channel> {
        IntakeServiceClient::new(redress_testkit::channel(self.intake.local_addr()))
    }

    /// A client of resolution's public API.
    pub fn resolution(&self) -> ResolutionServiceClient<Channel> {
        ResolutionServiceClient::new(redress_testkit::channel(self.resolution.local_addr()))
    }

    /// A client of notification's public API.
    pub fn notification(&self) -> NotificationServiceClient<Channel> {
        NotificationServiceClient::new(redress_testkit::channel(self.notification.local_addr()))
    }

    /// A client of feedback's public API.
    pub fn feedback(&self) -> FeedbackServiceClient<Channel> {
        FeedbackServiceClient::new(redress_testkit::channel(self.feedback.local_addr()))
    }

    /// The e-mails written so far, as raw RFC 5322 text.
    pub fn emails(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.mail_dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect()
    }

    /// The e-mails written so far, each with its headers as written and every
    /// body part decoded (quoted-printable, base64), so a test can read the
    /// text the player reads in any language.
    pub fn decoded_emails(&self) -> Vec<String> {
        self.emails().iter().map(|m| decode_email(m)).collect()
    }

    /// Stops notification gracefully, runs `while_down` with intake (the
    /// rest of the platform still up), then starts notification again on the
    /// same address and database.
    pub async fn restart_notification(self, while_down: impl AsyncFnOnce(&Intake)) -> Sandbox {
        let addr = self.notification.local_addr();
        let Sandbox {
            intake,
            resolution,
            notification,
            feedback,
            mail_dir,
            notification_config,
            intake_config,
            _mail,
            _dbs,
        } = self;
        notification.shutdown().await;
        while_down(&intake).await;
        let listener = TcpListener::bind(addr).await.unwrap_or_else(|e| panic!("rebind {addr}: {e}"));
        let notification = Notification::start_on(notification_config.clone(), listener)
            .await
            .unwrap_or_else(|e| panic!("notification: {e:#}"));
        Sandbox {
            intake,
            resolution,
            notification,
            feedback,
            mail_dir,
            notification_config,
            intake_config,
            _mail,
            _dbs,
        }
    }

    /// Crashes intake (an abort, mid-round, as a killed process) and starts
    /// it again on the same database and address, its configuration adjusted
    /// by `tweak`.
    pub async fn restart_intake(self, tweak: impl FnOnce(&mut IntakeConfig)) -> Sandbox {
        let Sandbox {
            intake,
            resolution,
            notification,
            feedback,
            mail_dir,
            notification_config,
            mut intake_config,
            _mail,
            _dbs,
        } = self;
        let addr = intake.local_addr();
        intake.abort();
        tweak(&mut intake_config);
        let mut listener = None;
        for _ in 0..50 {
            match TcpListener::bind(addr).await {
                Ok(l) => {
                    listener = Some(l);
                    break;
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
        let listener = listener.unwrap_or_else(|| panic!("intake's address {addr} stayed taken"));
        let intake =
            Intake::start_on(intake_config.clone(), listener).await.unwrap_or_else(|e| panic!("intake: {e:#}"));
        Sandbox {
            intake,
            resolution,
            notification,
            feedback,
            mail_dir,
            notification_config,
            intake_config,
            _mail,
            _dbs,
        }
    }

    /// Stops every service gracefully.
    pub async fn shutdown(self) {
        self.intake.shutdown().await;
        self.resolution.shutdown().await;
        self.notification.shutdown().await;
        self.feedback.shutdown().await;
    }
}

/// An RFC 5322 message with its MIME body parts decoded: headers stay as
/// written, each part's body is decoded by its Content-Transfer-Encoding.
pub fn decode_email(raw: &str) -> String {
    let mut out = String::new();
    let mut encoding = String::new();
    let mut in_body = false;
    let mut body: Vec<&str> = Vec::new();
    for line in raw.split('\n').map(|l| l.trim_end_matches('\r')) {
        if line.starts_with("--") {
            out.push_str(&decode_part(&encoding, &body));
            body.clear();
            encoding.clear();
            in_body = false;
            continue;
        }
        if in_body {
            body.push(line);
        } else if line.is_empty() {
            in_body = true;
        } else {
            if let Some(v) = line.strip_prefix("Content-Transfer-Encoding:") {
                encoding = v.trim().to_ascii_lowercase();
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(&decode_part(&encoding, &body));
    out
}

fn decode_part(encoding: &str, lines: &[&str]) -> String {
    use base64::Engine as _;
    match encoding {
        "base64" => {
            let joined: String = lines.concat();
            let bytes = base64::engine::general_purpose::STANDARD.decode(joined.trim()).unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        "quoted-printable" => {
            let joined = lines.join("\r\n");
            let bytes = joined.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' {
                    if bytes[i + 1..].starts_with(b"\r\n") {
                        i += 3;
                        continue;
                    }
                    let hex = joined.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(b) = hex {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                }
                out.push(bytes[i]);
                i += 1;
            }
            String::from_utf8_lossy(&out).into_owned()
        }
        _ => lines.join("\n"),
    }
}

#[doc(hidden)]
pub use redress_testkit as __testkit;

/// Runs each named `async fn(Backend)` scenario as two tests, `sqlite::<name>`
/// and `postgres::<name>` (on a multi-threaded runtime: the four services
/// and the test share it). The PostgreSQL one says SKIPPED only when
/// `REDRESS_TEST_POSTGRES=skip`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    $crate::__testkit::init_test_logging();
                    super::$name($crate::__testkit::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if $crate::__testkit::postgres_skipped() {
                        eprintln!("SKIPPED (REDRESS_TEST_POSTGRES=skip): {}", stringify!($name));
                        return;
                    }
                    $crate::__testkit::init_test_logging();
                    super::$name($crate::__testkit::Backend::Postgres).await;
                }
            )+
        }
    };
}

//! `redress dev`: every Redress service that exists, in one process, each on
//! its own port and its own SQLite file in the data folder, trusting one
//! development secret. Prints where to call them and a token per role.
//!
//! A new service is one line in [`SERVICES`] (plus its `--<name>-port`
//! option): the peers of every other service find it from the table.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, bail};
use clap::Args;
use futures::future::BoxFuture;
use redress_auth::Role;
use redress_config::Secret;
use redress_feedback::Feedback;
use redress_intake::Intake;
use redress_notification::{Notification, config::EmailTransport};
use redress_outbox::PeerConfig;
use redress_resolution::Resolution;

use redress_telemetry::{LogConfig, LogFormat};

use crate::{sample, secret, token};

/// The data folder when none is given.
pub const DEFAULT_DATA_DIR: &str = "./.redress-dev";
/// The tenant of the printed development tokens.
pub const DEV_TENANT: &str = "demo-casino";
/// How long the printed development tokens are valid.
const DEV_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// Arguments of `redress dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// Folder for the SQLite files and the development secret (created if missing).
    #[arg(long, default_value = DEFAULT_DATA_DIR)]
    data_dir: PathBuf,
    /// Address every service listens on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port of the intake service.
    #[arg(long, default_value_t = 50051, value_parser = clap::value_parser!(u16).range(1..))]
    intake_port: u16,
    /// Port of the resolution service.
    #[arg(long, default_value_t = 50052, value_parser = clap::value_parser!(u16).range(1..))]
    resolution_port: u16,
    /// Port of the notification service.
    #[arg(long, default_value_t = 50053, value_parser = clap::value_parser!(u16).range(1..))]
    notification_port: u16,
    /// Port of the feedback service.
    #[arg(long, default_value_t = 50054, value_parser = clap::value_parser!(u16).range(1..))]
    feedback_port: u16,
}

/// What `redress dev` hands a service to start it.
#[derive(Debug, Clone)]
pub struct DevEnv {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The service's own SQLite database.
    pub database_url: String,
    /// The HS256 secret every service trusts and signs service tokens with.
    pub secret: String,
    /// Every peer this service's outbox may call: a URL when the peer runs in
    /// this process, empty otherwise (its rows then wait).
    pub peers: BTreeMap<String, PeerConfig>,
    /// The data folder (notification writes e-mails to `<data-dir>/mail`).
    pub data_dir: PathBuf,
}

/// A started service: how to stop it gracefully.
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    stop: Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>,
}

/// A service `redress dev` can run.
struct Service {
    /// The service name, also its key in the other services' `[outbox.peers]`.
    name: &'static str,
    /// Its port, from the command line.
    port: fn(&DevArgs) -> u16,
    /// Starts it.
    start: fn(DevEnv) -> BoxFuture<'static, anyhow::Result<Running>>,
}

/// Every service that exists, in start order.
static SERVICES: &[Service] = &[
    Service { name: "intake", port: |a| a.intake_port, start: start_intake },
    Service { name: "resolution", port: |a| a.resolution_port, start: start_resolution },
    Service { name: "notification", port: |a| a.notification_port, start: start_notification },
    Service { name: "feedback", port: |a| a.feedback_port, start: start_feedback },
];

/// Every Redress service name that can appear as an outbox peer.
const ALL_SERVICE_NAMES: [&str; 4] = ["intake", "resolution", "notification", "feedback"];

fn start_intake(env: DevEnv) -> BoxFuture<'static, anyhow::Result<Running>> {
    Box::pin(async move {
        let mut config = settings::<Intake>()?;
        config.server.listen = env.listen.to_string();
        config.database.url = Secret::new(env.database_url);
        config.auth.hs256_secret = Secret::new(env.secret);
        config.outbox.peers = env.peers;
        launch::<Intake>(config).await
    })
}

fn start_resolution(env: DevEnv) -> BoxFuture<'static, anyhow::Result<Running>> {
    Box::pin(async move {
        let mut config = settings::<Resolution>()?;
        config.server.listen = env.listen.to_string();
        config.database.url = Secret::new(env.database_url);
        config.auth.hs256_secret = Secret::new(env.secret);
        config.outbox.peers = env.peers;
        launch::<Resolution>(config).await
    })
}

/// A service's settings as its own binary would load them (defaults, then
/// `REDRESS_<SERVICE>__…` variables), so relay, limits and timeouts set in
/// the environment apply in development too; `redress dev` then sets the
/// address, database, secret and peers itself.
fn settings<S: redress_service::Service>() -> anyhow::Result<S::Config> {
    redress_service::load_config::<S>(&redress_config::Sources::default())
        .with_context(|| format!("{} settings (REDRESS_{}__…)", S::NAME, S::NAME.to_ascii_uppercase()))
}

/// Starts any Redress service the way its own binary would.
async fn launch<S: redress_service::Service>(config: S::Config) -> anyhow::Result<Running> {
    let service = S::start(config).await?;
    Ok(Running { addr: service.local_addr(), stop: Box::new(move || Box::pin(service.shutdown())) })
}

/// Where `redress dev` writes e-mails instead of sending them.
pub fn mail_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("mail")
}

fn start_notification(env: DevEnv) -> BoxFuture<'static, anyhow::Result<Running>> {
    Box::pin(async move {
        let mut config = settings::<Notification>()?;
        config.server.listen = env.listen.to_string();
        config.database.url = Secret::new(env.database_url);
        config.auth.hs256_secret = Secret::new(env.secret);
        // Development never sends real e-mail: each message becomes an .eml file.
        config.email.transport = EmailTransport::File;
        config.email.file_dir = mail_dir(&env.data_dir);
        // Webhook endpoints registered with `redress webhooks create` keep
        // their secrets encrypted under a key kept in the data folder.
        if config.webhook_secret_key_file.is_none() {
            config.webhook_secret_key_file = Some(secret::webhook_key_file(&env.data_dir)?);
        }
        launch::<Notification>(config).await
    })
}

fn start_feedback(env: DevEnv) -> BoxFuture<'static, anyhow::Result<Running>> {
    Box::pin(async move {
        let mut config = settings::<Feedback>()?;
        config.server.listen = env.listen.to_string();
        config.database.url = Secret::new(env.database_url);
        config.auth.hs256_secret = Secret::new(env.secret);
        config.outbox.peers = env.peers;
        launch::<Feedback>(config).await
    })
}

/// One service as `redress dev` will start it.
struct Planned {
    service: &'static Service,
    env: DevEnv,
    database_file: PathBuf,
}

/// Works out every service's address, database and peers.
fn plan(args: &DevArgs, data_dir: &Path, secret: &str) -> anyhow::Result<Vec<Planned>> {
    let mut ports = BTreeMap::new();
    for service in SERVICES {
        let port = (service.port)(args);
        if let Some(other) = ports.insert(port, service.name) {
            bail!("{other} and {} cannot both listen on port {port}", service.name);
        }
    }
    let connect_host = connectable(args.host);
    let urls: BTreeMap<&str, String> = SERVICES
        .iter()
        .map(|s| (s.name, format!("http://{}", SocketAddr::new(connect_host, (s.port)(args)))))
        .collect();
    Ok(SERVICES
        .iter()
        .map(|service| {
            let peers = ALL_SERVICE_NAMES
                .iter()
                .filter(|name| **name != service.name)
                .map(|name| {
                    let url = urls.get(name).cloned().unwrap_or_default();
                    ((*name).to_owned(), PeerConfig { url })
                })
                .collect();
            let database_file = data_dir.join(format!("{}.db", service.name));
            Planned {
                service,
                env: DevEnv {
                    listen: SocketAddr::new(args.host, (service.port)(args)),
                    database_url: sqlite_url(&database_file),
                    secret: secret.to_owned(),
                    peers,
                    data_dir: data_dir.to_path_buf(),
                },
                database_file,
            }
        })
        .collect())
}

/// The address a client uses for a server listening on `host`.
fn connectable(host: IpAddr) -> IpAddr {
    match host {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

/// `sqlite://<path>?mode=rwc`, with the characters the URL parser would
/// misread percent-encoded (the driver decodes them again).
fn sqlite_url(path: &Path) -> String {
    let mut encoded = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => {
                let _ = write!(encoded, "%{:02X}", c as u32);
            }
            c => encoded.push(c),
        }
    }
    format!("sqlite://{encoded}?mode=rwc")
}

/// Telemetry for the whole process: each service's spans carry its own
/// `service.name` (`intake`, …, as its standalone binary's do), anything
/// else `redress-dev`; readable logs, coloured only on a terminal.
fn telemetry_options() -> redress_telemetry::Options {
    let mut options =
        redress_telemetry::Options::new("redress-dev", &LogConfig { level: "info".into(), format: LogFormat::Pretty });
    options.services = SERVICES.iter().map(|s| s.name.to_owned()).collect();
    options
}

/// Runs until SIGINT or SIGTERM.
pub async fn run(args: DevArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create the data folder {}", args.data_dir.display()))?;
    let data_dir = args
        .data_dir
        .canonicalize()
        .with_context(|| format!("cannot resolve the data folder {}", args.data_dir.display()))?;
    let _telemetry = redress_telemetry::init_with(telemetry_options());
    let (secret, origin) = secret::load_or_create(&data_dir)?;
    if origin == secret::Origin::Created {
        tracing::info!(file = %secret::path(&data_dir).display(), "generated a new development secret");
    }

    let plan = plan(&args, &data_dir, &secret)?;
    let mut running: Vec<(&'static str, Running)> = Vec::new();
    for planned in &plan {
        let name = planned.service.name;
        match (planned.service.start)(planned.env.clone()).await {
            Ok(service) => running.push((name, service)),
            Err(err) => {
                stop_all(running).await;
                return Err(err.context(format!("cannot start {name} on {}", planned.env.listen)));
            }
        }
    }

    let banner = banner(&data_dir, &secret, origin, &plan, &running);
    match banner {
        Ok(text) => println!("{text}"),
        Err(err) => {
            stop_all(running).await;
            return Err(err);
        }
    }

    redress_server::shutdown_signal().await;
    stop_all(running).await;
    tracing::info!("all services stopped");
    Ok(())
}

/// Stops services in reverse start order.
async fn stop_all(running: Vec<(&'static str, Running)>) {
    for (name, service) in running.into_iter().rev() {
        tracing::info!(service = name, "stopping");
        (service.stop)().await;
    }
}

/// What `redress dev` prints once everything runs.
fn banner(
    data_dir: &Path,
    secret: &str,
    origin: secret::Origin,
    plan: &[Planned],
    running: &[(&'static str, Running)],
) -> anyhow::Result<String> {
    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(out, "Redress is running in development mode. Stop it with Ctrl-C.");
    let _ = writeln!(out);
    let _ = writeln!(out, "Services (gRPC, plaintext; reflection and grpc.health.v1 enabled):");
    for ((name, service), planned) in running.iter().zip(plan) {
        let addr = SocketAddr::new(connectable(service.addr.ip()), service.addr.port());
        let _ = writeln!(out, "  {name:<13} grpc://{addr:<22} db {}", planned.database_file.display());
    }
    let missing: Vec<_> =
        ALL_SERVICE_NAMES.iter().filter(|name| !SERVICES.iter().any(|s| s.name == **name)).copied().collect();
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "  not yet built: {} (outbox rows for them wait in the senders' databases)",
            missing.join(", ")
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Data folder:  {}", data_dir.display());
    let _ = writeln!(
        out,
        "E-mails:      written as .eml files to {} (no mail leaves this machine)",
        mail_dir(data_dir).display()
    );
    let state = match origin {
        secret::Origin::Created => "generated now",
        secret::Origin::Loaded => "reused",
    };
    let _ = writeln!(out, "Dev secret:   {} ({state})", secret::path(data_dir).display());
    let _ = writeln!(
        out,
        "Webhook key:  {} (encrypts the signing secrets of `redress webhooks` endpoints)",
        data_dir.join(secret::WEBHOOK_KEY_FILE_NAME).display()
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Development tokens (tenant {DEV_TENANT}, valid {} days; more with `redress token`):",
        DEV_TOKEN_TTL.as_secs() / 86_400
    );
    let mut backend_token = String::new();
    for role in Role::ALL {
        let minted = token::mint(secret, DEV_TENANT, &format!("dev-{role}"), &[role], DEV_TOKEN_TTL)?;
        let _ = writeln!(out, "  {:<11} {minted}", role.as_str());
        if role == Role::Backend {
            backend_token = minted;
        }
    }
    if let Some((_, intake)) = running.iter().find(|(name, _)| *name == "intake") {
        let addr = SocketAddr::new(connectable(intake.addr.ip()), intake.addr.port());
        let request_id = uuid::Uuid::now_v7().to_string();
        let request = sample::submit_request(&request_id, "player-1001", "wd-2026-0001");
        let _ = writeln!(out);
        let _ = writeln!(out, "Submit a complaint as the casino backend:");
        let _ = writeln!(out);
        let _ = writeln!(out, "  TOKEN={backend_token}");
        let _ = writeln!(
            out,
            "  grpcurl -plaintext -H \"authorization: Bearer $TOKEN\" -d '{}' {addr} redress.intake.v1.IntakeService/SubmitComplaint",
            sample::to_json(&request)
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Load test: redress bench submit --target http://{addr} --token \"$TOKEN\" --concurrency 32 --duration-secs 20"
        );
        let _ = writeln!(
            out,
            "Webhooks (live chat, in-app, SMS): redress webhooks create --url http://127.0.0.1:8080/redress --token \"$TOKEN\""
        );
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args(host: &str) -> DevArgs {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            dev: DevArgs,
        }
        Cli::try_parse_from(["t", "--host", host]).unwrap().dev
    }

    #[test]
    fn intake_gets_its_own_database_and_every_peer_running_here() {
        let plan = plan(&args("127.0.0.1"), Path::new("/data/dev"), "s").unwrap();
        let intake = plan.iter().find(|p| p.service.name == "intake").unwrap();
        assert_eq!(intake.env.listen, "127.0.0.1:50051".parse().unwrap());
        assert_eq!(intake.env.database_url, "sqlite:///data/dev/intake.db?mode=rwc");
        assert_eq!(intake.env.secret, "s");
        let peers: Vec<_> = intake.env.peers.iter().map(|(k, v)| (k.as_str(), v.url.as_str())).collect();
        assert_eq!(
            peers,
            [
                ("feedback", "http://127.0.0.1:50054"),
                ("notification", "http://127.0.0.1:50053"),
                ("resolution", "http://127.0.0.1:50052")
            ]
        );
    }

    #[test]
    fn peers_that_run_here_get_a_connectable_url() {
        let plan = plan(&args("0.0.0.0"), Path::new("/d"), "s").unwrap();
        let urls: BTreeMap<_, _> = plan
            .iter()
            .flat_map(|p| p.env.peers.iter().map(|(k, v)| (k.clone(), v.url.clone())))
            .filter(|(_, url)| !url.is_empty())
            .collect();
        for (name, url) in urls {
            let service = SERVICES.iter().find(|s| s.name == name).unwrap();
            assert!(url.starts_with("http://127.0.0.1:"), "{url}");
            assert!(url.ends_with(&format!(":{}", (service.port)(&args("0.0.0.0")))));
        }
        assert_eq!(connectable("0.0.0.0".parse().unwrap()), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(connectable("::".parse().unwrap()), IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(connectable("10.0.0.1".parse().unwrap()).to_string(), "10.0.0.1");
    }

    #[test]
    fn url_special_characters_in_the_data_folder_are_escaped() {
        assert_eq!(sqlite_url(Path::new("/a b/x?#%.db")), "sqlite:///a b/x%3F%23%25.db?mode=rwc");
    }

    #[test]
    fn each_service_traces_under_its_own_name() {
        let options = telemetry_options();
        assert_eq!(options.service_name, "redress-dev");
        assert_eq!(options.services, ["intake", "resolution", "notification", "feedback"]);
        assert_eq!(options.log.format, LogFormat::Pretty);
    }

    #[test]
    fn every_service_has_a_distinct_known_name() {
        let mut names: Vec<_> = SERVICES.iter().map(|s| s.name).collect();
        assert!(names.iter().all(|n| ALL_SERVICE_NAMES.contains(n)));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SERVICES.len());
    }

    #[tokio::test]
    async fn the_started_intake_accepts_a_dev_token_and_the_sample_request() {
        use redress_proto::intake::v1::intake_service_client::IntakeServiceClient;
        let dir = tempfile::tempdir().unwrap();
        let (secret, _) = secret::load_or_create(dir.path()).unwrap();
        let mut env = plan(&args("127.0.0.1"), dir.path(), &secret).unwrap().remove(0).env;
        env.listen = "127.0.0.1:0".parse().unwrap();
        let running = start_intake(env).await.unwrap();
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", running.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let token = token::mint(&secret, DEV_TENANT, "dev-backend", &[Role::Backend], DEV_TOKEN_TTL).unwrap();
        let mut request = tonic::Request::new(sample::submit_request("r-1", "player-1", "wd-1"));
        request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        let response = IntakeServiceClient::new(channel).submit_complaint(request).await.unwrap().into_inner();
        let complaint = response.complaint.unwrap();
        assert!(complaint.name.starts_with("complaints/"));
        assert!(dir.path().join("intake.db").exists());
        (running.stop)().await;
    }

    #[tokio::test]
    async fn the_started_notification_registers_webhook_endpoints_under_a_kept_key() {
        use redress_proto::notification::v1::{
            CreateWebhookEndpointRequest, WebhookEndpoint, notification_service_client::NotificationServiceClient,
        };
        let dir = tempfile::tempdir().unwrap();
        let (secret, _) = secret::load_or_create(dir.path()).unwrap();
        let planned = plan(&args("127.0.0.1"), dir.path(), &secret).unwrap();
        let mut env = planned.into_iter().find(|p| p.service.name == "notification").unwrap().env;
        env.listen = "127.0.0.1:0".parse().unwrap();
        let running = start_notification(env.clone()).await.unwrap();
        let key_file = dir.path().join(secret::WEBHOOK_KEY_FILE_NAME);
        let key = std::fs::read_to_string(&key_file).unwrap();
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", running.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let token = token::mint(&secret, DEV_TENANT, "dev-backend", &[Role::Backend], DEV_TOKEN_TTL).unwrap();
        let mut request = tonic::Request::new(CreateWebhookEndpointRequest {
            request_id: "r-1".into(),
            webhook_endpoint: Some(WebhookEndpoint {
                url: "http://127.0.0.1:8080/redress".into(),
                ..Default::default()
            }),
        });
        request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        let created = NotificationServiceClient::new(channel).create_webhook_endpoint(request).await.unwrap();
        assert!(created.into_inner().secret.starts_with("whsec_"));
        (running.stop)().await;
        // A restart keeps the key, so stored secrets stay readable.
        let running = start_notification(env).await.unwrap();
        assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key);
        (running.stop)().await;
    }
}

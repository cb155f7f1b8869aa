//! Starting resolution for a test, a recording peer for its outbox, and
//! request builders.

use std::{net::SocketAddr, time::Duration};

use chrono::Utc;
use redress_auth::Role;
use redress_outbox::PeerConfig;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintKind, Deadlines, Player, Priority, TransactionReferences},
    resolution::v1::{
        Case, GetCaseRequest, OpenCaseRequest, resolution_internal_service_client::ResolutionInternalServiceClient,
        resolution_service_client::ResolutionServiceClient,
    },
};
use redress_resolution::{Resolution, ResolutionConfig};
use redress_testkit::{TestDb, auth_config, authed, token};
use tonic::{Request, Status, transport::Channel as GrpcChannel};

pub const TENANT: &str = "casino-a";
pub const OTHER_TENANT: &str = "casino-b";

/// A running resolution and clients for it.
pub struct TestResolution {
    pub resolution: Resolution,
    pub client: ResolutionServiceClient<GrpcChannel>,
    pub internal: ResolutionInternalServiceClient<GrpcChannel>,
    pub agent: String,
    pub supervisor: String,
    pub service: String,
}

/// Resolution's configuration for a test database, with peers at `peer`.
pub fn config(db: &TestDb, peer: Option<SocketAddr>) -> ResolutionConfig {
    let mut config = ResolutionConfig::default();
    config.server.listen = "127.0.0.1:0".into();
    config.database = db.config.clone();
    config.auth = auth_config();
    config.outbox.initial_backoff_ms = 50;
    config.outbox.max_backoff_ms = 200;
    config.outbox.poll_interval_ms = 100;
    // Tests drive the sweeper themselves.
    config.sweep_interval_ms = 0;
    config.evidence_janitor_interval_ms = 0;
    let url = peer.map(|a| format!("http://{a}")).unwrap_or_default();
    for name in ["intake", "notification", "feedback"] {
        config.outbox.peers.insert(name.into(), PeerConfig { url: url.clone() });
    }
    config
}

impl TestResolution {
    pub async fn start(db: &TestDb) -> TestResolution {
        Self::start_with(config(db, None)).await
    }

    pub async fn start_with(config: ResolutionConfig) -> TestResolution {
        let resolution = Resolution::start(config).await.unwrap();
        let channel = redress_testkit::channel(resolution.local_addr());
        TestResolution {
            resolution,
            client: ResolutionServiceClient::new(channel.clone()),
            internal: ResolutionInternalServiceClient::new(channel),
            agent: token(TENANT, &[Role::Agent]),
            supervisor: token(TENANT, &[Role::Supervisor]),
            service: token(TENANT, &[Role::Service]),
        }
    }

    /// A request from an agent of `TENANT`.
    pub fn agent<T>(&self, message: T) -> Request<T> {
        authed(message, &self.agent)
    }

    /// A request from a supervisor of `TENANT`.
    pub fn supervisor<T>(&self, message: T) -> Request<T> {
        authed(message, &self.supervisor)
    }

    /// A request from another Redress service of `TENANT`.
    pub fn service<T>(&self, message: T) -> Request<T> {
        authed(message, &self.service)
    }

    /// Opens a case as intake would.
    pub async fn open(&mut self, request: OpenCaseRequest) -> Case {
        let request = self.service(request);
        self.internal.open_case(request).await.unwrap().into_inner().case.unwrap()
    }

    /// Reads a case.
    pub async fn get(&mut self, name: &str) -> Case {
        let request = self.agent(GetCaseRequest { name: name.into() });
        self.client.get_case(request).await.unwrap().into_inner().case.unwrap()
    }
}

/// OpenCase for a withdrawal complaint of a player under `jurisdiction`,
/// submitted now, with the deadlines intake would compute.
pub fn open_request(complaint: &str, jurisdiction: &str) -> OpenCaseRequest {
    let table = redress_policy::PolicyTable::shipped().unwrap();
    let now = Utc::now();
    let d = table.deadlines(jurisdiction, false, now);
    let ts = |t: chrono::DateTime<Utc>| prost_types::Timestamp { seconds: t.timestamp(), nanos: 0 };
    OpenCaseRequest {
        complaint: format!("complaints/{complaint}"),
        complaint_reference: format!("RDR-2026-{complaint}"),
        player: Some(Player {
            player_id: format!("player-{complaint}"),
            display_name: "Anna".into(),
            email: "anna@example.com".into(),
            language_code: "en".into(),
            jurisdiction: jurisdiction.into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("w-{complaint}"),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        priority: Priority::Normal.into(),
        kind: ComplaintKind::Complaint.into(),
        channel: Channel::Email.into(),
        subject: "withdrawal missing".into(),
        description: "my withdrawal of 500 has been pending for 10 days".into(),
        deadlines: Some(Deadlines {
            acknowledge_due_time: Some(ts(d.acknowledge_due)),
            final_response_due_time: Some(ts(d.final_response_due)),
            policy_jurisdiction: d.jurisdiction,
            policy_version: d.version,
        }),
        submit_time: Some(ts(now)),
        ..Default::default()
    }
}

pub use redress_testkit::RecordingPeer;

/// Waits until the relay delivered every outbox row.
pub async fn drained(t: &TestResolution) {
    let relay = t.resolution.relay().clone();
    assert!(
        redress_testkit::eventually(Duration::from_secs(15), || async { relay.pending().await.unwrap() == 0 }).await,
        "outbox not drained"
    );
}

/// The `ErrorInfo` reason and metadata of a status.
pub fn error_info(status: &Status) -> (String, std::collections::HashMap<String, String>) {
    use tonic_types::StatusExt;
    let details = status.get_error_details();
    let info = details.error_info().cloned().unwrap();
    (info.reason, info.metadata)
}

//! Starting intake for a test, a recording peer for its outbox, and request
//! builders.

use std::net::SocketAddr;

use redress_auth::Role;
use redress_intake::{Intake, IntakeConfig};
use redress_outbox::PeerConfig;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
};
use redress_testkit::{TestDb, auth_config, authed, token};
use tonic::{Request, transport::Channel as GrpcChannel};

pub const TENANT: &str = "casino-a";
pub const OTHER_TENANT: &str = "casino-b";

/// A running intake and a client for it.
pub struct TestIntake {
    pub intake: Intake,
    pub client: IntakeServiceClient<GrpcChannel>,
    pub backend: String,
}

/// Intake's configuration for a test database, with peers at `peer`.
pub fn config(db: &TestDb, peer: Option<SocketAddr>) -> IntakeConfig {
    let mut config = IntakeConfig::default();
    config.server.listen = "127.0.0.1:0".into();
    config.database = db.config.clone();
    config.auth = auth_config();
    config.outbox.initial_backoff_ms = 50;
    config.outbox.max_backoff_ms = 200;
    config.outbox.poll_interval_ms = 100;
    let url = peer.map(|a| format!("http://{a}")).unwrap_or_default();
    for name in ["resolution", "notification", "feedback"] {
        config.outbox.peers.insert(name.into(), PeerConfig { url: url.clone() });
    }
    config
}

impl TestIntake {
    pub async fn start(db: &TestDb) -> TestIntake {
        Self::start_with(config(db, None)).await
    }

    pub async fn start_with(config: IntakeConfig) -> TestIntake {
        let intake = Intake::start(config).await.unwrap();
        let client = IntakeServiceClient::new(redress_testkit::channel(intake.local_addr()));
        TestIntake { intake, client, backend: token(TENANT, &[Role::Backend]) }
    }

    /// A request from the casino backend of `TENANT`.
    pub fn req<T>(&self, message: T) -> Request<T> {
        authed(message, &self.backend)
    }
}

/// A valid withdrawal complaint from a Polish player.
pub fn withdrawal_complaint(request_id: &str, player_id: &str, withdrawal_id: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: request_id.into(),
        player: Some(Player {
            player_id: player_id.into(),
            display_name: "Anna".into(),
            email: "anna@example.pl".into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: withdrawal_id.into(),
            payment_method: "blik".into(),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Wypłata nie dotarła".into(),
        description: "Moja wypłata 500 PLN czeka od 10 dni.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

pub use redress_testkit::RecordingPeer;
pub use redress_testkit::free_port;

//! For tests: a real resolution service in-process on 127.0.0.1:0 with a
//! throwaway SQLite database, and cases opened in it as intake would.

#![allow(clippy::unwrap_used)]

use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintKind, Player, Priority, TransactionReferences},
    resolution::v1::{Case, OpenCaseRequest, resolution_internal_service_client::ResolutionInternalServiceClient},
};
use redress_resolution::{Resolution, ResolutionConfig};
use redress_testkit::{TestDb, auth_config, authed, token};

use crate::remote::Remote;

/// The tenant the tests' cases belong to.
pub const TENANT: &str = "casino-a";

/// A running resolution service; the database lives as long as it.
pub struct RunningResolution {
    pub resolution: Resolution,
    _db: TestDb,
}

impl RunningResolution {
    pub async fn start() -> RunningResolution {
        let db = TestDb::sqlite();
        let mut config = ResolutionConfig::default();
        config.server.listen = "127.0.0.1:0".into();
        config.database = db.config.clone();
        config.auth = auth_config();
        // The tests drive nothing on a timer.
        config.sweep_interval_ms = 0;
        let resolution = Resolution::start(config).await.unwrap();
        RunningResolution { resolution, _db: db }
    }

    /// `--resolution`/`--token` for a caller of [`TENANT`] with `roles`.
    pub fn target(&self, roles: &[Role]) -> Remote {
        Remote {
            resolution: format!("http://{}", self.resolution.local_addr()),
            ..Remote::with_token(&token(TENANT, roles))
        }
    }

    /// Opens a withdrawal complaint's case through the internal OpenCase, as
    /// intake does, for a player under `jurisdiction`.
    pub async fn open_case(&self, complaint: &str, jurisdiction: &str) -> Case {
        let mut internal = ResolutionInternalServiceClient::new(redress_testkit::channel(self.resolution.local_addr()));
        let request = OpenCaseRequest {
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
            subject: "withdrawal missing, 10 days".into(),
            description: "my withdrawal of 500 has been pending for 10 days".into(),
            ..Default::default()
        };
        let request = authed(request, &token(TENANT, &[Role::Service]));
        internal.open_case(request).await.unwrap().into_inner().case.unwrap()
    }
}

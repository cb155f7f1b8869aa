//! gRPC health and reflection come from the shared chassis.

use std::time::Duration;

use redress_testkit::{TestDb, backend_tests, eventually};
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

use crate::helpers::{TestNotification, config, free_port};

async fn health_reports_both_services_serving(db: TestDb) {
    let t = TestNotification::start(config(&db, free_port())).await;
    let health = HealthClient::new(redress_testkit::channel(t.service.local_addr()));
    for name in ["redress.notification.v1.NotificationService", "redress.notification.v1.NotificationInternalService"] {
        let serving = eventually(Duration::from_secs(10), || {
            let mut health = health.clone();
            async move {
                health
                    .check(HealthCheckRequest { service: name.into() })
                    .await
                    .is_ok_and(|r| r.into_inner().status() == ServingStatus::Serving)
            }
        })
        .await;
        assert!(serving, "{name} is not SERVING");
    }
    t.service.shutdown().await;
}

backend_tests!(health_reports_both_services_serving);

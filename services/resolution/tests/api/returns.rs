//! Regulatory returns: UKGC counts and the MGA list of disputes referred to
//! ADR, from the tenant's cases.

use chrono::{Duration, Utc};
use redress_proto::{
    common::v1::{ComplaintCategory, Outcome, RootCause},
    resolution::v1::{
        GetRegulatoryReturnRequest, RecordAdrOutcomeRequest, ReferToAdrRequest, Regulator, ResolveCaseRequest,
        get_regulatory_return_response::Report,
    },
};
use redress_testkit::{TestDb, backend_tests};
use tonic::Code;

use crate::helpers::{TestResolution, open_request};

fn ts(t: chrono::DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: t.timestamp(), nanos: 0 }
}

async fn resolve_and_refer(t: &mut TestResolution, name: &str, adr_body: &str) {
    let request = t.agent(ResolveCaseRequest {
        name: name.into(),
        request_id: format!("{name}-f"),
        outcome: Outcome::NotUpheld.into(),
        root_cause: RootCause::Policy.into(),
        final_response: "we cannot refund this".into(),
        ..Default::default()
    });
    t.client.resolve_case(request).await.unwrap();
    let request = t.agent(ReferToAdrRequest {
        name: name.into(),
        request_id: format!("{name}-a"),
        adr_body: adr_body.into(),
        adr_reference: format!("{adr_body}-{name}"),
        ..Default::default()
    });
    t.client.refer_to_adr(request).await.unwrap();
}

async fn returns_count_complaints_disputes_and_referrals(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    t.open(open_request("g1", "GB")).await;
    let mut bonus = open_request("g2", "GB");
    bonus.category = ComplaintCategory::Bonus.into();
    let g2 = t.open(bonus).await;
    resolve_and_refer(&mut t, &g2.name, "IBAS").await;
    let m1 = t.open(open_request("m1", "MT")).await;
    resolve_and_refer(&mut t, &m1.name, "MGA Player Support").await;
    let request = t.agent(RecordAdrOutcomeRequest {
        name: m1.name.clone(),
        request_id: "o".into(),
        outcome: Outcome::PartiallyUpheld.into(),
        binding: true,
        conclusion: "half of the winnings are due".into(),
        ..Default::default()
    });
    t.client.record_adr_outcome(request).await.unwrap();

    let now = Utc::now();
    let period = |regulator: Regulator, from, to| GetRegulatoryReturnRequest {
        regulator: regulator.into(),
        period_start_time: Some(ts(from)),
        period_end_time: Some(ts(to)),
    };
    let ukgc = t
        .client
        .get_regulatory_return(t.supervisor(period(Regulator::Ukgc, now - Duration::days(1), now + Duration::days(1))))
        .await
        .unwrap()
        .into_inner();
    let Some(Report::Ukgc(figures)) = ukgc.report else { panic!("not a ukgc return") };
    assert_eq!((figures.complaints, figures.disputes, figures.disputes_referred_to_adr), (2, 1, 1));
    assert_eq!(figures.categories.len(), 2);
    let bonus = figures.categories.iter().find(|c| c.category() == ComplaintCategory::Bonus).unwrap();
    assert_eq!((bonus.complaints, bonus.disputes, bonus.disputes_referred_to_adr), (1, 1, 1));

    let mga = t
        .client
        .get_regulatory_return(t.supervisor(period(Regulator::Mga, now - Duration::days(1), now + Duration::days(1))))
        .await
        .unwrap()
        .into_inner();
    let Some(Report::Mga(report)) = mga.report else { panic!("not an mga report") };
    assert_eq!(report.entries.len(), 1);
    let entry = &report.entries[0];
    assert_eq!(entry.player_id, "player-m1");
    assert_eq!(entry.outcome(), Outcome::PartiallyUpheld);
    assert_eq!(entry.conclusion, "half of the winnings are due");
    assert_eq!(entry.case, m1.name);

    // An earlier period has nothing; bad periods and roles are refused.
    let past = period(Regulator::Ukgc, now - Duration::days(30), now - Duration::days(20));
    let empty = t.client.get_regulatory_return(t.supervisor(past)).await.unwrap().into_inner();
    assert_eq!(empty.report, Some(Report::Ukgc(Default::default())));
    let backwards = period(Regulator::Ukgc, now, now - Duration::days(1));
    assert_eq!(
        t.client.get_regulatory_return(t.supervisor(backwards)).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let too_long = period(Regulator::Mga, now - Duration::days(400), now);
    assert_eq!(t.client.get_regulatory_return(t.supervisor(too_long)).await.unwrap_err().code(), Code::InvalidArgument);
    let agent = period(Regulator::Ukgc, now - Duration::days(1), now);
    assert_eq!(t.client.get_regulatory_return(t.agent(agent)).await.unwrap_err().code(), Code::PermissionDenied);
    t.resolution.shutdown().await;
}

backend_tests!(returns_count_complaints_disputes_and_referrals);

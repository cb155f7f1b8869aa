//! Every path of a case, driven through the real services from a complaint
//! filed at intake, with intake showing the player the right status at each
//! step: rejected then referred to ADR; information requested (the clock
//! paused) then answered by the player (resumed); a breach escalated by the
//! sweeper; a Polish complaint deemed accepted under a simulated clock; and a
//! reopened case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{
        Channel, ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome, Player, RootCause, TransactionReferences,
    },
    intake::v1::{AddPlayerMessageRequest, GetComplaintRequest, SubmitComplaintRequest},
    resolution::v1::{
        Case, GetCaseRequest, ListCasesRequest, ReferToAdrRequest, ReopenCaseRequest, RequestInformationRequest,
        ResolveCaseRequest, case::State, clock::Kind,
    },
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);

struct Flow {
    s: Sandbox,
    casino: String,
    agent: String,
}

impl Flow {
    async fn start(backend: Backend) -> Flow {
        let s = Sandbox::start(backend).await;
        let casino = s.token(&[Role::Backend]);
        let agent = s.token(&[Role::Agent, Role::Supervisor]);
        Flow { s, casino, agent }
    }

    /// Files a complaint and returns (complaint name, case name).
    async fn file(&self, id: &str, jurisdiction: &str) -> (String, String) {
        let complaint = self
            .s
            .intake()
            .submit_complaint(authed(
                SubmitComplaintRequest {
                    request_id: id.into(),
                    player: Some(Player {
                        player_id: format!("player-{id}"),
                        email: format!("{id}@example.com"),
                        language_code: if jurisdiction == "PL" { "pl" } else { "en" }.into(),
                        jurisdiction: jurisdiction.into(),
                        preferred_channel: Channel::Email.into(),
                        ..Default::default()
                    }),
                    transaction_references: Some(TransactionReferences {
                        withdrawal_id: format!("W-{id}"),
                        ..Default::default()
                    }),
                    category: ComplaintCategory::Withdrawal.into(),
                    subject: "Withdrawal".into(),
                    description: "My withdrawal was not paid.".into(),
                    channel: Channel::Email.into(),
                    ..Default::default()
                },
                &self.casino,
            ))
            .await
            .unwrap()
            .into_inner()
            .complaint
            .unwrap()
            .name;
        let find = || async {
            self.s
                .resolution()
                .list_cases(authed(
                    ListCasesRequest { complaint: complaint.clone(), ..Default::default() },
                    &self.agent,
                ))
                .await
                .ok()
                .and_then(|r| r.into_inner().cases.into_iter().next())
        };
        assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case for {complaint}");
        (complaint.clone(), find().await.unwrap().name)
    }

    async fn case(&self, name: &str) -> Case {
        self.s
            .resolution()
            .get_case(authed(GetCaseRequest { name: name.into() }, &self.agent))
            .await
            .unwrap()
            .into_inner()
            .case
            .unwrap()
    }

    async fn player_sees(&self, complaint: &str, want: ComplaintStatus) {
        let status = || async {
            self.s
                .intake()
                .get_complaint(authed(GetComplaintRequest { name: complaint.into() }, &self.casino))
                .await
                .unwrap()
                .into_inner()
                .complaint
                .unwrap()
                .status()
        };
        let ok = eventually(WAIT, || async { status().await == want }).await;
        assert!(ok, "intake shows {:?}, not {want:?}", status().await);
    }

    async fn resolve(&self, case: &str, id: &str, outcome: Outcome, adr_body: &str) {
        let etag = self.case(case).await.etag;
        self.s
            .resolution()
            .resolve_case(authed(
                ResolveCaseRequest {
                    name: case.into(),
                    request_id: id.into(),
                    outcome: outcome.into(),
                    root_cause: RootCause::Policy.into(),
                    final_response: "Our final response.".into(),
                    adr_body: adr_body.into(),
                    etag,
                    ..Default::default()
                },
                &self.agent,
            ))
            .await
            .unwrap();
    }
}

fn final_clock(case: &Case) -> redress_proto::resolution::v1::Clock {
    case.clocks.iter().rev().find(|c| c.kind() == Kind::FinalResponse).cloned().unwrap()
}

async fn rejected_then_referred_to_adr(backend: Backend) {
    let f = Flow::start(backend).await;
    let (complaint, case) = f.file("adr", "GB").await;
    f.resolve(&case, "resolve", Outcome::NotUpheld, "IBAS").await;
    f.player_sees(&complaint, ComplaintStatus::Resolved).await;
    let etag = f.case(&case).await.etag;
    f.s.resolution()
        .refer_to_adr(authed(
            ReferToAdrRequest {
                name: case.clone(),
                request_id: "refer".into(),
                adr_body: "IBAS".into(),
                adr_reference: "IBAS-2026-77".into(),
                etag,
                ..Default::default()
            },
            &f.agent,
        ))
        .await
        .unwrap();
    f.player_sees(&complaint, ComplaintStatus::ReferredToAdr).await;
    let referred = f.case(&case).await;
    assert_eq!(referred.kind(), ComplaintKind::Dispute, "a referred complaint is a dispute");
    assert!(referred.clocks.iter().any(|c| c.kind() == Kind::AdrEnquiry), "the ADR enquiry clock runs");
    f.s.shutdown().await;
}

async fn information_requested_pauses_the_clock_until_the_player_answers(backend: Backend) {
    let f = Flow::start(backend).await;
    // UK rules allow the final-response clock to pause.
    let (complaint, case) = f.file("info", "GB").await;
    let etag = f.case(&case).await.etag;
    f.s.resolution()
        .request_information(authed(
            RequestInformationRequest {
                name: case.clone(),
                request_id: "ask".into(),
                body: "Please send a bank statement showing the missing payment.".into(),
                reason: "bank statement needed".into(),
                etag,
                ..Default::default()
            },
            &f.agent,
        ))
        .await
        .unwrap();
    f.player_sees(&complaint, ComplaintStatus::AwaitingPlayer).await;
    let paused = final_clock(&f.case(&case).await);
    assert!(paused.paused, "the final-response clock pauses");
    assert_eq!(paused.pause_reason, "bank statement needed");

    f.s.intake()
        .add_player_message(authed(
            AddPlayerMessageRequest {
                parent: complaint.clone(),
                request_id: "answer".into(),
                channel: Channel::Email.into(),
                body: "Statement attached.".into(),
            },
            &f.casino,
        ))
        .await
        .unwrap();
    f.player_sees(&complaint, ComplaintStatus::InProgress).await;
    let resumed = eventually(WAIT, || async { !final_clock(&f.case(&case).await).paused }).await;
    assert!(resumed, "the player's answer resumes the clock");
    assert_eq!(f.case(&case).await.state(), State::InProgress);
    f.s.shutdown().await;
}

async fn a_breach_escalates_and_a_polish_complaint_is_deemed_accepted(backend: Backend) {
    let f = Flow::start(backend).await;
    let (gb_complaint, gb_case) = f.file("breach-gb", "GB").await;
    let (pl_complaint, pl_case) = f.file("breach-pl", "PL").await;
    // Fifteen days later: the Polish 14-day deadline has passed, the UK
    // 8-week one has not (but the 24-hour acknowledgment has).
    let sweeper = f.s.resolution.sweeper().clone();
    sweeper.advance(chrono::Duration::days(15));
    sweeper.run_once().await.unwrap();

    let pl = f.case(&pl_case).await;
    assert!(pl.deemed_accepted, "an unanswered Polish complaint is deemed accepted");
    assert_eq!(pl.state(), State::Escalated);
    assert!(final_clock(&pl).breached);
    f.player_sees(&pl_complaint, ComplaintStatus::InProgress).await;

    let gb = f.case(&gb_case).await;
    assert!(!gb.deemed_accepted);
    assert!(!final_clock(&gb).breached, "eight weeks have not passed");
    assert_eq!(gb.state(), State::Escalated, "the missed acknowledgment escalates");
    f.player_sees(&gb_complaint, ComplaintStatus::InProgress).await;

    // Eight weeks on, the UK complaint's final response is overdue too.
    sweeper.advance(chrono::Duration::days(45));
    sweeper.run_once().await.unwrap();
    assert!(final_clock(&f.case(&gb_case).await).breached);
    f.s.shutdown().await;
}

async fn a_resolved_case_is_reopened(backend: Backend) {
    let f = Flow::start(backend).await;
    let (complaint, case) = f.file("reopen", "MT").await;
    f.resolve(&case, "resolve", Outcome::Upheld, "MGA Player Support").await;
    f.player_sees(&complaint, ComplaintStatus::Resolved).await;
    let etag = f.case(&case).await.etag;
    f.s.resolution()
        .reopen_case(authed(
            ReopenCaseRequest {
                name: case.clone(),
                request_id: "reopen".into(),
                reason: "the refund never arrived".into(),
                etag,
            },
            &f.agent,
        ))
        .await
        .unwrap();
    f.player_sees(&complaint, ComplaintStatus::InProgress).await;
    let reopened = f.case(&case).await;
    assert_eq!(reopened.state(), State::InProgress);
    assert_eq!(reopened.outcome(), Outcome::Unspecified, "the outcome is cleared");
    f.s.shutdown().await;
}

redress_e2e::on_both_backends!(
    rejected_then_referred_to_adr,
    information_requested_pauses_the_clock_until_the_player_answers,
    a_breach_escalates_and_a_polish_complaint_is_deemed_accepted,
    a_resolved_case_is_reopened,
);

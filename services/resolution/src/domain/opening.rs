//! What opening a case decides: the queue it waits in, its clocks and their
//! deadlines, from what intake filed and the jurisdiction's policy.

use chrono::{DateTime, Utc};
use redress_policy::JurisdictionPolicy;
use redress_proto::{
    common::v1::ComplaintCategory,
    resolution::v1::{Case, OpenCaseRequest, clock::Kind},
};

use super::{
    clocks, deadlines, from_timestamp,
    machine::{self, Decision},
    route, timestamp,
};

/// The jurisdiction a case is opened under, as the policy keys it.
pub fn jurisdiction(req: &OpenCaseRequest) -> String {
    req.player.as_ref().map(|p| p.jurisdiction.to_ascii_uppercase()).unwrap_or_default()
}

/// Opens the case `name` for the complaint in `req` under `policy` (the
/// policy of [`jurisdiction`]): routed by category and harm, with the
/// acknowledge and final-response clocks running from the submission.
/// Intake computed the deadlines at submission; they are recomputed only
/// when it sent none.
pub fn open(req: &OpenCaseRequest, policy: &JurisdictionPolicy, name: String, now: DateTime<Utc>) -> Decision {
    open_in(req, policy, name, now, None)
}

/// Like [`open`], in `queue` when the tenant's queue definitions chose one
/// (`routing::route`), else in the queue of the built-in routing.
pub fn open_in(
    req: &OpenCaseRequest,
    policy: &JurisdictionPolicy,
    name: String,
    now: DateTime<Utc>,
    queue: Option<String>,
) -> Decision {
    let submitted = req.submit_time.as_ref().and_then(from_timestamp).unwrap_or(now);
    let mut player = req.player.clone().unwrap_or_default();
    player.jurisdiction = player.jurisdiction.to_ascii_uppercase();
    let deadlines = req.deadlines.clone().unwrap_or_default();
    let ack_rule = deadlines::acknowledge(policy, req.responsible_gambling);
    let ack_due = deadlines
        .acknowledge_due_time
        .as_ref()
        .and_then(from_timestamp)
        .unwrap_or_else(|| deadlines::due(policy, ack_rule, submitted));
    let final_due = deadlines
        .final_response_due_time
        .as_ref()
        .and_then(from_timestamp)
        .unwrap_or_else(|| deadlines::due(policy, policy.final_response, submitted));
    let category = ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified);
    let body = Case {
        name,
        complaint: req.complaint.clone(),
        complaint_reference: req.complaint_reference.clone(),
        player: Some(player),
        transaction_references: req.transaction_references.clone(),
        category: req.category,
        priority: req.priority,
        kind: req.kind,
        responsible_gambling: req.responsible_gambling,
        harm_indicators: req.harm_indicators.clone(),
        channel: req.channel,
        subject: req.subject.clone(),
        description: req.description.clone(),
        disputed_amount: req.disputed_amount.clone(),
        queue: queue.unwrap_or_else(|| route(category, req.responsible_gambling).to_owned()),
        clocks: vec![
            clocks::start(Kind::Acknowledge, submitted, ack_due, deadlines::working_days(ack_rule), "escalate"),
            clocks::start(
                Kind::FinalResponse,
                submitted,
                final_due,
                deadlines::working_days(policy.final_response),
                deadlines::consequence_name(policy.on_final_response_expiry),
            ),
        ],
        deadlines: Some(deadlines),
        submit_time: Some(timestamp(submitted)),
        create_time: Some(timestamp(now)),
        update_time: Some(timestamp(now)),
        ..Default::default()
    };
    machine::open(body)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use redress_proto::{
        common::v1::{Deadlines, Player},
        resolution::v1::case::State,
    };

    use super::{super::deadlines::tests::policy, *};

    fn request(category: ComplaintCategory, responsible_gambling: bool) -> OpenCaseRequest {
        OpenCaseRequest {
            complaint: "complaints/c1".into(),
            complaint_reference: "RDR-2026-000001".into(),
            player: Some(Player { player_id: "p1".into(), jurisdiction: "gb".into(), ..Default::default() }),
            category: category.into(),
            responsible_gambling,
            ..Default::default()
        }
    }

    fn due_of(case: &Case, kind: Kind) -> Option<DateTime<Utc>> {
        let clock = case.clocks.iter().find(|c| c.kind == kind as i32)?;
        clock.due_time.as_ref().and_then(from_timestamp)
    }

    #[test]
    fn a_new_case_is_routed_and_timed_from_its_submission() {
        let now = DateTime::<Utc>::UNIX_EPOCH + Duration::days(10);
        let submitted = now - Duration::hours(2);
        let mut req = request(ComplaintCategory::Withdrawal, false);
        req.submit_time = Some(timestamp(submitted));
        let decision = open(&req, &policy(), "cases/k1".into(), now);
        let case = decision.case;
        assert_eq!(case.state, State::New as i32);
        assert_eq!(case.queue, "payments");
        assert_eq!(case.player.as_ref().map(|p| p.jurisdiction.as_str()), Some("GB"));
        assert_eq!(due_of(&case, Kind::Acknowledge), Some(submitted + Duration::hours(24)));
        assert_eq!(due_of(&case, Kind::FinalResponse), Some(submitted + Duration::days(56)));
        assert_eq!(decision.events.len(), 1, "one CASE_OPENED event");
    }

    #[test]
    fn harm_routes_first_and_acknowledges_faster() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let case = open(&request(ComplaintCategory::Withdrawal, true), &policy(), "cases/k1".into(), now).case;
        assert_eq!(case.queue, "responsible-gambling");
        assert_eq!(due_of(&case, Kind::Acknowledge), Some(now + Duration::hours(4)));
    }

    #[test]
    fn intakes_deadlines_win_over_the_policy() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let mut req = request(ComplaintCategory::Other, false);
        let ack = now + Duration::hours(3);
        req.deadlines = Some(Deadlines { acknowledge_due_time: Some(timestamp(ack)), ..Default::default() });
        let case = open(&req, &policy(), "cases/k1".into(), now).case;
        assert_eq!(due_of(&case, Kind::Acknowledge), Some(ack));
        assert_eq!(due_of(&case, Kind::FinalResponse), Some(now + Duration::days(56)));
    }

    #[test]
    fn the_jurisdiction_is_upper_case() {
        assert_eq!(jurisdiction(&request(ComplaintCategory::Other, false)), "GB");
        assert_eq!(jurisdiction(&OpenCaseRequest::default()), "");
    }
}

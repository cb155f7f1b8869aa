//! The SLA sweeper under a controllable clock: warnings at 75 % and 90 %
//! (once each), escalation at a breach, the jurisdiction's consequence, and
//! two sweepers on one database never doing the same work twice.

use chrono::{DateTime, Duration, Utc};
use redress_proto::{
    common::v1::ComplaintKind,
    notification::v1::{MessagePurpose, NotificationEvent},
    resolution::v1::{
        AssignCaseRequest, BusinessHours, CreateQueueRequest, ListCaseEventsRequest, Queue, ReferToAdrRequest,
        RespondToPlayerRequest, RoutingRule, UpdateQueueRequest, business_hours::Range, case::State, case_event::Type,
        escalation::Reason as EscalationReason,
    },
};
use redress_testkit::{TestDb, backend_tests, violated_fields};

use crate::helpers::{RecordingPeer, TestResolution, config, drained, open_request};

async fn history_types(t: &mut TestResolution, name: &str) -> Vec<Type> {
    let request = t.agent(ListCaseEventsRequest { parent: name.into(), page_size: 1000, ..Default::default() });
    t.client.list_case_events(request).await.unwrap().into_inner().events.iter().map(|e| e.r#type()).collect()
}

async fn a_polish_complaint_is_warned_then_deemed_accepted(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("pl", "PL")).await;
    let request = t.agent(RespondToPlayerRequest {
        name: case.name.clone(),
        request_id: "r".into(),
        body: "we are on it".into(),
        ..Default::default()
    });
    t.client.respond_to_player(request).await.unwrap();
    let sweeper = t.resolution.sweeper().clone();
    assert_eq!(sweeper.run_once().await.unwrap(), 0, "nothing due yet");

    // 14 calendar days: 75 % after 10.5 days, 90 % after 12.6 days.
    sweeper.advance(Duration::days(11));
    assert_eq!(sweeper.run_once().await.unwrap(), 1);
    assert_eq!(sweeper.run_once().await.unwrap(), 0, "each threshold warns once");
    let c = t.get(&case.name).await;
    assert_eq!(c.clocks[1].warned_thresholds, [75]);
    assert_eq!(c.deadline_risk(), redress_proto::resolution::v1::DeadlineRisk::AtRisk);
    sweeper.advance(Duration::days(2));
    assert_eq!(sweeper.run_once().await.unwrap(), 1);

    sweeper.advance(Duration::days(2));
    assert_eq!(sweeper.run_once().await.unwrap(), 3);
    assert_eq!(sweeper.run_once().await.unwrap(), 0);
    let c = t.get(&case.name).await;
    assert!(c.deemed_accepted);
    assert_eq!(c.state(), State::Escalated);
    assert_eq!(c.queue, "escalations");
    assert_eq!(c.escalation.as_ref().unwrap().reason(), EscalationReason::SlaBreach);
    assert!(c.clocks[1].breached);
    // A withdrawal complaint not settled in time is a dispute.
    assert_eq!(c.kind(), ComplaintKind::Dispute);
    let types = history_types(&mut t, &case.name).await;
    assert_eq!(
        types[2..],
        [Type::ClockWarned, Type::ClockWarned, Type::ClockBreached, Type::NoteAdded, Type::Escalated]
    );
    t.resolution.shutdown().await;
}

async fn a_uk_breach_tells_the_player_about_adr(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut t = TestResolution::start_with(config(&db, Some(addr))).await;
    let case = t.open(open_request("gb", "GB")).await;
    let sweeper = t.resolution.sweeper().clone();
    sweeper.advance(Duration::days(57));
    // Both clocks breach; one escalation.
    assert!(sweeper.run_once().await.unwrap() > 0);
    let c = t.get(&case.name).await;
    assert_eq!(c.state(), State::Escalated);
    assert!(c.clocks.iter().all(|k| k.breached));
    let types = history_types(&mut t, &case.name).await;
    assert_eq!(types.iter().filter(|t| **t == Type::Escalated).count(), 1);
    drained(&t).await;
    {
        let got = peer.0.lock().unwrap();
        let notice = got.notifications.iter().find(|n| n.event() == NotificationEvent::AdrRightsNotice).unwrap();
        assert_eq!(notice.purpose(), MessagePurpose::LegallyRequired);
        use redress_proto::feedback::v1::EventType;
        let mut clocks: Vec<_> =
            got.events.iter().filter(|e| e.r#type() == EventType::DeadlineBreached).map(|e| e.clock.as_str()).collect();
        clocks.sort();
        assert_eq!(clocks, ["acknowledge", "final_response"]);
    }
    // After the breach the player may go to ADR without a final response.
    let request = t.agent(ReferToAdrRequest {
        name: case.name.clone(),
        request_id: "a".into(),
        adr_body: "IBAS".into(),
        adr_reference: "IBAS-1".into(),
        ..Default::default()
    });
    let c = t.client.refer_to_adr(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!((c.state(), c.kind()), (State::ReferredToAdr, ComplaintKind::Dispute));
    assert!(c.clocks.last().unwrap().working_days);
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

async fn two_sweepers_never_do_the_same_work(db: TestDb) {
    let mut a = TestResolution::start(&db).await;
    // The second replica skips migrating: redress_db::migrate takes the
    // PostgreSQL advisory lock on one pooled connection and may release it on
    // another, so a second migrating replica waits forever (see the report).
    let mut second = config(&db, None);
    second.database.migrate_on_start = false;
    let b = TestResolution::start_with(second).await;
    let mut names = Vec::new();
    for i in 0..12 {
        names.push(a.open(open_request(&format!("c{i}"), "GB")).await.name);
    }
    let (sa, sb) = (a.resolution.sweeper().clone(), b.resolution.sweeper().clone());
    sa.advance(Duration::days(57));
    sb.advance(Duration::days(57));
    // Rounds race; a round that loses a write conflict rolls back whole and
    // the next round retries.
    for _ in 0..20 {
        let (ra, rb) = tokio::join!(sa.run_once(), sb.run_once());
        if matches!((&ra, &rb), (Ok(0), Ok(0))) {
            break;
        }
    }
    for name in &names {
        let types = history_types(&mut a, name).await;
        assert_eq!(types.iter().filter(|t| **t == Type::ClockBreached).count(), 2, "{name}: {types:?}");
        assert_eq!(types.iter().filter(|t| **t == Type::Escalated).count(), 1, "{name}: {types:?}");
    }
    b.resolution.shutdown().await;
    a.resolution.shutdown().await;
}

async fn deadline_warnings_reach_the_assignee_or_the_queue_supervisors(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut cfg = config(&db, Some(addr));
    let staff = &mut cfg.tenants.entry(crate::helpers::TENANT.into()).or_default().staff_notifications;
    staff.agents.insert("agent-7".into(), "agent7@casino-a.example".into());
    staff.queues.insert("payments".into(), vec!["payments-lead@casino-a.example".into()]);
    staff.queues.insert("escalations".into(), vec!["duty@casino-a.example".into()]);
    let mut t = TestResolution::start_with(cfg).await;
    // The queue's definition names one more supervisor, by address.
    let desk = Queue { supervisors: vec!["desk@casino-a.example".into()], ..Default::default() };
    let create = CreateQueueRequest { request_id: "q".into(), queue_id: "payments".into(), queue: Some(desk) };
    t.client.create_queue(t.supervisor(create)).await.unwrap();
    let assigned = t.open(open_request("assigned", "PL")).await;
    let unassigned = t.open(open_request("unassigned", "PL")).await;
    let request = t.supervisor(AssignCaseRequest {
        name: assigned.name.clone(),
        assignee: "agent-7".into(),
        ..Default::default()
    });
    t.client.assign_case(request).await.unwrap();
    for (case, id) in [(&assigned, "r-a"), (&unassigned, "r-u")] {
        let request = t.agent(RespondToPlayerRequest {
            name: case.name.clone(),
            request_id: id.into(),
            body: "we are on it".into(),
            ..Default::default()
        });
        t.client.respond_to_player(request).await.unwrap();
    }
    let sweeper = t.resolution.sweeper().clone();
    // 14 days to the final response: 75 % after 10.5 days, 90 % after 12.6,
    // the breach (and its escalation) after 14.
    sweeper.advance(Duration::days(11));
    sweeper.run_once().await.unwrap();
    sweeper.advance(Duration::days(2));
    sweeper.run_once().await.unwrap();
    sweeper.advance(Duration::days(2));
    sweeper.run_once().await.unwrap();
    drained(&t).await;
    let warnings: Vec<(String, String, String, String)> = {
        let got = peer.0.lock().unwrap();
        got.notifications
            .iter()
            .filter(|n| n.event() == NotificationEvent::DeadlineWarning)
            .map(|n| {
                assert_eq!(n.purpose(), MessagePurpose::Service);
                assert_eq!(n.variables["clock"], "final_response");
                assert!(!n.variables["due_time"].is_empty());
                let r = n.recipient.clone().unwrap();
                (n.complaint.clone(), r.email, r.player_id, n.variables["threshold"].clone())
            })
            .collect()
    };
    let of = |complaint: &str| {
        let mut w: Vec<(String, String, String)> =
            warnings.iter().filter(|w| w.0 == complaint).map(|w| (w.1.clone(), w.2.clone(), w.3.clone())).collect();
        w.sort_by(|a, b| (&a.2, &a.0).cmp(&(&b.2, &b.0)));
        w
    };
    let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        of(&assigned.complaint),
        [
            s("duty@casino-a.example", "queue/escalations", "100"),
            s("agent7@casino-a.example", "staff/agent-7", "75"),
            s("agent7@casino-a.example", "staff/agent-7", "90"),
        ],
        "the assignee hears of 75 % and 90 %; the breach escalates, so the escalation queue's supervisors hear of it"
    );
    assert_eq!(
        of(&unassigned.complaint),
        [
            s("duty@casino-a.example", "queue/escalations", "100"),
            s("desk@casino-a.example", "queue/payments", "75"),
            s("payments-lead@casino-a.example", "queue/payments", "75"),
            s("desk@casino-a.example", "queue/payments", "90"),
            s("payments-lead@casino-a.example", "queue/payments", "90"),
        ]
    );
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

/// Sets the sweeper's clock to `at` (the offset may go back: the cases
/// below were submitted in January 2026).
async fn set_clock(sweeper: &redress_resolution::sweeper::Sweeper, at: DateTime<Utc>) {
    let now = sweeper.now().await.unwrap();
    sweeper.advance(at - now);
}

/// The times of a case's CLOCK_WARNED events.
async fn warning_times(t: &mut TestResolution, name: &str) -> Vec<DateTime<Utc>> {
    let request = t.agent(ListCaseEventsRequest { parent: name.into(), page_size: 1000, ..Default::default() });
    let events = t.client.list_case_events(request).await.unwrap().into_inner().events;
    events
        .iter()
        .filter(|e| e.r#type() == Type::ClockWarned)
        .map(|e| {
            let ts = e.create_time.unwrap();
            DateTime::from_timestamp(ts.seconds, ts.nanos as u32).unwrap()
        })
        .collect()
}

async fn warnings_outside_business_hours_go_out_at_the_last_staffed_moment(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut t = TestResolution::start_with(config(&db, Some(addr))).await;
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    // An unknown zone is refused by name.
    let atlantis = Queue {
        business_hours: Some(BusinessHours {
            time_zone: "Europe/Atlantis".into(),
            ranges: vec![Range { weekday: 1, start_minute: 540, end_minute: 1020 }],
        }),
        ..Default::default()
    };
    let create = CreateQueueRequest { request_id: "q0".into(), queue_id: "atlantis".into(), queue: Some(atlantis) };
    let err = t.client.create_queue(t.supervisor(create)).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["queue.business_hours.time_zone"]);
    // Malta's desk is staffed Monday to Friday, 09:00 to 17:00 local; the
    // British one has no hours.
    let office = Queue {
        rules: vec![RoutingRule { jurisdictions: vec!["MT".into()], ..Default::default() }],
        supervisors: vec!["malta-desk@casino-a.example".into()],
        business_hours: Some(BusinessHours {
            time_zone: "Europe/Malta".into(),
            ranges: (1..=5).map(|weekday| Range { weekday, start_minute: 9 * 60, end_minute: 17 * 60 }).collect(),
        }),
        ..Default::default()
    };
    let anytime = Queue {
        rules: vec![RoutingRule { jurisdictions: vec!["GB".into()], ..Default::default() }],
        supervisors: vec!["uk-desk@casino-a.example".into()],
        ..Default::default()
    };
    // Poland's desk gets the same hours only after its case opened.
    let later = Queue {
        rules: vec![RoutingRule { jurisdictions: vec!["PL".into()], ..Default::default() }],
        ..Default::default()
    };
    for (id, queue) in [("malta", office.clone()), ("uk", anytime), ("poland", later)] {
        let create = CreateQueueRequest { request_id: id.into(), queue_id: id.into(), queue: Some(queue) };
        t.client.create_queue(t.supervisor(create)).await.unwrap();
    }
    // Submitted Monday 2026-01-05 10:00 in Malta (09:00 UTC), the final
    // response due a week later: 75 % falls on Saturday 16:00 local, 90 %
    // on Sunday 17:12 local.
    let ts = |t: DateTime<Utc>| prost_types::Timestamp { seconds: t.timestamp(), nanos: 0 };
    let mut cases = Vec::new();
    for (complaint, jurisdiction) in [("mt", "MT"), ("gb", "GB"), ("pl", "PL")] {
        let mut request = open_request(complaint, jurisdiction);
        request.submit_time = Some(ts(at("2026-01-05T09:00:00Z")));
        let deadlines = request.deadlines.as_mut().unwrap();
        deadlines.acknowledge_due_time = Some(ts(at("2026-01-06T09:00:00Z")));
        deadlines.final_response_due_time = Some(ts(at("2026-01-12T09:00:00Z")));
        let case = t.open(request).await;
        // The acknowledgment stops the acknowledge clock: only the final
        // response warns below.
        let request = t.agent(RespondToPlayerRequest {
            name: case.name.clone(),
            request_id: format!("r-{complaint}"),
            body: "we are on it".into(),
            ..Default::default()
        });
        t.client.respond_to_player(request).await.unwrap();
        cases.push(case);
    }
    let (malta, uk, poland) = (&cases[0], &cases[1], &cases[2]);
    assert_eq!((malta.queue.as_str(), uk.queue.as_str(), poland.queue.as_str()), ("malta", "uk", "poland"));
    let update = UpdateQueueRequest {
        queue: Some(Queue { name: "queues/poland".into(), business_hours: office.business_hours.clone(), ..office }),
        update_mask: Some(prost_types::FieldMask { paths: vec!["business_hours".into()] }),
        ..Default::default()
    };
    t.client.update_queue(t.supervisor(update)).await.unwrap();
    let sweeper = t.resolution.sweeper().clone();
    // Friday 17:00 in Malta is 16:00 UTC: nothing a second before.
    let friday_close = at("2026-01-09T16:00:00Z");
    set_clock(&sweeper, friday_close - Duration::seconds(1)).await;
    assert_eq!(sweeper.run_once().await.unwrap(), 0);
    set_clock(&sweeper, friday_close).await;
    assert!(sweeper.run_once().await.unwrap() > 0);
    assert_eq!(t.get(&malta.name).await.clocks[1].warned_thresholds, [75, 90], "both weekend warnings on Friday");
    assert_eq!(t.get(&poland.name).await.clocks[1].warned_thresholds, [75, 90], "the new hours re-timed them");
    assert!(t.get(&uk.name).await.clocks[1].warned_thresholds.is_empty());
    // Saturday 15:00 UTC, the calendar time of 75 %: the British case only.
    let saturday = at("2026-01-10T15:00:00Z");
    set_clock(&sweeper, saturday - Duration::seconds(1)).await;
    assert_eq!(sweeper.run_once().await.unwrap(), 0);
    set_clock(&sweeper, saturday).await;
    assert!(sweeper.run_once().await.unwrap() > 0);
    assert_eq!(t.get(&uk.name).await.clocks[1].warned_thresholds, [75]);
    let warned = warning_times(&mut t, &malta.name).await;
    assert_eq!(warned.len(), 2);
    assert!(warned.iter().all(|w| *w >= friday_close && *w < friday_close + Duration::minutes(1)), "{warned:?}");
    let warned = warning_times(&mut t, &uk.name).await;
    assert!(warned.len() == 1 && warned[0] >= saturday && warned[0] < saturday + Duration::minutes(1), "{warned:?}");
    // The deadline itself did not move: Monday 09:00 UTC breaches both.
    let malta_case = t.get(&malta.name).await;
    assert_eq!(malta_case.clocks[1].due_time.as_ref().unwrap().seconds, at("2026-01-12T09:00:00Z").timestamp());
    set_clock(&sweeper, at("2026-01-12T09:00:00Z")).await;
    sweeper.run_once().await.unwrap();
    assert!(t.get(&malta.name).await.clocks[1].breached && t.get(&uk.name).await.clocks[1].breached);
    drained(&t).await;
    let mut got: Vec<(String, String, String)> = {
        let got = peer.0.lock().unwrap();
        got.notifications
            .iter()
            .filter(|n| n.event() == NotificationEvent::DeadlineWarning && n.variables["threshold"] != "100")
            .filter(|n| n.complaint != poland.complaint)
            .map(|n| (n.complaint.clone(), n.recipient.clone().unwrap().email, n.variables["threshold"].clone()))
            .collect()
    };
    got.sort();
    let w = |c: &str, e: &str, th: &str| (c.to_owned(), e.to_owned(), th.to_owned());
    assert_eq!(
        got,
        [
            w(&uk.complaint, "uk-desk@casino-a.example", "75"),
            w(&malta.complaint, "malta-desk@casino-a.example", "75"),
            w(&malta.complaint, "malta-desk@casino-a.example", "90"),
        ],
        "the supervisors hear of the warnings"
    );
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

backend_tests!(
    warnings_outside_business_hours_go_out_at_the_last_staffed_moment,
    deadline_warnings_reach_the_assignee_or_the_queue_supervisors,
    a_polish_complaint_is_warned_then_deemed_accepted,
    a_uk_breach_tells_the_player_about_adr,
    two_sweepers_never_do_the_same_work,
);

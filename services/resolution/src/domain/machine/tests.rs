use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use redress_proto::common::v1::Player;

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).single().unwrap()
}

fn new_case(consequence: &str) -> Case {
    let now = t0();
    Case {
        name: "cases/c-1".into(),
        state: State::New.into(),
        category: ComplaintCategory::Withdrawal.into(),
        kind: ComplaintKind::Complaint.into(),
        queue: "payments".into(),
        player: Some(Player { player_id: "p-1".into(), ..Default::default() }),
        clocks: vec![
            clocks::start(Kind::Acknowledge, now, now + Duration::hours(24), false, "escalate"),
            clocks::start(Kind::FinalResponse, now, now + Duration::days(14), false, consequence),
        ],
        ..Default::default()
    }
}

fn run(case: &Case, command: Command) -> Result<Decision, Refusal> {
    decide(case, command, "agent-1", t0() + Duration::hours(1))
}

fn respond() -> Command {
    Command::Respond { body: "hello".into(), channel: 0 }
}

fn propose(kind: ResolutionType, vulnerable: bool) -> Command {
    Command::Propose {
        proposal: Proposal {
            proposal_id: "p1".into(),
            resolution_type: kind.into(),
            amount: Some(Money { amount_minor: 12550, currency_code: "EUR".into() }),
            message: "we refund".into(),
            ..Default::default()
        },
        vulnerable,
    }
}

fn resolve() -> Command {
    Command::Resolve {
        outcome: Outcome::Upheld,
        root_cause: RootCause::KycDelay,
        text: "final".into(),
        adr_body: String::new(),
        macro_name: String::new(),
        applied_proposal_id: String::new(),
        channel: 0,
    }
}

fn close(reason: CloseReason, privileged: bool) -> Command {
    Command::Close { reason, comment: String::new(), privileged }
}

#[test]
fn a_first_response_takes_the_case_and_stops_the_acknowledge_clock() {
    let d = run(&new_case("escalate"), respond()).unwrap();
    assert_eq!(state_of(&d.case), State::InProgress);
    assert_eq!(d.case.assignee, "agent-1");
    assert!(d.case.first_response_time.is_some());
    assert!(!clocks::is_running(&d.case.clocks[0]) && d.case.clocks[0].met);
    assert_eq!(d.events[0].message.as_ref().map(|m| m.1), Some(Notice::AgentMessage));
}

#[test]
fn an_illegal_transition_names_the_current_state() {
    let resolved = run(&new_case("escalate"), resolve()).unwrap().case;
    // Responding to a resolved case is allowed; to a closed one it is not.
    assert!(run(&resolved, respond()).is_ok());
    let closed = run(&resolved, close(CloseReason::Resolved, false)).unwrap().case;
    let err = run(&closed, respond()).unwrap_err();
    assert_eq!(err.reason, "ILLEGAL_STATE_TRANSITION");
    assert_eq!(err.message, "case is STATE_CLOSED");
    assert_eq!(err.state, State::Closed);
}

#[test]
fn requesting_information_pauses_the_final_response_clock_where_allowed() {
    let cmd =
        |allowed| Command::RequestInformation { body: "id?".into(), reason: "proof".into(), pause_allowed: allowed };
    let d = run(&new_case("escalate"), cmd(true)).unwrap();
    assert_eq!(state_of(&d.case), State::AwaitingPlayer);
    assert!(d.case.clocks[1].paused);
    assert_eq!(d.events.iter().map(|e| e.kind).collect::<Vec<_>>(), [Type::InformationRequested, Type::ClockPaused]);
    let d = run(&new_case("deemed_accepted"), cmd(false)).unwrap();
    assert!(!d.case.clocks[1].paused);
    // The player's answer resumes it.
    let paused = run(&new_case("escalate"), cmd(true)).unwrap().case;
    let d =
        decide(&paused, Command::PlayerMessage { body: "here".into() }, "intake", t0() + Duration::days(2)).unwrap();
    assert_eq!(state_of(&d.case), State::InProgress);
    assert!(!d.case.clocks[1].paused);
    assert!(d.events.iter().any(|e| e.kind == Type::ClockResumed));
}

#[test]
fn bonus_credit_is_refused_for_vulnerable_players() {
    let err = run(&new_case("escalate"), propose(ResolutionType::BonusCredit, true)).unwrap_err();
    assert_eq!(err.reason, "BONUS_NOT_ALLOWED_FOR_VULNERABLE_PLAYER");
    assert!(run(&new_case("escalate"), propose(ResolutionType::Refund, true)).is_ok());
}

#[test]
fn a_new_proposal_supersedes_the_open_one_and_the_decision_moves_on() {
    let c = run(&new_case("escalate"), propose(ResolutionType::Refund, false)).unwrap().case;
    let mut second = propose(ResolutionType::Goodwill, false);
    if let Command::Propose { proposal, .. } = &mut second {
        proposal.proposal_id = "p2".into();
    }
    let c = run(&c, second).unwrap().case;
    assert_eq!(c.proposals[0].state, proposal::State::Superseded as i32);
    let d =
        run(&c, Command::PlayerDecision { accept: false, proposal_id: String::new(), comment: "no".into() }).unwrap();
    assert_eq!(d.case.proposals[1].state, proposal::State::Rejected as i32);
    assert_eq!(state_of(&d.case), State::InProgress);
    assert_eq!(d.case.kind, ComplaintKind::Dispute as i32);
}

#[test]
fn adr_referral_needs_a_final_response_or_a_breach() {
    let refer = |at| Command::ReferToAdr {
        adr_body: "IBAS".into(),
        adr_reference: "I-1".into(),
        enquiry_receive_time: at,
        enquiry_due: at + Duration::days(14),
        working_days: true,
    };
    let open = run(&new_case("adr_rights"), respond()).unwrap().case;
    assert_eq!(run(&open, refer(t0())).unwrap_err().reason, "FINAL_RESPONSE_NOT_DUE");
    let late = decide(&open, refer(t0()), "agent-1", t0() + Duration::days(15)).unwrap().case;
    assert_eq!(state_of(&late), State::ReferredToAdr);
    let resolved = run(&new_case("adr_rights"), resolve()).unwrap().case;
    let referred = run(&resolved, refer(t0())).unwrap().case;
    assert_eq!(referred.kind, ComplaintKind::Dispute as i32);
    assert_eq!(run(&referred, refer(t0())).unwrap_err().reason, "ALREADY_REFERRED_TO_ADR");
    let answered =
        run(&referred, Command::AnswerAdrEnquiry { answer: "our side".into(), send_time: t0() }).unwrap().case;
    assert!(run(&answered, Command::AnswerAdrEnquiry { answer: "again".into(), send_time: t0() }).is_err());
    assert_eq!(run(&answered, close(CloseReason::Resolved, true)).unwrap_err().state, State::ReferredToAdr);
    let decided = run(
        &answered,
        Command::RecordAdrOutcome {
            outcome: Outcome::NotUpheld,
            binding: true,
            award: None,
            conclusion: "fair".into(),
            decision_time: t0(),
        },
    )
    .unwrap()
    .case;
    assert_eq!(state_of(&decided), State::Resolved);
}

#[test]
fn closing_an_open_case_needs_a_supervisor_and_a_reason() {
    let c = new_case("escalate");
    assert_eq!(run(&c, close(CloseReason::Resolved, true)).unwrap_err().reason, "CLOSE_REASON_NOT_ALLOWED");
    assert_eq!(run(&c, close(CloseReason::Duplicate, false)).unwrap_err().kind, RefusalKind::Permission);
    let closed = run(&c, close(CloseReason::Duplicate, true)).unwrap().case;
    assert!(closed.clocks.iter().all(|k| !clocks::is_running(k)));
    assert_eq!(run(&closed, Command::Withdraw { reason: String::new() }).unwrap_err().state, State::Closed);
}

#[test]
fn a_polish_breach_is_deemed_accepted_with_a_remedy_task_and_escalated() {
    let c = new_case("deemed_accepted");
    let d =
        decide(&c, Command::Breach { clock_index: 1, escalation_queue: "escalations".into() }, SWEEPER, t0()).unwrap();
    assert!(d.case.deemed_accepted);
    assert_eq!(state_of(&d.case), State::Escalated);
    let kinds: Vec<_> = d.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [Type::ClockBreached, Type::NoteAdded, Type::Escalated]);
    assert_eq!(d.case.escalation.as_ref().unwrap().reason, EscalationReason::SlaBreach as i32);
    // A second breach of the same clock does nothing.
    let again =
        decide(&d.case, Command::Breach { clock_index: 1, escalation_queue: "x".into() }, SWEEPER, t0()).unwrap();
    assert!(again.events.is_empty());
}

#[test]
fn a_uk_breach_tells_the_player_of_their_adr_rights() {
    let d = decide(
        &new_case("adr_rights"),
        Command::Breach { clock_index: 1, escalation_queue: "escalations".into() },
        SWEEPER,
        t0(),
    )
    .unwrap();
    assert_eq!(d.events[0].message.as_ref().map(|m| m.1), Some(Notice::AdrRightsNotice));
}

#[test]
fn reopening_clears_the_outcome_and_starts_a_new_clock() {
    let resolved = run(&new_case("escalate"), resolve()).unwrap().case;
    let reopen = |privileged| Command::Reopen {
        reason: "player wrote again".into(),
        final_response_due: t0() + Duration::days(20),
        working_days: false,
        consequence: "escalate".into(),
        privileged,
    };
    let c = run(&resolved, reopen(false)).unwrap().case;
    assert_eq!(state_of(&c), State::InProgress);
    assert_eq!(c.outcome, 0);
    assert!(c.final_response.is_none());
    assert_eq!(c.clocks.len(), 3);
    let closed = run(&resolved, close(CloseReason::Resolved, false)).unwrap().case;
    assert_eq!(run(&closed, reopen(false)).unwrap_err().kind, RefusalKind::Permission);
    assert!(run(&closed, reopen(true)).is_ok());
}

#[test]
fn assigning_the_same_agent_again_records_nothing() {
    let c = run(&new_case("escalate"), Command::Assign { assignee: "a".into(), queue: String::new() }).unwrap().case;
    assert_eq!(state_of(&c), State::InProgress);
    let d = run(&c, Command::Assign { assignee: "a".into(), queue: "payments".into() }).unwrap();
    assert!(d.events.is_empty());
}

fn any_command() -> impl Strategy<Value = Command> {
    let text = "[a-z]{0,6}";
    prop_oneof![
        (text, prop::option::of("q[0-2]"))
            .prop_map(|(a, q)| Command::Assign { assignee: a, queue: q.unwrap_or_default() }),
        Just(respond()),
        any::<bool>().prop_map(|p| Command::RequestInformation {
            body: "b".into(),
            reason: "r".into(),
            pause_allowed: p
        }),
        Just(Command::PlayerMessage { body: "m".into() }),
        (0..7i32, any::<bool>()).prop_map(|(k, v)| propose(ResolutionType::try_from(k).unwrap_or_default(), v)),
        any::<bool>().prop_map(|a| Command::PlayerDecision {
            accept: a,
            proposal_id: String::new(),
            comment: String::new()
        }),
        Just(resolve()),
        any::<bool>().prop_map(|d| Command::Escalate {
            reason: EscalationReason::AgentRequest,
            comment: "c".into(),
            queue: "escalations".into(),
            assignee: String::new(),
            mark_as_dispute: d,
        }),
        Just(Command::ReferToAdr {
            adr_body: "IBAS".into(),
            adr_reference: "r".into(),
            enquiry_receive_time: t0(),
            enquiry_due: t0() + Duration::days(14),
            working_days: true,
        }),
        Just(Command::AnswerAdrEnquiry { answer: "a".into(), send_time: t0() }),
        Just(Command::RecordAdrOutcome {
            outcome: Outcome::Upheld,
            binding: false,
            award: None,
            conclusion: "c".into(),
            decision_time: t0()
        }),
        any::<bool>().prop_map(|p| Command::Reopen {
            reason: "r".into(),
            final_response_due: t0() + Duration::days(30),
            working_days: false,
            consequence: "escalate".into(),
            privileged: p,
        }),
        (0..5i32, any::<bool>()).prop_map(|(r, p)| close(CloseReason::try_from(r).unwrap_or_default(), p)),
        Just(Command::Withdraw { reason: String::new() }),
        any::<bool>().prop_map(|c| Command::Note { body: "n".into(), close_follow_up: c }),
        Just(Command::FlagFollowUp { follow_up: FollowUp { feedback_id: "f".into(), ..Default::default() } }),
        Just(Command::AttachEvidence { summary: "evidence a.png".into() }),
        Just(Command::EvidenceScanned { summary: "evidence a.png: STATE_CLEAN".into() }),
        (0..4usize).prop_map(|i| Command::Warn { clock_index: i, thresholds: vec![75, 90] }),
        (0..4usize).prop_map(|i| Command::Breach { clock_index: i, escalation_queue: "escalations".into() }),
        (1..13i32, 0..8i32).prop_map(|(c, r)| Command::Recategorise {
            category: ComplaintCategory::try_from(c).unwrap_or(ComplaintCategory::Bonus),
            root_cause: RootCause::try_from(r).unwrap_or_default(),
            reason: "triage".into(),
            queue: None,
        }),
    ]
}

/// The states a command may leave a case in, from the table in the proto.
fn allowed_targets(from: State, command: &Command) -> Vec<State> {
    use State::*;
    match command {
        Command::Assign { .. } | Command::Respond { .. } if from == New => vec![New, InProgress],
        Command::Assign { .. } | Command::Respond { .. } => vec![from],
        Command::RequestInformation { .. } => vec![AwaitingPlayer],
        Command::PlayerMessage { .. } if from == AwaitingPlayer => vec![InProgress],
        Command::PlayerMessage { .. }
        | Command::Note { .. }
        | Command::FlagFollowUp { .. }
        | Command::Warn { .. }
        | Command::AttachEvidence { .. }
        | Command::EvidenceScanned { .. }
        | Command::Recategorise { .. } => vec![from],
        Command::Propose { .. } => vec![ResolutionProposed],
        Command::PlayerDecision { .. } if from == ResolutionProposed => vec![InProgress, ResolutionProposed],
        Command::PlayerDecision { .. } => vec![from],
        Command::Resolve { .. } | Command::RecordAdrOutcome { .. } => vec![Resolved],
        Command::Escalate { .. } => vec![Escalated],
        Command::ReferToAdr { .. } => vec![ReferredToAdr],
        Command::AnswerAdrEnquiry { .. } => vec![ReferredToAdr],
        Command::Reopen { .. } => vec![InProgress],
        Command::Close { .. } | Command::Withdraw { .. } => vec![Closed],
        Command::Breach { .. } => vec![from, Escalated],
    }
}

fn allowed_sources(command: &Command) -> Option<Vec<State>> {
    use State::*;
    let open = vec![New, InProgress, AwaitingPlayer, ResolutionProposed, Escalated];
    Some(match command {
        Command::RequestInformation { .. } => vec![New, InProgress, Escalated, AwaitingPlayer],
        Command::Propose { .. } | Command::Resolve { .. } => open,
        Command::Escalate { .. } => vec![New, InProgress, AwaitingPlayer, ResolutionProposed],
        Command::AnswerAdrEnquiry { .. } | Command::RecordAdrOutcome { .. } => vec![ReferredToAdr],
        Command::Reopen { .. } => vec![Resolved, Closed],
        Command::Withdraw { .. } => [open, vec![ReferredToAdr]].concat(),
        Command::Respond { .. } | Command::Assign { .. } | Command::Recategorise { .. } => {
            vec![New, InProgress, AwaitingPlayer, ResolutionProposed, Escalated, Resolved, ReferredToAdr]
        }
        _ => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_command_sequences_keep_the_invariants(
        commands in prop::collection::vec((any_command(), 0..40i64), 1..40),
        consequence in prop::sample::select(vec!["escalate", "deemed_accepted", "adr_rights"]),
    ) {
        let mut case = new_case(consequence);
        let mut now = t0();
        for (command, hours) in commands {
            now += Duration::hours(hours);
            let from = state_of(&case);
            match decide(&case, command.clone(), "agent-1", now) {
                Ok(d) => {
                    let to = state_of(&d.case);
                    prop_assert!(allowed_targets(from, &command).contains(&to), "{from:?} -> {to:?} by {command:?}");
                    if let Some(sources) = allowed_sources(&command) {
                        prop_assert!(sources.contains(&from), "{command:?} accepted in {from:?}");
                    }
                    if from != to {
                        prop_assert!(!d.events.is_empty(), "a state change without an event");
                    }
                    // Terminal states: a closed case never runs a clock, a
                    // resolved one never runs the acknowledge or final
                    // response clocks.
                    match to {
                        State::Closed => {
                            let ok = d.case.clocks.iter().all(|k| !clocks::is_running(k));
                            prop_assert!(ok, "a closed case runs a clock");
                        }
                        State::Resolved => {
                            let ok = d.case.clocks.iter().all(|k| !clocks::is_running(k) || k.kind == Kind::AdrEnquiry as i32);
                            prop_assert!(ok, "a resolved case runs a handling clock");
                        }
                        _ => {}
                    }
                    // At most one open proposal, and only one running clock per kind.
                    let open = d.case.proposals.iter().filter(|p| p.state == proposal::State::Open as i32).count();
                    prop_assert!(open <= 1, "{} open proposals", open);
                    for kind in [Kind::Acknowledge, Kind::FinalResponse, Kind::AdrEnquiry] {
                        let running = d.case.clocks.iter().filter(|k| k.kind == kind as i32 && clocks::is_running(k)).count();
                        prop_assert!(running <= 1, "{} running clocks of {:?}", running, kind);
                    }
                    // A paused clock has a reason and a start of pause.
                    for k in &d.case.clocks {
                        let ok = !k.paused || (k.pause_time.is_some() && !k.pause_reason.is_empty());
                        prop_assert!(ok, "a pause without its reason");
                    }
                    if from == State::Closed {
                        let resolved_before = case.close_reason == CloseReason::Resolved as i32;
                        let ok = to == State::Closed
                            || matches!(command, Command::Reopen { .. })
                            || (resolved_before && matches!(command, Command::ReferToAdr { .. }));
                        prop_assert!(ok, "a closed case left CLOSED by {:?}", command);
                    }
                    case = d.case;
                }
                Err(refusal) => {
                    prop_assert_eq!(refusal.state, from);
                    if refusal.reason == "ILLEGAL_STATE_TRANSITION" {
                        prop_assert_eq!(refusal.message.clone(), format!("case is {}", from.as_str_name()));
                    }
                }
            }
        }
    }
}

#[test]
fn recategorising_keeps_the_original_and_the_state() {
    let opened = open(new_case("escalate")).case;
    assert_eq!(opened.original_category, ComplaintCategory::Withdrawal as i32);
    let recategorise =
        |category, root_cause| Command::Recategorise { category, root_cause, reason: "wrong".into(), queue: None };
    let d = run(&opened, recategorise(ComplaintCategory::Bonus, RootCause::Unspecified)).unwrap();
    assert_eq!(d.case.category, ComplaintCategory::Bonus as i32);
    assert_eq!(d.case.original_category, ComplaintCategory::Withdrawal as i32);
    assert_eq!(state_of(&d.case), State::New);
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].kind, Type::Recategorised);
    assert_eq!(
        d.events[0].summary,
        "recategorised from COMPLAINT_CATEGORY_WITHDRAWAL to COMPLAINT_CATEGORY_BONUS: wrong"
    );
    // The same category with a new root cause is a change; without one it is not.
    let again = run(&d.case, recategorise(ComplaintCategory::Bonus, RootCause::Unspecified)).unwrap_err();
    assert_eq!(again.reason, "CATEGORY_UNCHANGED");
    let cause = run(&d.case, recategorise(ComplaintCategory::Bonus, RootCause::Policy)).unwrap();
    assert_eq!(cause.case.root_cause, RootCause::Policy as i32);
    assert!(cause.events[0].summary.contains("root cause ROOT_CAUSE_UNSPECIFIED to ROOT_CAUSE_POLICY"));
    // A case stored before `original_category` existed keeps its category as the original.
    let legacy = Case { original_category: 0, ..new_case("escalate") };
    let d = run(&legacy, recategorise(ComplaintCategory::Deposit, RootCause::Unspecified)).unwrap();
    assert_eq!(d.case.original_category, ComplaintCategory::Withdrawal as i32);
    let closed = Case { state: State::Closed.into(), ..opened };
    let refused = run(&closed, recategorise(ComplaintCategory::Bonus, RootCause::Unspecified)).unwrap_err();
    assert_eq!(refused.reason, "ILLEGAL_STATE_TRANSITION");
}

#[test]
fn recategorising_moves_the_case_to_its_routed_queue() {
    let opened = open(new_case("escalate")).case;
    let to = |queue: &str| Command::Recategorise {
        category: ComplaintCategory::Bonus,
        root_cause: RootCause::Unspecified,
        reason: "wrong".into(),
        queue: Some(queue.into()),
    };
    let d = run(&opened, to("bonuses")).unwrap();
    assert_eq!(d.case.queue, "bonuses");
    assert!(d.events[0].summary.ends_with(&format!("; queue {} to bonuses", opened.queue)), "{}", d.events[0].summary);
    let same = run(&opened, to(&opened.queue)).unwrap();
    assert_eq!(same.case.queue, opened.queue);
    assert!(!same.events[0].summary.contains("; queue"));
}

//! The case state machine: the ONLY place that decides whether a command is
//! allowed in a case's state and what it changes. `decide` is pure: it takes
//! the case as stored and a command, and returns the changed case with the
//! events to append, or a refusal that names the current state.

use chrono::{DateTime, Utc};
use redress_proto::{
    common::v1::{ComplaintCategory, ComplaintKind, Money, Outcome, RootCause},
    resolution::v1::{
        AdrReferral, Case, Clock, CloseReason, Escalation, FinalResponse, FollowUp, Proposal, ResolutionType,
        case::State, case_event::Type, clock::Kind, escalation::Reason as EscalationReason, proposal,
    },
};

use super::{SWEEPER, clocks, is_open, is_transactional, timestamp};

/// What a caller (agent, intake, feedback, the sweeper) asks of a case. The
/// API resolves policy and configuration first (pause allowed, due times,
/// queues), so the machine needs no I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// AssignCase.
    Assign { assignee: String, queue: String },
    /// RespondToPlayer.
    Respond { body: String, channel: i32 },
    /// RequestInformation; `pause_allowed` from the jurisdiction policy.
    RequestInformation { body: String, reason: String, pause_allowed: bool },
    /// RecordPlayerMessage (intake).
    PlayerMessage { body: String },
    /// ProposeResolution; `vulnerable` when the player is self-excluded or at risk.
    Propose { proposal: Proposal, vulnerable: bool },
    /// RecordPlayerDecision (intake).
    PlayerDecision { accept: bool, proposal_id: String, comment: String },
    /// ResolveCase; `adr_body` already resolved against the policy.
    Resolve {
        outcome: Outcome,
        root_cause: RootCause,
        text: String,
        adr_body: String,
        macro_name: String,
        applied_proposal_id: String,
        channel: i32,
    },
    /// EscalateCase; `queue` already defaulted to the escalation queue.
    Escalate { reason: EscalationReason, comment: String, queue: String, assignee: String, mark_as_dispute: bool },
    /// ReferToAdr; `enquiry_due` from the policy's ADR enquiry clock.
    ReferToAdr {
        adr_body: String,
        adr_reference: String,
        enquiry_receive_time: DateTime<Utc>,
        enquiry_due: DateTime<Utc>,
        working_days: bool,
    },
    /// AnswerAdrEnquiry.
    AnswerAdrEnquiry { answer: String, send_time: DateTime<Utc> },
    /// RecordAdrOutcome.
    RecordAdrOutcome {
        outcome: Outcome,
        binding: bool,
        award: Option<Money>,
        conclusion: String,
        decision_time: DateTime<Utc>,
    },
    /// ReopenCase; a new final-response clock from the policy.
    Reopen {
        reason: String,
        final_response_due: DateTime<Utc>,
        working_days: bool,
        consequence: String,
        privileged: bool,
    },
    /// CloseCase; `privileged` for supervisor or admin.
    Close { reason: CloseReason, comment: String, privileged: bool },
    /// RecordWithdrawal (intake).
    Withdraw { reason: String },
    /// AddInternalNote.
    Note { body: String, close_follow_up: bool },
    /// FlagFollowUp (feedback).
    FlagFollowUp { follow_up: FollowUp },
    /// UploadEvidence: a file was attached (`summary` from
    /// `evidence::attached_summary`).
    AttachEvidence { summary: String },
    /// RecordEvidenceScan: a scanner's verdict on an evidence.
    EvidenceScanned { summary: String },
    /// RecategoriseCase: a new category, and a new root cause unless
    /// `RootCause::Unspecified` (keep the current one).
    /// `queue`: where the tenant's routing sends the case under its new
    /// category, when that is another queue.
    Recategorise { category: ComplaintCategory, root_cause: RootCause, reason: String, queue: Option<String> },
    /// The sweeper: a running clock passed warning thresholds.
    Warn { clock_index: usize, thresholds: Vec<i32> },
    /// The sweeper: a running clock passed its due time.
    Breach { clock_index: usize, escalation_queue: String },
}

impl Command {
    /// The player's own words a peer delivers with the command (a message,
    /// a decision's comment, a withdrawal's reason, a survey comment), which
    /// are not kept when the complaint's player data was erased before they
    /// arrived.
    pub fn player_words(&mut self) -> Option<&mut String> {
        match self {
            Command::PlayerMessage { body } => Some(body),
            Command::PlayerDecision { comment, .. } => Some(comment),
            Command::Withdraw { reason } => Some(reason),
            Command::FlagFollowUp { follow_up } => Some(&mut follow_up.comment),
            _ => None,
        }
    }
}

/// A message to the player that comes with an event, and how notification
/// files it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A request for information.
    InformationRequested,
    /// An agent's message.
    AgentMessage,
    /// A proposal.
    ResolutionProposed,
    /// The final response (legally required).
    FinalResponse,
    /// The player's right to go to ADR (legally required).
    AdrRightsNotice,
}

/// An event the decision appends to the history.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// What happened.
    pub kind: Type,
    /// A human-readable summary.
    pub summary: String,
    /// The message the player is sent with it, if any.
    pub message: Option<(String, Notice)>,
    /// The channel the agent chose for the message; 0: the player's preferred.
    pub channel: i32,
    /// For clock events: which clock, "acknowledge", "final_response" or
    /// "adr_enquiry" (as analytics names them).
    pub clock: &'static str,
    /// For clock events: the percentage of the clock's time passed (75, 90),
    /// 100 for a breach; 0 otherwise.
    pub threshold: i32,
}

impl NewEvent {
    /// An event of `kind` that sends nothing and names no clock.
    pub(crate) fn new(kind: Type, summary: impl Into<String>) -> Self {
        Self { kind, summary: summary.into(), message: None, channel: 0, clock: "", threshold: 0 }
    }

    fn telling(mut self, text: &str, notice: Notice) -> Self {
        self.message = Some((text.to_owned(), notice));
        self
    }
}

/// The changed case and the events to append (none: nothing changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The case after the command.
    pub case: Case,
    /// The events, in order.
    pub events: Vec<NewEvent>,
}

/// How a refusal reaches the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// FAILED_PRECONDITION.
    Precondition,
    /// PERMISSION_DENIED (a role allowed only in some states).
    Permission,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// How it maps to a gRPC code.
    pub kind: RefusalKind,
    /// The stable UPPER_SNAKE reason.
    pub reason: &'static str,
    /// A lowercase message that names the state.
    pub message: String,
    /// The case's state.
    pub state: State,
}

fn illegal(state: State) -> Refusal {
    Refusal {
        kind: RefusalKind::Precondition,
        reason: "ILLEGAL_STATE_TRANSITION",
        message: format!("case is {}", state.as_str_name()),
        state,
    }
}

fn refuse(state: State, reason: &'static str, message: impl Into<String>) -> Refusal {
    Refusal { kind: RefusalKind::Precondition, reason, message: message.into(), state }
}

/// The case's state as a typed value.
pub fn state_of(case: &Case) -> State {
    State::try_from(case.state).unwrap_or(State::Unspecified)
}

/// Opens a case for a complaint: the one way a case comes to exist, in NEW,
/// with the `CASE_OPENED` event.
pub fn open(mut case: Case) -> Decision {
    case.state = State::New.into();
    case.original_category = case.category;
    let summary = format!("opened for {} in queue {}", case.complaint_reference, case.queue);
    Decision { case, events: vec![NewEvent::new(Type::CaseOpened, summary)] }
}

/// Decides `command` on `case` at `now`, on behalf of `actor`.
pub fn decide(case: &Case, command: Command, actor: &str, now: DateTime<Utc>) -> Result<Decision, Refusal> {
    let state = state_of(case);
    let mut c = case.clone();
    let mut events = Vec::new();
    let at = Some(timestamp(now));
    match command {
        Command::Assign { assignee, queue } => {
            if state == State::Closed {
                return Err(illegal(state));
            }
            let queue = if queue.is_empty() { c.queue.clone() } else { queue };
            if assignee == c.assignee && queue == c.queue {
                return Ok(Decision { case: c, events });
            }
            let summary = match (assignee.is_empty(), queue != c.queue) {
                (true, false) => "unassigned".to_owned(),
                (true, true) => format!("unassigned; queue {queue}"),
                (false, false) => format!("assigned to {assignee}"),
                (false, true) => format!("assigned to {assignee}; queue {queue}"),
            };
            c.assignee = assignee;
            c.queue = queue;
            if state == State::New && !c.assignee.is_empty() {
                c.state = State::InProgress.into();
            }
            events.push(NewEvent::new(Type::Assigned, summary));
        }
        Command::Respond { body, channel } => {
            if state == State::Closed {
                return Err(illegal(state));
            }
            if state == State::New {
                c.state = State::InProgress.into();
                if c.assignee.is_empty() {
                    c.assignee = actor.to_owned();
                }
            }
            first_response(&mut c, now);
            let mut event = NewEvent::new(Type::RespondedToPlayer, body.clone()).telling(&body, Notice::AgentMessage);
            event.channel = channel;
            events.push(event);
        }
        Command::RequestInformation { body, reason, pause_allowed } => {
            if !matches!(state, State::New | State::InProgress | State::Escalated | State::AwaitingPlayer) {
                return Err(illegal(state));
            }
            c.state = State::AwaitingPlayer.into();
            first_response(&mut c, now);
            events.push(
                NewEvent::new(Type::InformationRequested, body.clone()).telling(&body, Notice::InformationRequested),
            );
            if pause_allowed
                && let Some(clock) = clocks::running_mut(&mut c.clocks, Kind::FinalResponse)
                && clocks::pause(clock, &reason, now)
            {
                events.push(NewEvent::new(Type::ClockPaused, format!("final response clock paused: {reason}")));
            }
        }
        Command::PlayerMessage { body } => {
            c.has_unanswered_player_message = true;
            events.push(NewEvent::new(Type::PlayerMessageReceived, body));
            if state == State::AwaitingPlayer {
                c.state = State::InProgress.into();
                resume_final_response(&mut c, now, &mut events);
            }
        }
        Command::Propose { mut proposal, vulnerable } => {
            if !is_open(state) {
                return Err(illegal(state));
            }
            let kind = ResolutionType::try_from(proposal.resolution_type).unwrap_or(ResolutionType::Unspecified);
            if kind == ResolutionType::BonusCredit && vulnerable {
                return Err(refuse(
                    state,
                    "BONUS_NOT_ALLOWED_FOR_VULNERABLE_PLAYER",
                    "bonus compensation is not allowed for a self-excluded or at-risk player",
                ));
            }
            supersede_open_proposals(&mut c, now);
            proposal.state = proposal::State::Open.into();
            proposal.proposer = actor.to_owned();
            proposal.create_time = at;
            let summary = match &proposal.amount {
                Some(m) => format!("proposed {} {}", kind.as_str_name(), money_text(m)),
                None => format!("proposed {}", kind.as_str_name()),
            };
            let message = proposal.message.clone();
            c.proposals.push(proposal);
            c.state = State::ResolutionProposed.into();
            first_response(&mut c, now);
            events.push(NewEvent::new(Type::ResolutionProposed, summary).telling(&message, Notice::ResolutionProposed));
            resume_final_response(&mut c, now, &mut events);
        }
        Command::PlayerDecision { accept, proposal_id, comment } => {
            let verb = if accept { "accepted" } else { "rejected" };
            let open = c.proposals.iter_mut().rev().find(|p| {
                p.state == proposal::State::Open as i32 && (proposal_id.is_empty() || p.proposal_id == proposal_id)
            });
            let summary = match open {
                Some(p) => {
                    p.state = if accept { proposal::State::Accepted } else { proposal::State::Rejected }.into();
                    p.decision_time = at;
                    p.player_comment = comment;
                    let summary = format!("player {verb} proposal {}", p.proposal_id);
                    if state == State::ResolutionProposed {
                        c.state = State::InProgress.into();
                    }
                    // A transaction complaint the first stage did not settle
                    // is a dispute (UKGC, MGA).
                    if !accept && is_transactional(category(&c)) {
                        c.kind = ComplaintKind::Dispute.into();
                    }
                    summary
                }
                None => format!("player {verb} a proposal that is not open; recorded only"),
            };
            c.has_unanswered_player_message = true;
            events.push(NewEvent::new(Type::PlayerDecisionRecorded, summary));
        }
        Command::Resolve { outcome, root_cause, text, adr_body, macro_name, applied_proposal_id, channel } => {
            if !is_open(state) {
                return Err(illegal(state));
            }
            if !applied_proposal_id.is_empty()
                && !c
                    .proposals
                    .iter()
                    .any(|p| p.proposal_id == applied_proposal_id && p.state == proposal::State::Accepted as i32)
            {
                return Err(refuse(
                    state,
                    "PROPOSAL_NOT_ACCEPTED",
                    format!("proposal {applied_proposal_id} is not an accepted proposal of this case"),
                ));
            }
            supersede_open_proposals(&mut c, now);
            first_response(&mut c, now);
            clocks::stop_kind(&mut c.clocks, Kind::Acknowledge, now);
            clocks::stop_kind(&mut c.clocks, Kind::FinalResponse, now);
            c.outcome = outcome.into();
            c.root_cause = root_cause.into();
            c.final_response = Some(FinalResponse {
                text: text.clone(),
                adr_body,
                r#macro: macro_name,
                applied_proposal_id,
                channel,
                responder: actor.to_owned(),
                send_time: at,
            });
            c.resolve_time = at;
            c.state = State::Resolved.into();
            events.push(
                NewEvent::new(Type::Resolved, format!("resolved {}", outcome.as_str_name()))
                    .telling(&text, Notice::FinalResponse),
            );
        }
        Command::Escalate { reason, comment, queue, assignee, mark_as_dispute } => {
            if !matches!(state, State::New | State::InProgress | State::AwaitingPlayer | State::ResolutionProposed) {
                return Err(illegal(state));
            }
            escalate(&mut c, reason, &comment, actor, &queue, &assignee, now, &mut events);
            if mark_as_dispute {
                c.kind = ComplaintKind::Dispute.into();
            }
        }
        Command::ReferToAdr { adr_body, adr_reference, enquiry_receive_time, enquiry_due, working_days } => {
            if c.adr_referral.is_some() {
                return Err(refuse(state, "ALREADY_REFERRED_TO_ADR", "case was already referred to adr"));
            }
            match state {
                State::Resolved => {}
                // Only after the final response: a withdrawn or duplicate
                // case has nothing to take to ADR.
                State::Closed if c.final_response.is_some() && c.close_reason == CloseReason::Resolved as i32 => {}
                s if is_open(s) => {
                    let breached = c.clocks.iter().any(|k| {
                        k.kind == Kind::FinalResponse as i32
                            && (k.breached
                                || (clocks::is_running(k)
                                    && !k.paused
                                    && k.due_time.as_ref().and_then(super::from_timestamp).is_some_and(|d| d <= now)))
                    });
                    if !breached {
                        return Err(refuse(
                            state,
                            "FINAL_RESPONSE_NOT_DUE",
                            format!("case is {}; the final response is not yet due", state.as_str_name()),
                        ));
                    }
                }
                _ => return Err(illegal(state)),
            }
            clocks::stop_all(&mut c.clocks, now);
            supersede_open_proposals(&mut c, now);
            c.clocks.push(clocks::start(Kind::AdrEnquiry, enquiry_receive_time, enquiry_due, working_days, "escalate"));
            c.kind = ComplaintKind::Dispute.into();
            c.close_reason = CloseReason::Unspecified.into();
            c.adr_referral = Some(AdrReferral {
                adr_body: adr_body.clone(),
                adr_reference: adr_reference.clone(),
                enquiry_receive_time: Some(timestamp(enquiry_receive_time)),
                recorder: actor.to_owned(),
                ..Default::default()
            });
            c.state = State::ReferredToAdr.into();
            events.push(NewEvent::new(Type::ReferredToAdr, format!("referred to {adr_body} ({adr_reference})")));
        }
        Command::AnswerAdrEnquiry { answer, send_time } => {
            if state != State::ReferredToAdr {
                return Err(illegal(state));
            }
            let Some(referral) = c.adr_referral.as_mut() else { return Err(illegal(state)) };
            if referral.enquiry_answer_time.is_some() {
                return Err(refuse(state, "ADR_ENQUIRY_ALREADY_ANSWERED", "the adr enquiry was already answered"));
            }
            referral.enquiry_answer_time = Some(timestamp(send_time));
            referral.enquiry_answer = answer.clone();
            clocks::stop_kind(&mut c.clocks, Kind::AdrEnquiry, now);
            events.push(NewEvent::new(Type::AdrEnquiryAnswered, answer));
        }
        Command::RecordAdrOutcome { outcome, binding, award, conclusion, decision_time } => {
            if state != State::ReferredToAdr {
                return Err(illegal(state));
            }
            let Some(referral) = c.adr_referral.as_mut() else { return Err(illegal(state)) };
            referral.outcome = outcome.into();
            referral.binding = binding;
            referral.award = award;
            referral.conclusion = conclusion;
            referral.decision_time = Some(timestamp(decision_time));
            clocks::stop_kind(&mut c.clocks, Kind::AdrEnquiry, now);
            c.resolve_time = at;
            c.state = State::Resolved.into();
            events.push(NewEvent::new(
                Type::AdrOutcomeRecorded,
                format!("adr outcome {}{}", outcome.as_str_name(), if binding { " (binding)" } else { "" }),
            ));
        }
        Command::Reopen { reason, final_response_due, working_days, consequence, privileged } => {
            match state {
                State::Resolved => {}
                State::Closed if privileged => {}
                State::Closed => {
                    return Err(Refusal {
                        kind: RefusalKind::Permission,
                        reason: "MISSING_ROLE",
                        message: "case is STATE_CLOSED; only a supervisor or admin may reopen it".into(),
                        state,
                    });
                }
                _ => return Err(illegal(state)),
            }
            c.outcome = Outcome::Unspecified.into();
            c.root_cause = RootCause::Unspecified.into();
            c.final_response = None;
            c.follow_up_pending = false;
            c.close_reason = CloseReason::Unspecified.into();
            c.deemed_accepted = false;
            clocks::stop_all(&mut c.clocks, now);
            c.clocks.push(clocks::start(Kind::FinalResponse, now, final_response_due, working_days, &consequence));
            c.state = State::InProgress.into();
            events.push(NewEvent::new(Type::Reopened, reason));
        }
        Command::Close { reason, comment, privileged } => {
            let reason = match (state, reason) {
                (State::Resolved, CloseReason::Unspecified | CloseReason::Resolved) => CloseReason::Resolved,
                (s, CloseReason::Duplicate | CloseReason::NoPlayerResponse) if is_open(s) || s == State::Resolved => {
                    if !privileged {
                        return Err(Refusal {
                            kind: RefusalKind::Permission,
                            reason: "MISSING_ROLE",
                            message: format!(
                                "case is {}; only a supervisor or admin may close it as {}",
                                state.as_str_name(),
                                reason.as_str_name()
                            ),
                            state,
                        });
                    }
                    reason
                }
                (s, _) if is_open(s) => {
                    return Err(refuse(
                        state,
                        "CLOSE_REASON_NOT_ALLOWED",
                        format!("case is {}; close it as DUPLICATE or NO_PLAYER_RESPONSE", state.as_str_name()),
                    ));
                }
                _ => return Err(illegal(state)),
            };
            clocks::stop_all(&mut c.clocks, now);
            supersede_open_proposals(&mut c, now);
            c.follow_up_pending = false;
            c.close_reason = reason.into();
            c.close_time = at;
            c.state = State::Closed.into();
            let summary = if comment.is_empty() {
                reason.as_str_name().to_owned()
            } else {
                format!("{}: {comment}", reason.as_str_name())
            };
            events.push(NewEvent::new(Type::Closed, summary));
        }
        Command::Withdraw { reason } => {
            if !(is_open(state) || state == State::ReferredToAdr) {
                return Err(illegal(state));
            }
            clocks::stop_all(&mut c.clocks, now);
            supersede_open_proposals(&mut c, now);
            c.close_reason = CloseReason::Withdrawn.into();
            c.close_time = at;
            c.state = State::Closed.into();
            events.push(NewEvent::new(
                Type::Withdrawn,
                if reason.is_empty() { "the player withdrew the complaint".to_owned() } else { reason },
            ));
        }
        Command::Note { body, close_follow_up } => {
            if close_follow_up {
                c.follow_up_pending = false;
            }
            events.push(NewEvent::new(Type::NoteAdded, body));
        }
        // Evidence is recorded in every state: an ADR body or a regulator
        // may ask for it after the final response.
        Command::AttachEvidence { summary } => events.push(NewEvent::new(Type::EvidenceAttached, summary)),
        Command::EvidenceScanned { summary } => events.push(NewEvent::new(Type::EvidenceScanned, summary)),
        Command::Recategorise { category: to, root_cause, reason, queue } => {
            if state == State::Closed {
                return Err(illegal(state));
            }
            let from = category(&c);
            let from_cause = RootCause::try_from(c.root_cause).unwrap_or(RootCause::Unspecified);
            let to_cause = if root_cause == RootCause::Unspecified { from_cause } else { root_cause };
            if to == from && to_cause == from_cause {
                return Err(refuse(
                    state,
                    "CATEGORY_UNCHANGED",
                    format!("case is already {} with root cause {}", from.as_str_name(), from_cause.as_str_name()),
                ));
            }
            // A case stored before the field existed was never
            // recategorised: its category is the original one.
            if c.original_category == ComplaintCategory::Unspecified as i32 {
                c.original_category = c.category;
            }
            c.category = to.into();
            c.root_cause = to_cause.into();
            let mut summary = recategorised_summary(from, to, from_cause, to_cause, &reason);
            if let Some(queue) = queue.filter(|q| *q != c.queue) {
                summary.push_str(&format!("; queue {} to {queue}", c.queue));
                c.queue = queue;
            }
            events.push(NewEvent::new(Type::Recategorised, summary));
        }
        Command::FlagFollowUp { follow_up } => {
            let summary = format!("follow-up flagged: {}", follow_up.reason().as_str_name());
            c.follow_ups.push(follow_up);
            c.follow_up_pending = true;
            events.push(NewEvent::new(Type::FollowUpFlagged, summary));
        }
        Command::Warn { clock_index, thresholds } => {
            let Some(clock) = c.clocks.get_mut(clock_index).filter(|k| clocks::is_running(k)) else {
                return Ok(Decision { case: c, events });
            };
            let name = clock_name(clock);
            let key = clock_key(clock);
            for t in thresholds {
                if !clock.warned_thresholds.contains(&t) {
                    clock.warned_thresholds.push(t);
                    let mut event = NewEvent::new(Type::ClockWarned, format!("{name} clock passed {t} %"));
                    event.clock = key;
                    event.threshold = t;
                    events.push(event);
                }
            }
        }
        Command::Breach { clock_index, escalation_queue } => {
            let Some(clock) = c.clocks.get_mut(clock_index).filter(|k| clocks::is_running(k) && !k.breached) else {
                return Ok(Decision { case: c, events });
            };
            clock.breached = true;
            clock.breach_time = clock.due_time;
            let name = clock_name(clock);
            let kind = Kind::try_from(clock.kind).unwrap_or(Kind::Unspecified);
            let consequence = clock.breach_consequence.clone();
            let mut breach =
                NewEvent::new(Type::ClockBreached, format!("{name} clock breached; consequence {consequence}"));
            breach.clock = c.clocks.get(clock_index).map(clock_key).unwrap_or_default();
            breach.threshold = 100;
            if kind == Kind::FinalResponse && consequence == "adr_rights" {
                breach = breach.telling(
                    "we have not been able to give you our final response in time. you may now take your complaint to the independent adr body named in our complaints procedure.",
                    Notice::AdrRightsNotice,
                );
            }
            events.push(breach);
            if kind == Kind::FinalResponse && consequence == "deemed_accepted" {
                c.deemed_accepted = true;
                events.push(NewEvent::new(
                    Type::NoteAdded,
                    "remedy task: the complaint is deemed accepted; carry out what the player asked for",
                ));
            }
            if matches!(state, State::New | State::InProgress | State::AwaitingPlayer | State::ResolutionProposed)
                && kind != Kind::AdrEnquiry
            {
                if is_transactional(category(&c)) && kind == Kind::FinalResponse {
                    c.kind = ComplaintKind::Dispute.into();
                }
                escalate(
                    &mut c,
                    EscalationReason::SlaBreach,
                    &format!("{name} clock breached"),
                    SWEEPER,
                    &escalation_queue,
                    "",
                    now,
                    &mut events,
                );
            }
        }
    }
    Ok(Decision { case: c, events })
}

fn category(c: &Case) -> ComplaintCategory {
    ComplaintCategory::try_from(c.category).unwrap_or(ComplaintCategory::Unspecified)
}

/// The history's summary of a recategorisation: the category change, the
/// root cause change when there is one, and the reason.
fn recategorised_summary(
    from: ComplaintCategory,
    to: ComplaintCategory,
    from_cause: RootCause,
    to_cause: RootCause,
    reason: &str,
) -> String {
    let mut summary = format!("recategorised from {} to {}", from.as_str_name(), to.as_str_name());
    if from_cause != to_cause {
        summary.push_str(&format!("; root cause {} to {}", from_cause.as_str_name(), to_cause.as_str_name()));
    }
    format!("{summary}: {reason}")
}

fn clock_name(clock: &Clock) -> &'static str {
    match Kind::try_from(clock.kind).unwrap_or(Kind::Unspecified) {
        Kind::Acknowledge => "acknowledge",
        Kind::FinalResponse => "final response",
        Kind::AdrEnquiry => "adr enquiry",
        Kind::Unspecified => "unknown",
    }
}

fn clock_key(clock: &Clock) -> &'static str {
    match Kind::try_from(clock.kind).unwrap_or(Kind::Unspecified) {
        Kind::Acknowledge => "acknowledge",
        Kind::FinalResponse => "final_response",
        Kind::AdrEnquiry => "adr_enquiry",
        Kind::Unspecified => "",
    }
}

/// The first message to the player stops the acknowledge clock.
fn first_response(c: &mut Case, now: DateTime<Utc>) {
    c.has_unanswered_player_message = false;
    if c.first_response_time.is_none() {
        c.first_response_time = Some(timestamp(now));
    }
    clocks::stop_kind(&mut c.clocks, Kind::Acknowledge, now);
}

fn resume_final_response(c: &mut Case, now: DateTime<Utc>, events: &mut Vec<NewEvent>) {
    if let Some(clock) = clocks::running_mut(&mut c.clocks, Kind::FinalResponse)
        && clocks::resume(clock, now)
    {
        events.push(NewEvent::new(Type::ClockResumed, "final response clock resumed"));
    }
}

fn supersede_open_proposals(c: &mut Case, now: DateTime<Utc>) {
    for p in c.proposals.iter_mut().filter(|p| p.state == proposal::State::Open as i32) {
        p.state = proposal::State::Superseded.into();
        p.decision_time = Some(timestamp(now));
    }
}

#[allow(clippy::too_many_arguments)]
fn escalate(
    c: &mut Case,
    reason: EscalationReason,
    comment: &str,
    actor: &str,
    queue: &str,
    assignee: &str,
    now: DateTime<Utc>,
    events: &mut Vec<NewEvent>,
) {
    let previous_queue = std::mem::replace(&mut c.queue, queue.to_owned());
    c.assignee = assignee.to_owned();
    c.escalation = Some(Escalation {
        reason: reason.into(),
        comment: comment.to_owned(),
        escalator: actor.to_owned(),
        previous_queue,
        escalate_time: Some(timestamp(now)),
    });
    c.state = State::Escalated.into();
    events.push(NewEvent::new(Type::Escalated, format!("escalated ({}): {comment}", reason.as_str_name())));
    resume_final_response(c, now, events);
}

/// Money as a person reads it, e.g. "125.50 EUR".
pub fn money_text(m: &Money) -> String {
    let sign = if m.amount_minor < 0 { "-" } else { "" };
    let abs = m.amount_minor.unsigned_abs();
    format!("{sign}{}.{:02} {}", abs / 100, abs % 100, m.currency_code)
}

#[cfg(test)]
mod tests;

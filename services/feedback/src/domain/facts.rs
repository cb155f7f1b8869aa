//! The per-complaint fact row: what insights need to know about one
//! complaint, folded from its events as they arrive (in any order), so a
//! query reads one row per complaint instead of replaying its events.

use chrono::{DateTime, Utc};
use redress_proto::feedback::v1::{EventType, SurveyAnswer, survey_answer::ProblemSolved};

/// The grouping dimensions of a complaint. Enum values are stored by their
/// proto names; empty means "no value".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dims {
    pub category: String,
    pub channel: String,
    pub jurisdiction: String,
    pub agent: String,
    pub game_id: String,
    pub game_provider: String,
    pub payment_method: String,
    pub bonus_id: String,
    pub priority: String,
}

/// One deadline clock of a complaint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// When the clock ended: stopped, or first breached.
    pub ended_at: Option<DateTime<Utc>>,
    /// Whether it ended before its deadline.
    pub met: Option<bool>,
    /// The first pre-breach warning.
    pub warned_at: Option<DateTime<Utc>>,
}

impl Clock {
    /// The earliest end wins: a breach before a late "met" stop stays a breach.
    fn end(&mut self, at: DateTime<Utc>, met: bool) {
        if self.ended_at.is_none_or(|ended| at < ended) {
            self.ended_at = Some(at);
            self.met = Some(met);
        }
    }
}

/// The clocks insights report on.
pub const CLOCK_ACKNOWLEDGE: &str = "acknowledge";
/// The final-response clock.
pub const CLOCK_FINAL_RESPONSE: &str = "final_response";
/// The ADR enquiry clock.
pub const CLOCK_ADR_ENQUIRY: &str = "adr_enquiry";

/// Everything insights know about one complaint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fact {
    pub complaint_id: String,
    pub case_name: String,
    pub dims: Dims,
    /// The category the complaint was filed under (proto name; empty when
    /// unknown): `dims.category` is its current one.
    pub original_category: String,
    /// When an agent first recategorised the complaint.
    pub recategorised_at: Option<DateTime<Utc>>,
    /// The occur time of the newest event that set dimensions.
    pub dims_at: Option<DateTime<Utc>>,
    pub responsible_gambling: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The outcome of the newest resolution, by proto name.
    pub outcome: String,
    pub outcome_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub adr_referred_at: Option<DateTime<Utc>>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopen_count: i32,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub acknowledge: Clock,
    pub final_response: Clock,
    pub adr_enquiry: Clock,
    pub survey_sent_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub csat: Option<i32>,
    pub fairness: Option<i32>,
    pub solved: Option<bool>,
    /// The earliest and latest time anything happened to the complaint:
    /// a window query reads only complaints whose span meets the window.
    pub first_activity_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// One event as the fact fold needs it.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventType,
    pub occur_at: DateTime<Utc>,
    pub case_name: String,
    pub dims: Dims,
    /// The category the complaint was filed under, when the sender said.
    pub original_category: String,
    pub responsible_gambling: bool,
    /// The outcome's proto name, empty when unset.
    pub outcome: String,
    pub clock: String,
    pub clock_met: bool,
}

fn earliest(slot: &mut Option<DateTime<Utc>>, at: DateTime<Utc>) {
    if slot.is_none_or(|current| at < current) {
        *slot = Some(at);
    }
}

impl Fact {
    /// A fact with nothing known yet.
    pub fn new(complaint_id: &str) -> Fact {
        Fact { complaint_id: complaint_id.to_owned(), ..Fact::default() }
    }

    /// Widens the activity span to include `at`.
    pub fn touch(&mut self, at: DateTime<Utc>) {
        earliest(&mut self.first_activity_at, at);
        if self.last_activity_at.is_none_or(|last| at > last) {
            self.last_activity_at = Some(at);
        }
    }

    fn clock_mut(&mut self, name: &str) -> Option<&mut Clock> {
        match name {
            CLOCK_ACKNOWLEDGE => Some(&mut self.acknowledge),
            CLOCK_FINAL_RESPONSE => Some(&mut self.final_response),
            CLOCK_ADR_ENQUIRY => Some(&mut self.adr_enquiry),
            _ => None,
        }
    }

    /// Takes the event's non-empty dimensions when it is the newest that
    /// carried them, so a complaint sits in the group of its current value
    /// whatever order the events arrive in.
    pub fn merge_dims(&mut self, dims: &Dims, at: DateTime<Utc>) {
        let newest = self.dims_at.is_none_or(|d| at >= d);
        let pairs = [
            (&mut self.dims.category, &dims.category),
            (&mut self.dims.channel, &dims.channel),
            (&mut self.dims.jurisdiction, &dims.jurisdiction),
            (&mut self.dims.agent, &dims.agent),
            (&mut self.dims.game_id, &dims.game_id),
            (&mut self.dims.game_provider, &dims.game_provider),
            (&mut self.dims.payment_method, &dims.payment_method),
            (&mut self.dims.bonus_id, &dims.bonus_id),
            (&mut self.dims.priority, &dims.priority),
        ];
        for (mine, theirs) in pairs {
            if !theirs.is_empty() && (mine.is_empty() || newest) {
                mine.clone_from(theirs);
            }
        }
        if newest {
            self.dims_at = Some(at);
        }
    }

    /// Takes a case's outcome: its dimensions as of `resolve_at`, its name
    /// when none is known yet, and the survey invitation when one was sent
    /// (at `survey_sent_at`).
    pub fn case_resolved(
        &mut self,
        dims: &Dims,
        case_name: &str,
        resolve_at: DateTime<Utc>,
        survey_sent_at: Option<DateTime<Utc>>,
    ) {
        self.merge_dims(dims, resolve_at);
        if self.case_name.is_empty() {
            case_name.clone_into(&mut self.case_name);
        }
        if let Some(at) = survey_sent_at {
            self.survey_sent_at = Some(at);
            self.touch(at);
        }
    }

    /// Takes a player's survey answer given at `at`.
    pub fn answered(&mut self, answer: &SurveyAnswer, at: DateTime<Utc>) {
        self.answered_at = Some(at);
        self.touch(at);
        self.csat = Some(answer.csat);
        self.fairness = Some(answer.fairness);
        self.solved = Some(answer.problem_solved == ProblemSolved::Yes as i32);
    }

    /// Folds one event into the fact. Applying events in any order gives
    /// the same fact (each field keeps the earliest time, or the newest value).
    pub fn apply(&mut self, e: &Event) {
        let at = e.occur_at;
        self.touch(at);
        self.merge_dims(&e.dims, at);
        if !e.case_name.is_empty() {
            self.case_name.clone_from(&e.case_name);
        }
        self.responsible_gambling |= e.responsible_gambling;
        // The filing's category is the original; another event's word only
        // fills the gap until the filing arrives.
        if e.kind == EventType::Submitted && !e.dims.category.is_empty() {
            self.original_category.clone_from(&e.dims.category);
        } else if self.original_category.is_empty() && !e.original_category.is_empty() {
            self.original_category.clone_from(&e.original_category);
        }
        match e.kind {
            EventType::Submitted => earliest(&mut self.submitted_at, at),
            EventType::Recategorised => earliest(&mut self.recategorised_at, at),
            EventType::Acknowledged => self.acknowledge.end(at, e.clock_met),
            EventType::FirstResponse => earliest(&mut self.first_response_at, at),
            EventType::Resolved => {
                earliest(&mut self.resolved_at, at);
                if !e.outcome.is_empty() && self.outcome_at.is_none_or(|o| at >= o) {
                    self.outcome.clone_from(&e.outcome);
                    self.outcome_at = Some(at);
                }
                self.final_response.end(at, e.clock_met);
            }
            EventType::Escalated => earliest(&mut self.escalated_at, at),
            EventType::ReferredToAdr => earliest(&mut self.adr_referred_at, at),
            EventType::Reopened => {
                earliest(&mut self.reopened_at, at);
                self.reopen_count += 1;
            }
            EventType::DeadlineWarned => {
                if let Some(clock) = self.clock_mut(&e.clock) {
                    earliest(&mut clock.warned_at, at);
                }
            }
            EventType::DeadlineBreached => {
                if let Some(clock) = self.clock_mut(&e.clock) {
                    clock.end(at, false);
                }
            }
            EventType::Withdrawn => earliest(&mut self.withdrawn_at, at),
            EventType::Closed => earliest(&mut self.closed_at, at),
            EventType::InformationRequested
            | EventType::ResolutionProposed
            | EventType::PlayerMessage
            | EventType::Unspecified => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0).single().unwrap_or_default()
    }

    fn event(kind: EventType, hour: u32) -> Event {
        Event {
            kind,
            occur_at: at(hour),
            case_name: String::new(),
            dims: Dims::default(),
            original_category: String::new(),
            responsible_gambling: false,
            outcome: String::new(),
            clock: String::new(),
            clock_met: false,
        }
    }

    #[test]
    fn events_in_any_order_give_the_same_fact() {
        let mut submitted = event(EventType::Submitted, 1);
        submitted.dims.category = "COMPLAINT_CATEGORY_WITHDRAWAL".into();
        let mut assigned = event(EventType::FirstResponse, 3);
        assigned.dims.agent = "agent-1".into();
        let mut resolved = event(EventType::Resolved, 5);
        resolved.outcome = "OUTCOME_UPHELD".into();
        resolved.clock_met = true;
        let events = [submitted, assigned, resolved];
        let mut forward = Fact::new("c");
        events.iter().for_each(|e| forward.apply(e));
        let mut backward = Fact::new("c");
        events.iter().rev().for_each(|e| backward.apply(e));
        assert_eq!(forward, backward);
        assert_eq!(forward.dims.agent, "agent-1");
        assert_eq!(forward.first_response_at, Some(at(3)));
        assert_eq!(forward.final_response.met, Some(true));
        assert_eq!((forward.first_activity_at, forward.last_activity_at), (Some(at(1)), Some(at(5))));
    }

    #[test]
    fn the_newest_event_decides_the_group() {
        let mut fact = Fact::new("c");
        let mut late = event(EventType::PlayerMessage, 9);
        late.dims.category = "COMPLAINT_CATEGORY_BONUS".into();
        fact.apply(&late);
        let mut early = event(EventType::Submitted, 1);
        early.dims.category = "COMPLAINT_CATEGORY_WITHDRAWAL".into();
        early.dims.channel = "CHANNEL_EMAIL".into();
        fact.apply(&early);
        assert_eq!(fact.dims.category, "COMPLAINT_CATEGORY_BONUS");
        // An older event still fills a dimension nobody else set.
        assert_eq!(fact.dims.channel, "CHANNEL_EMAIL");
    }

    #[test]
    fn a_breach_before_a_late_stop_stays_a_breach() {
        let mut fact = Fact::new("c");
        let mut breach = event(EventType::DeadlineBreached, 2);
        breach.clock = CLOCK_FINAL_RESPONSE.into();
        fact.apply(&breach);
        let mut resolved = event(EventType::Resolved, 4);
        resolved.clock_met = true;
        fact.apply(&resolved);
        assert_eq!(fact.final_response.met, Some(false));
        assert_eq!(fact.final_response.ended_at, Some(at(2)));
    }

    #[test]
    fn reopens_are_counted() {
        let mut fact = Fact::new("c");
        fact.apply(&event(EventType::Reopened, 4));
        fact.apply(&event(EventType::Reopened, 2));
        assert_eq!(fact.reopen_count, 2);
        assert_eq!(fact.reopened_at, Some(at(2)));
    }

    #[test]
    fn an_answer_sets_the_scores_and_whether_it_was_solved() {
        let mut f = Fact::new("c");
        let a = SurveyAnswer { csat: 4, fairness: 3, problem_solved: ProblemSolved::Yes.into(), ..Default::default() };
        f.answered(&a, at(5));
        assert_eq!((f.csat, f.fairness, f.solved, f.answered_at), (Some(4), Some(3), Some(true), Some(at(5))));
        assert_eq!(f.last_activity_at, Some(at(5)));
        f.answered(&SurveyAnswer { problem_solved: ProblemSolved::No.into(), ..a }, at(6));
        assert_eq!(f.solved, Some(false));
    }

    #[test]
    fn a_case_outcome_keeps_a_known_case_name_and_a_suppressed_survey_is_not_sent() {
        let mut f = Fact::new("c");
        let dims = Dims { agent: "a1".into(), ..Dims::default() };
        f.case_resolved(&dims, "cases/1", at(3), None);
        assert_eq!((f.case_name.as_str(), f.dims.agent.as_str(), f.survey_sent_at), ("cases/1", "a1", None));
        f.case_resolved(&dims, "cases/2", at(4), Some(at(5)));
        assert_eq!((f.case_name.as_str(), f.survey_sent_at, f.last_activity_at), ("cases/1", Some(at(5)), Some(at(5))));
    }

    #[test]
    fn a_recategorised_complaint_moves_and_keeps_its_original_in_any_order() {
        let mut submitted = event(EventType::Submitted, 1);
        submitted.dims.category = "COMPLAINT_CATEGORY_BONUS".into();
        let mut moved = event(EventType::Recategorised, 3);
        moved.dims.category = "COMPLAINT_CATEGORY_WITHDRAWAL".into();
        moved.original_category = "COMPLAINT_CATEGORY_BONUS".into();
        let mut resolved = event(EventType::Resolved, 2);
        resolved.dims.category = "COMPLAINT_CATEGORY_BONUS".into();
        let mut forward = Fact::new("c");
        for e in [&submitted, &resolved, &moved] {
            forward.apply(e);
        }
        let mut backward = Fact::new("c");
        for e in [&moved, &resolved, &submitted] {
            backward.apply(e);
        }
        assert_eq!(forward, backward);
        assert_eq!(forward.dims.category, "COMPLAINT_CATEGORY_WITHDRAWAL");
        assert_eq!(forward.original_category, "COMPLAINT_CATEGORY_BONUS");
        assert_eq!(forward.recategorised_at, Some(at(3)));
    }
}

//! The hash chain of a case's history. Each event's `hash` is the SHA-256 of
//! the `CaseEvent` message encoded with `hash` empty, which includes the
//! previous event's hash: changing, removing or reordering any event breaks
//! the chain from there on, and anyone holding the events can recompute it.

use prost::Message;
use redress_proto::resolution::v1::{CaseEvent, verify_case_history_response::Problem};
use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash of an event as the proto documents it: the message with `hash`
/// cleared, in protobuf binary form.
pub fn event_hash(event: &CaseEvent) -> String {
    let mut copy = event.clone();
    copy.hash.clear();
    sha256_hex(&copy.encode_to_vec())
}

/// Links `event` to `previous_hash` and sets its hash.
pub fn seal(event: &mut CaseEvent, previous_hash: &str) {
    event.previous_hash = previous_hash.to_owned();
    event.hash = event_hash(event);
}

/// The result of checking a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// True when every event recomputes and links, and the head matches.
    pub intact: bool,
    /// Events checked.
    pub event_count: i64,
    /// The hash of the last event.
    pub head_hash: String,
    /// The first bad sequence; 0 when intact.
    pub first_bad_sequence: i64,
    /// What broke.
    pub problem: Problem,
    /// A lowercase explanation.
    pub detail: String,
}

impl Verification {
    fn broken(count: usize, head: &str, sequence: i64, problem: Problem, detail: String) -> Self {
        Self {
            intact: false,
            event_count: count as i64,
            head_hash: head.to_owned(),
            first_bad_sequence: sequence,
            problem,
            detail,
        }
    }
}

/// Checks a history as stored, in storage order (by sequence), against the
/// case's recorded head (`head_sequence`, `head_hash`). Reports the first
/// event that was modified, deleted or reordered.
pub fn verify(events: &[CaseEvent], head_sequence: i64, head_hash: &str) -> Verification {
    let count = events.len();
    let last_hash = events.last().map(|e| e.hash.clone()).unwrap_or_default();
    let mut previous: Option<&CaseEvent> = None;
    for (index, event) in events.iter().enumerate() {
        let expected = index as i64 + 1;
        if event.sequence > expected {
            return Verification::broken(
                count,
                &last_hash,
                expected,
                Problem::Deleted,
                format!("event {expected}: missing (next stored is {})", event.sequence),
            );
        }
        if event.sequence < expected {
            return Verification::broken(
                count,
                &last_hash,
                expected,
                Problem::Reordered,
                format!("event {expected}: sequence {} out of order", event.sequence),
            );
        }
        let linked_to = previous.map(|p| p.hash.as_str()).unwrap_or("");
        if event.previous_hash != linked_to {
            // The link names another event of this history: the events were
            // moved; it names none: the event before was removed (or its
            // content, hash included, rewritten).
            let elsewhere = events.iter().any(|e| !e.hash.is_empty() && e.hash == event.previous_hash);
            let own_hash_ok = event_hash(event) == event.hash;
            let problem = if elsewhere {
                Problem::Reordered
            } else if own_hash_ok {
                Problem::Deleted
            } else {
                Problem::Modified
            };
            let detail = match problem {
                Problem::Reordered => format!("event {expected}: previous hash points to another event"),
                Problem::Deleted => format!("event {expected}: previous hash matches no event"),
                _ => format!("event {expected}: hash mismatch"),
            };
            return Verification::broken(count, &last_hash, expected, problem, detail);
        }
        if event_hash(event) != event.hash {
            return Verification::broken(
                count,
                &last_hash,
                expected,
                Problem::Modified,
                format!("event {expected}: hash mismatch"),
            );
        }
        previous = Some(event);
    }
    if (count as i64) < head_sequence {
        return Verification::broken(
            count,
            &last_hash,
            count as i64 + 1,
            Problem::Deleted,
            format!("event {}: missing (the case's head is {head_sequence})", count + 1),
        );
    }
    if !head_hash.is_empty() && last_hash != head_hash {
        return Verification::broken(
            count,
            &last_hash,
            count as i64,
            Problem::Modified,
            format!("event {count}: not the case's recorded head"),
        );
    }
    Verification {
        intact: true,
        event_count: count as i64,
        head_hash: last_hash,
        first_bad_sequence: 0,
        problem: Problem::Unspecified,
        detail: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: i64) -> Vec<CaseEvent> {
        let mut events: Vec<CaseEvent> = Vec::new();
        for sequence in 1..=n {
            let mut e = CaseEvent {
                name: format!("cases/c/events/{sequence}"),
                sequence,
                r#type: 4,
                actor: "agent-1".into(),
                payload_summary: format!("message {sequence}"),
                ..Default::default()
            };
            let prev = events.last().map(|p| p.hash.clone()).unwrap_or_default();
            seal(&mut e, &prev);
            events.push(e);
        }
        events
    }

    fn head(events: &[CaseEvent]) -> (i64, String) {
        (events.len() as i64, events.last().map(|e| e.hash.clone()).unwrap_or_default())
    }

    #[test]
    fn an_untouched_history_is_intact() {
        let events = history(5);
        let (n, h) = head(&events);
        let v = verify(&events, n, &h);
        assert!(v.intact, "{v:?}");
        assert_eq!(v.event_count, 5);
        assert_eq!(v.head_hash, h);
    }

    #[test]
    fn a_modified_event_is_found() {
        let mut events = history(5);
        let (n, h) = head(&events);
        events[2].payload_summary = "refund 1000000 EUR".into();
        let v = verify(&events, n, &h);
        assert_eq!((v.intact, v.first_bad_sequence, v.problem), (false, 3, Problem::Modified));
    }

    #[test]
    fn a_deleted_event_is_found_in_the_middle_and_at_the_head() {
        let mut events = history(5);
        let (n, h) = head(&events);
        events.remove(1);
        let v = verify(&events, n, &h);
        assert_eq!((v.first_bad_sequence, v.problem), (2, Problem::Deleted));
        let mut events = history(5);
        events.pop();
        let v = verify(&events, n, &h);
        assert_eq!((v.first_bad_sequence, v.problem), (5, Problem::Deleted));
    }

    #[test]
    fn reordered_events_are_found() {
        let mut events = history(5);
        let (n, h) = head(&events);
        // Swap the stored positions of events 3 and 4, renumbering them.
        events.swap(2, 3);
        events[2].sequence = 3;
        events[3].sequence = 4;
        let v = verify(&events, n, &h);
        assert_eq!((v.first_bad_sequence, v.problem), (3, Problem::Reordered));
    }
}

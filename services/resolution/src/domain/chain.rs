//! The hash chain of a case's history. Each event's `hash` is the SHA-256 of
//! the `CaseEvent` message encoded with `hash` empty, which includes the
//! previous event's hash: changing, removing or reordering any event breaks
//! the chain from there on, and anyone holding the events can recompute it.
//!
//! Chain version 2 (every event written since erasure support) hashes the
//! summary apart: the event carries `summary_hash`, the SHA-256 of a random
//! salt and the summary, and its `hash` covers the message without the
//! summary, the salt and the erase time. Erasing the summary (and the salt)
//! then leaves the chain intact, while a changed summary that is still kept
//! no longer matches its `summary_hash`. A version-1 history cannot be
//! erased without breaking it, so erasure first reseals it as version 2
//! ([`reseal`]) and records the old head hash in the event it appends.

use prost::Message;
use redress_proto::resolution::v1::{CaseEvent, verify_case_history_response::Problem};
use sha2::{Digest, Sha256};

use super::machine::NewEvent;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The chain version every new event is written in.
pub const CHAIN_VERSION: i32 = 2;

/// The hash of an event as the proto documents it: version 1, the message
/// with `hash` cleared; version 2, also without the summary, its salt and
/// the erase time, in protobuf binary form.
pub fn event_hash(event: &CaseEvent) -> String {
    let mut copy = event.clone();
    copy.hash.clear();
    if copy.chain_version >= 2 {
        copy.payload_summary.clear();
        copy.summary_salt.clear();
        copy.erase_time = None;
    }
    sha256_hex(&copy.encode_to_vec())
}

/// `summary_hash` of a version-2 event: SHA-256 of the salt then the summary.
pub fn summary_hash(salt: &str, summary: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(summary.as_bytes());
    hex::encode(hasher.finalize())
}

/// A fresh random salt for a summary.
pub fn new_salt() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Links `event` to `previous_hash` and sets its hash; a version-2 event
/// gets its summary's salt and hash first.
pub fn seal(event: &mut CaseEvent, previous_hash: &str) {
    if event.chain_version >= 2 && event.erase_time.is_none() {
        if event.summary_salt.is_empty() {
            event.summary_salt = new_salt();
        }
        event.summary_hash = summary_hash(&event.summary_salt, &event.payload_summary);
    }
    event.previous_hash = previous_hash.to_owned();
    event.hash = event_hash(event);
}

/// Erases an event's summary and salt at `at`; its hash, which covers the
/// summary only through `summary_hash`, is unchanged. Only for version-2
/// events (see [`reseal`]).
pub fn erase(event: &mut CaseEvent, at: prost_types::Timestamp) {
    event.payload_summary.clear();
    event.summary_salt.clear();
    event.erase_time = Some(at);
}

/// A version-1 history rewritten in version 2: every event keeps its
/// content, gets a salted summary hash and is relinked and resealed from
/// the first. Version-2 events (and a history that has none of version 1)
/// come back as they were. Returns whether anything was resealed.
pub fn reseal(events: &mut [CaseEvent]) -> bool {
    if events.iter().all(|e| e.chain_version >= 2) {
        return false;
    }
    let mut previous = String::new();
    for event in events.iter_mut() {
        if event.chain_version < 2 {
            event.chain_version = CHAIN_VERSION;
            event.summary_salt.clear();
        }
        seal(event, &previous);
        previous.clone_from(&event.hash);
    }
    true
}

/// What every event one write appends shares.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The case's id (the `{id}` in `cases/{id}`).
    pub case_id: &'a str,
    /// Who made the change.
    pub actor: &'a str,
    /// The case's state after the change.
    pub state: i32,
    /// SHA-256 (hex) of the request that made it.
    pub payload_hash: &'a str,
    /// When it was made.
    pub create_time: prost_types::Timestamp,
}

/// The events `new` as they extend a chain whose head is event
/// `head_sequence` with hash `head_hash` (0 and empty for a new case):
/// numbered on from the head, each linked to the one before and sealed.
pub fn append(head_sequence: i64, head_hash: &str, entry: &Entry<'_>, new: &[NewEvent]) -> Vec<CaseEvent> {
    let mut previous = head_hash.to_owned();
    let mut events = Vec::with_capacity(new.len());
    for (sequence, new) in (head_sequence + 1..).zip(new) {
        let mut event = CaseEvent {
            name: format!("cases/{}/events/{sequence}", entry.case_id),
            sequence,
            r#type: new.kind.into(),
            actor: entry.actor.to_owned(),
            create_time: Some(entry.create_time),
            state: entry.state,
            payload_summary: new.summary.clone(),
            payload_hash: entry.payload_hash.to_owned(),
            chain_version: CHAIN_VERSION,
            ..Default::default()
        };
        seal(&mut event, &previous);
        previous.clone_from(&event.hash);
        events.push(event);
    }
    events
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
        if event.chain_version >= 2
            && event.erase_time.is_none()
            && summary_hash(&event.summary_salt, &event.payload_summary) != event.summary_hash
        {
            return Verification::broken(
                count,
                &last_hash,
                expected,
                Problem::Modified,
                format!("event {expected}: summary does not match its summary hash"),
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

    fn history_v2(n: i64) -> Vec<CaseEvent> {
        let mut events = history(n);
        assert!(reseal(&mut events));
        events
    }

    fn head(events: &[CaseEvent]) -> (i64, String) {
        (events.len() as i64, events.last().map(|e| e.hash.clone()).unwrap_or_default())
    }

    #[test]
    fn appended_events_extend_the_chain() {
        use redress_proto::resolution::v1::case_event::Type;
        let stored = history(2);
        let (n, h) = head(&stored);
        let entry = Entry {
            case_id: "c",
            actor: "agent-1",
            state: 2,
            payload_hash: "ab",
            create_time: prost_types::Timestamp::default(),
        };
        let new = [NewEvent::new(Type::NoteAdded, "a note"), NewEvent::new(Type::Assigned, "to ann")];
        let appended = append(n, &h, &entry, &new);
        let names: Vec<_> = appended.iter().map(|e| (e.sequence, e.name.as_str())).collect();
        assert_eq!(names, [(3, "cases/c/events/3"), (4, "cases/c/events/4")]);
        assert_eq!(appended[0].previous_hash, h);
        let events: Vec<_> = stored.into_iter().chain(appended).collect();
        let (n, h) = head(&events);
        assert!(verify(&events, n, &h).intact);
        assert!(append(n, &h, &entry, &[]).is_empty());
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

    #[test]
    fn appended_events_are_version_2_with_a_salted_summary_hash() {
        use redress_proto::resolution::v1::case_event::Type;
        let entry = Entry { case_id: "c", actor: "a", state: 1, payload_hash: "", create_time: Default::default() };
        let events = append(0, "", &entry, &[NewEvent::new(Type::NoteAdded, "canary note")]);
        let e = &events[0];
        assert_eq!(e.chain_version, 2);
        assert_eq!(e.summary_hash, summary_hash(&e.summary_salt, "canary note"));
        assert_ne!(e.summary_hash, sha256_hex(b"canary note"), "salted");
        assert!(verify(&events, 1, &e.hash).intact);
    }

    #[test]
    fn an_erased_version_2_event_still_verifies_and_its_hash_is_unchanged() {
        let mut events = history_v2(4);
        let (n, h) = head(&events);
        let before = events[1].hash.clone();
        erase(&mut events[1], prost_types::Timestamp { seconds: 9, nanos: 0 });
        assert!(events[1].payload_summary.is_empty() && events[1].summary_salt.is_empty());
        assert_eq!(event_hash(&events[1]), before);
        let v = verify(&events, n, &h);
        assert!(v.intact, "{v:?}");
    }

    #[test]
    fn a_changed_kept_summary_of_version_2_is_found() {
        let mut events = history_v2(3);
        let (n, h) = head(&events);
        events[2].payload_summary = "refund 1000000 EUR".into();
        let v = verify(&events, n, &h);
        assert_eq!((v.intact, v.first_bad_sequence, v.problem), (false, 3, Problem::Modified));
    }

    #[test]
    fn a_version_1_history_resealed_as_version_2_verifies_with_a_new_head() {
        let mut events = history(3);
        let (_, old_head) = head(&events);
        assert!(reseal(&mut events));
        let (n, h) = head(&events);
        assert_ne!(h, old_head);
        assert!(events.iter().all(|e| e.chain_version == 2));
        assert_eq!(events[1].payload_summary, "message 2", "content kept");
        assert!(verify(&events, n, &h).intact);
        assert!(!reseal(&mut events), "a version-2 history is left alone");
        assert_eq!(head(&events).1, h);
    }

    #[test]
    fn version_1_events_keep_verifying_as_they_were() {
        let events = history(3);
        assert!(events.iter().all(|e| e.chain_version == 0 && e.summary_hash.is_empty()));
        let (n, h) = head(&events);
        assert!(verify(&events, n, &h).intact);
    }
}

//! Who on the casino's staff hears of a case's deadline: the assignee, or,
//! when nobody has the case (or the assignee has no address), the
//! supervisors of its queue. Addresses come from the tenant's
//! `staff_notifications` configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A tenant's staff addresses for deadline warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffDirectory {
    /// E-mail address per agent, keyed by the agent's token `sub` (what
    /// `Case.assignee` holds).
    pub agents: BTreeMap<String, String>,
    /// The supervisors' e-mail addresses per queue (e.g. `payments`,
    /// `escalations`).
    pub queues: BTreeMap<String, Vec<String>>,
    /// The language of the warnings (a BCP 47 tag); empty means English.
    pub language_code: String,
}

/// One person to warn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffContact {
    /// Who it is, as notification records it: `staff/{sub}` or `queue/{queue}`.
    pub id: String,
    /// Where to write.
    pub email: String,
}

/// The people to warn about a case with `assignee` (empty: unassigned) in
/// `queue`. Empty when the directory has nobody for it.
pub fn deadline_recipients(directory: &StaffDirectory, assignee: &str, queue: &str) -> Vec<StaffContact> {
    if !assignee.is_empty()
        && let Some(email) = directory.agents.get(assignee).filter(|e| !e.trim().is_empty())
    {
        return vec![StaffContact { id: format!("staff/{assignee}"), email: email.clone() }];
    }
    let mut out: Vec<StaffContact> = Vec::new();
    for email in directory.queues.get(queue).into_iter().flatten().filter(|e| !e.trim().is_empty()) {
        if !out.iter().any(|c| &c.email == email) {
            out.push(StaffContact { id: format!("queue/{queue}"), email: email.clone() });
        }
    }
    out
}

/// The directory with a queue definition's supervisors added to the
/// queue's: an entry with an `@` is an address, any other a staff id whose
/// address the directory's `agents` knows (an unknown id is skipped: there
/// is nowhere to write).
pub fn with_queue_supervisors(mut directory: StaffDirectory, queue: &str, supervisors: &[String]) -> StaffDirectory {
    let emails: Vec<String> = supervisors
        .iter()
        .map(|s| s.trim())
        .filter_map(|s| if s.contains('@') { Some(s.to_owned()) } else { directory.agents.get(s).cloned() })
        .collect();
    if !emails.is_empty() {
        directory.queues.entry(queue.to_owned()).or_default().extend(emails);
    }
    directory
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> StaffDirectory {
        StaffDirectory {
            agents: [("agent-7".to_owned(), "a7@casino.example".to_owned())].into(),
            queues: [(
                "payments".to_owned(),
                vec!["lead@casino.example".to_owned(), "lead@casino.example".to_owned(), "x@casino.example".to_owned()],
            )]
            .into(),
            language_code: String::new(),
        }
    }

    #[test]
    fn a_queue_definitions_supervisors_join_the_configured_ones() {
        let supervisors = ["desk@casino.example".to_owned(), "agent-7".to_owned(), "nobody".to_owned()];
        let directory = with_queue_supervisors(directory(), "payments", &supervisors);
        let emails: Vec<String> =
            deadline_recipients(&directory, "", "payments").into_iter().map(|c| c.email).collect();
        assert_eq!(emails, ["lead@casino.example", "x@casino.example", "desk@casino.example", "a7@casino.example"]);
        let fresh = with_queue_supervisors(directory, "accounts", &supervisors[..1]);
        assert_eq!(deadline_recipients(&fresh, "", "accounts")[0].id, "queue/accounts");
    }

    #[test]
    fn the_assignee_hears_first() {
        let got = deadline_recipients(&directory(), "agent-7", "payments");
        assert_eq!(got, [StaffContact { id: "staff/agent-7".into(), email: "a7@casino.example".into() }]);
    }

    #[test]
    fn an_unassigned_case_or_an_agent_without_address_goes_to_the_queue_supervisors() {
        let emails =
            |a: &str| deadline_recipients(&directory(), a, "payments").into_iter().map(|c| c.email).collect::<Vec<_>>();
        assert_eq!(emails(""), ["lead@casino.example", "x@casino.example"]);
        assert_eq!(emails("agent-9"), ["lead@casino.example", "x@casino.example"]);
        assert!(deadline_recipients(&directory(), "", "kyc").is_empty());
    }
}

//! Automatic assignment: which available agent of a queue gets a new case.
//! Pure; the store supplies the agents and their open assigned cases.

use redress_proto::resolution::v1::queue::AssignmentMode;

/// The actor of an automatic assignment in the case history.
pub const AUTO_ASSIGN: &str = "redress:auto-assign";

/// An agent who works the queue, with their load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub available: bool,
    pub capacity: i32,
    /// Open cases assigned to the agent (all queues).
    pub open: i64,
}

impl Candidate {
    /// Available and below capacity.
    pub fn can_take(&self) -> bool {
        self.available && self.open < i64::from(self.capacity)
    }
}

/// The agent who gets the next case of a queue in `mode`, among
/// `candidates` (the queue's agents). `last` is the agent who got the
/// queue's previous automatic assignment (round-robin). `None`: the mode
/// assigns nobody, or nobody can take a case.
pub fn pick(mode: AssignmentMode, candidates: &[Candidate], last: &str) -> Option<String> {
    let mut able: Vec<&Candidate> = candidates.iter().filter(|c| c.can_take()).collect();
    able.sort_by(|a, b| a.id.cmp(&b.id));
    match mode {
        AssignmentMode::Unspecified | AssignmentMode::None => None,
        // Fewest open cases; ties by id (the sort is stable).
        AssignmentMode::LeastLoaded => able.iter().min_by_key(|c| c.open).map(|c| c.id.clone()),
        // The first after `last` in id order, wrapping around.
        AssignmentMode::RoundRobin => {
            able.iter().find(|c| c.id.as_str() > last).or_else(|| able.first()).map(|c| c.id.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, available: bool, capacity: i32, open: i64) -> Candidate {
        Candidate { id: id.into(), available, capacity, open }
    }

    #[test]
    fn least_loaded_takes_the_fewest_open_cases_and_skips_the_unavailable_and_full() {
        let agents = [agent("b", true, 5, 2), agent("c", true, 5, 0), agent("a", false, 5, 0), agent("d", true, 1, 1)];
        assert_eq!(pick(AssignmentMode::LeastLoaded, &agents, "").as_deref(), Some("c"));
        let tied = [agent("y", true, 5, 1), agent("x", true, 5, 1)];
        assert_eq!(pick(AssignmentMode::LeastLoaded, &tied, "").as_deref(), Some("x"), "ties by id");
        assert_eq!(pick(AssignmentMode::LeastLoaded, &[agent("d", true, 1, 1)], ""), None, "at capacity");
        assert_eq!(pick(AssignmentMode::None, &agents, ""), None);
        assert_eq!(pick(AssignmentMode::LeastLoaded, &[], ""), None);
    }

    #[test]
    fn round_robin_goes_to_the_next_after_the_last_and_wraps() {
        let agents = [agent("b", true, 5, 4), agent("a", true, 5, 0), agent("c", false, 5, 0)];
        assert_eq!(pick(AssignmentMode::RoundRobin, &agents, "").as_deref(), Some("a"));
        assert_eq!(pick(AssignmentMode::RoundRobin, &agents, "a").as_deref(), Some("b"));
        assert_eq!(pick(AssignmentMode::RoundRobin, &agents, "b").as_deref(), Some("a"), "c is unavailable");
        assert_eq!(pick(AssignmentMode::RoundRobin, &agents, "gone").as_deref(), Some("a"));
    }
}

//! Playbooks: a handling guide per category, from a data file embedded at
//! build time, so a new agent handles a withdrawal complaint the way the best
//! agent would.

use std::collections::BTreeMap;

use redress_proto::{
    common::v1::ComplaintCategory,
    resolution::v1::{Playbook, ResolutionType},
};
use serde::Deserialize;

/// The shipped playbooks.
pub const PLAYBOOKS_TOML: &str = include_str!("../../policy/playbooks.toml");

#[derive(Debug, Clone, Deserialize)]
struct Entry {
    checks: Vec<String>,
    backend_facts: Vec<String>,
    usual_remedies: Vec<String>,
    guidance: String,
}

/// Playbooks by category key (`withdrawal`, …) plus `default`.
#[derive(Debug, Clone)]
pub struct Playbooks(BTreeMap<String, Entry>);

impl Playbooks {
    /// Parses a playbook table.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let table: BTreeMap<String, Entry> = toml::from_str(text).map_err(|e| format!("playbooks: {e}"))?;
        if !table.contains_key("default") {
            return Err("playbooks: a `default` entry is required".into());
        }
        Ok(Self(table))
    }

    /// The shipped playbooks.
    pub fn shipped() -> Result<Self, String> {
        Self::from_toml(PLAYBOOKS_TOML)
    }

    /// The playbook of a category (the default one when it has none).
    pub fn for_category(&self, category: ComplaintCategory) -> Option<Playbook> {
        let key = category.as_str_name().trim_start_matches("COMPLAINT_CATEGORY_").to_ascii_lowercase();
        let entry = self.0.get(&key).or_else(|| self.0.get("default"))?;
        Some(Playbook {
            category: category.into(),
            checks: entry.checks.clone(),
            backend_facts: entry.backend_facts.clone(),
            usual_remedies: entry
                .usual_remedies
                .iter()
                .filter_map(|r| ResolutionType::from_str_name(&format!("RESOLUTION_TYPE_{}", r.to_ascii_uppercase())))
                .map(Into::into)
                .collect(),
            guidance: entry.guidance.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_gets_a_playbook() {
        let books = Playbooks::shipped().unwrap();
        let w = books.for_category(ComplaintCategory::Withdrawal).unwrap();
        assert!(w.backend_facts.iter().any(|f| f.contains("KYC")));
        assert_eq!(w.usual_remedies[0], ResolutionType::Refund as i32);
        let other = books.for_category(ComplaintCategory::Marketing).unwrap();
        assert_eq!(other.category, ComplaintCategory::Marketing as i32);
        assert!(!other.checks.is_empty());
    }
}

//! Typed resource names (AIP-122): `complaints/{id}`, `cases/{id}`, ...
//!
//! Every method that takes one resource takes its typed name, so a case name
//! cannot be passed where a complaint is meant. Names parse from the strings
//! the API returns (`complaint.name`) or are built from an id.

use std::{fmt, str::FromStr};

use crate::Error;

macro_rules! resource_name {
    ($(#[$doc:meta])* $name:ident, $collection:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The collection segment, e.g. `complaints`.
            pub const COLLECTION: &'static str = $collection;

            #[doc = concat!("Parses a full name, `", $collection, "/{id}`.")]
            ///
            /// # Errors
            /// [`Error::Config`] when the text is not such a name.
            pub fn parse(text: &str) -> Result<Self, Error> {
                let id = text
                    .strip_prefix(concat!($collection, "/"))
                    .ok_or_else(|| Error::Config(format!("expected {}/{{id}}, got {text:?}", $collection)))?;
                Self::from_id(id)
            }

            /// Builds the name from a bare id.
            ///
            /// # Errors
            /// [`Error::Config`] when the id is empty or holds `/`, spaces or
            /// control characters.
            pub fn from_id(id: &str) -> Result<Self, Error> {
                if id.is_empty() || id.contains('/') || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(Error::Config(format!("invalid {} id {id:?}", $collection)));
                }
                Ok($name(format!(concat!($collection, "/{}"), id)))
            }

            /// Parses a full name, or takes a bare id as one.
            ///
            /// # Errors
            /// As [`Self::from_id`].
            pub fn parse_or_id(text: &str) -> Result<Self, Error> {
                let text = text.trim();
                Self::from_id(text.strip_prefix(concat!($collection, "/")).unwrap_or(text))
            }

            /// The id: the part after the collection.
            pub fn id(&self) -> &str {
                &self.0[$collection.len() + 1..]
            }

            /// The full name.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self, Error> {
                Self::parse(text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0
            }
        }
    };
}

resource_name!(
    /// A complaint, `complaints/{complaint_id}` (intake).
    ///
    /// ```
    /// use redress_sdk::ComplaintName;
    /// let name = ComplaintName::parse("complaints/0190f7c2")?;
    /// assert_eq!(name.id(), "0190f7c2");
    /// assert!(ComplaintName::parse("cases/0190f7c2").is_err());
    /// # Ok::<(), redress_sdk::Error>(())
    /// ```
    ComplaintName,
    "complaints"
);
resource_name!(
    /// A case, `cases/{case_id}` (resolution).
    ///
    /// ```
    /// use redress_sdk::CaseName;
    /// assert_eq!(CaseName::parse_or_id("42")?.as_str(), "cases/42");
    /// # Ok::<(), redress_sdk::Error>(())
    /// ```
    CaseName,
    "cases"
);
resource_name!(
    /// A notification, `notifications/{notification_id}`.
    NotificationName,
    "notifications"
);
resource_name!(
    /// A notification template, `templates/{template_id}`.
    TemplateName,
    "templates"
);
resource_name!(
    /// A response macro, `macros/{macro_id}` (resolution).
    MacroName,
    "macros"
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_reject() {
        let name: CaseName = "cases/abc".parse().unwrap();
        assert_eq!(name.id(), "abc");
        assert_eq!(name.to_string(), "cases/abc");
        for bad in ["", "cases/", "cases/a/b", "complaints/x", "cases/a b"] {
            assert!(CaseName::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(NotificationName::parse_or_id(" n1 ").unwrap().as_str(), "notifications/n1");
        assert_eq!(String::from(MacroName::from_id("m").unwrap()), "macros/m");
    }
}

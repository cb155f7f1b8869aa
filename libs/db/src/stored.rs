//! Enum columns as typed values: a column holds the proto value name
//! (`COMPLAINT_STATUS_RECEIVED`, `CHANNEL_LIVE_CHAT`), the row field is the
//! enum itself.
//!
//! A stored name the code does not know fails the query loudly (a
//! `DbErr` naming the enum and the value) instead of decoding as the
//! default: a row read back with an unknown status must never be written
//! back as "unspecified".

use std::{fmt, sync::Arc};

use redress_proto::NamedEnum;
use sea_orm::{
    ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value,
    sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr},
};

/// A proto enum stored by its value name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stored<E>(pub E);

impl<E: NamedEnum> Stored<E> {
    /// The enum value.
    pub fn get(self) -> E {
        self.0
    }

    /// The enum's number, as a proto message field holds it.
    pub fn number(self) -> i32
    where
        E: Into<i32>,
    {
        self.0.into()
    }

    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        self.0.as_str_name()
    }
}

impl<E: NamedEnum> From<E> for Stored<E> {
    fn from(value: E) -> Self {
        Self(value)
    }
}

impl<E: NamedEnum> fmt::Debug for Stored<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<E: NamedEnum> fmt::Display for Stored<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored name that is not a value of the enum.
#[derive(Debug)]
struct UnknownName {
    name: String,
    enum_name: &'static str,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stored value {:?} is not a {}", self.name, self.enum_name)
    }
}

impl std::error::Error for UnknownName {}

fn decode<E: NamedEnum>(name: String) -> Result<Stored<E>, UnknownName> {
    E::from_str_name(&name).map(Stored).ok_or(UnknownName { name, enum_name: E::NAME })
}

/// The number of a name from a column that holds an enum's name or is empty
/// (none, unspecified): 0 for empty; a name the code does not know is an
/// error, as for a [`Stored`] column.
pub fn number_or_empty<E: NamedEnum + Into<i32>>(name: &str) -> Result<i32, DbErr> {
    if name.is_empty() {
        return Ok(0);
    }
    decode::<E>(name.to_owned()).map(Stored::number).map_err(|err| DbErr::Type(err.to_string()))
}

impl<E: NamedEnum> From<Stored<E>> for Value {
    fn from(value: Stored<E>) -> Self {
        Value::String(Some(value.as_str().to_owned()))
    }
}

impl<E: NamedEnum> TryGetable for Stored<E> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        decode(String::try_get_by(res, index)?).map_err(|err| {
            TryGetError::DbErr(DbErr::TryIntoErr { from: "String", into: E::NAME, source: Arc::new(err) })
        })
    }
}

impl<E: NamedEnum> ValueType for Stored<E> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        decode(<String as ValueType>::try_from(value)?).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        E::NAME.to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<E: NamedEnum> Nullable for Stored<E> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<E: NamedEnum> sea_orm::sea_query::postgres_array::NotU8 for Stored<E> {}

impl<E: NamedEnum> sea_orm::IntoActiveValue<Stored<E>> for Stored<E> {
    fn into_active_value(self) -> sea_orm::ActiveValue<Stored<E>> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use redress_proto::common::v1::Channel;

    use super::*;

    #[test]
    fn a_known_name_decodes_and_an_unknown_one_is_an_error_naming_both() {
        assert_eq!(decode::<Channel>("CHANNEL_LIVE_CHAT".into()).map(Stored::get).ok(), Some(Channel::LiveChat));
        let err = decode::<Channel>("TELEGRAPH".into()).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("stored value \"TELEGRAPH\" is not a redress.common.v1.Channel"));
        assert_eq!(Value::from(Stored(Channel::Email)), Value::String(Some("CHANNEL_EMAIL".into())));
    }

    #[test]
    fn an_empty_name_is_unspecified_and_an_unknown_one_an_error() {
        assert_eq!(number_or_empty::<Channel>("").ok(), Some(0));
        assert_eq!(number_or_empty::<Channel>("CHANNEL_EMAIL").ok(), Some(Channel::Email as i32));
        assert!(number_or_empty::<Channel>("TELEGRAPH").is_err());
    }
}

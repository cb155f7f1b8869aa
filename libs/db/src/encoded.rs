//! Message columns as typed values: a column holds a prost-encoded proto
//! message, the row field is the message itself.
//!
//! Bytes that do not decode fail the query loudly (a `DbErr` naming the
//! message) instead of reading as the empty message: a case whose body was
//! mangled must never be written back as an empty case.

use std::{fmt, sync::Arc};

use prost::Message;
use sea_orm::{
    ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value,
    sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr},
};

/// A proto message stored prost-encoded.
#[derive(Clone, Default, PartialEq)]
pub struct Encoded<M>(pub M);

impl<M> Encoded<M> {
    /// The message.
    pub fn get(&self) -> &M {
        &self.0
    }

    /// The message, owned.
    pub fn into_inner(self) -> M {
        self.0
    }
}

impl<M> From<M> for Encoded<M> {
    fn from(message: M) -> Self {
        Self(message)
    }
}

impl<M: fmt::Debug> fmt::Debug for Encoded<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The name of a message type in errors, e.g. `Case`.
fn message_name<M>() -> &'static str {
    let full = std::any::type_name::<M>();
    full.rsplit("::").next().unwrap_or(full)
}

fn decode<M: Message + Default>(bytes: &[u8]) -> Result<Encoded<M>, prost::DecodeError> {
    M::decode(bytes).map(Encoded)
}

impl<M: Message> From<Encoded<M>> for Value {
    fn from(value: Encoded<M>) -> Self {
        Value::Bytes(Some(value.0.encode_to_vec()))
    }
}

impl<M: Message + Default> TryGetable for Encoded<M> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        decode(&Vec::<u8>::try_get_by(res, index)?).map_err(|err| {
            TryGetError::DbErr(DbErr::TryIntoErr { from: "bytes", into: message_name::<M>(), source: Arc::new(err) })
        })
    }
}

impl<M: Message + Default> ValueType for Encoded<M> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        decode(&<Vec<u8> as ValueType>::try_from(value)?).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        message_name::<M>().to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Bytes
    }

    fn column_type() -> ColumnType {
        ColumnType::VarBinary(StringLen::None)
    }
}

impl<M: Message + Default> Nullable for Encoded<M> {
    fn null() -> Value {
        Value::Bytes(None)
    }
}

impl<M> sea_orm::sea_query::postgres_array::NotU8 for Encoded<M> {}

impl<M: Message + Default> sea_orm::IntoActiveValue<Encoded<M>> for Encoded<M> {
    fn into_active_value(self) -> sea_orm::ActiveValue<Encoded<M>> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use redress_proto::common::v1::Player;

    use super::*;

    #[test]
    fn a_message_round_trips_and_bytes_that_do_not_decode_are_an_error_naming_it() {
        let player = Player { player_id: "p-1".into(), ..Default::default() };
        let value = Value::from(Encoded(player.clone()));
        assert_eq!(<Encoded<Player> as ValueType>::try_from(value).map(Encoded::into_inner).ok(), Some(player));
        // A field 1 of wire type 2 whose length runs past the end.
        assert!(decode::<Player>(&[0x0a, 0x05, b'p']).is_err());
        assert_eq!(<Encoded<Player> as ValueType>::type_name(), "Player");
    }
}

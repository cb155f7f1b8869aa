//! Idempotent writes, one way for every Redress service (AIP-155).
//!
//! A keyed write (a create or custom method with a `request_id`, or an
//! internal method keyed by an event id) runs in one transaction that also
//! saves its response under (tenant, method, key) with a fingerprint of the
//! request. A retry with the same request gets the saved response; the same
//! key with a different request is ALREADY_EXISTS (`IDEMPOTENCY_KEY_REUSED`)
//! and changes nothing. When two twins race, the one whose transaction
//! commits second fails on the primary key, rolls back, and answers with the
//! winner's saved response.

pub mod entity;
pub mod migration;

use prost::Message;
use redress_db::Inserts;
use redress_errors::ApiError;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, TransactionTrait,
};
use sha2::{Digest, Sha256};

/// The identity of one keyed write.
#[derive(Debug, Clone)]
pub struct Key<'a> {
    /// The caller's tenant.
    pub tenant: &'a str,
    /// The method, e.g. `SubmitComplaint`.
    pub method: &'a str,
    /// The caller's idempotency key.
    pub request_id: &'a str,
    /// SHA-256 of the request without its key.
    pub fingerprint: String,
}

impl<'a> Key<'a> {
    /// The key of `request`, whose idempotency key `clear_key` blanks before
    /// the request is fingerprinted.
    pub fn of<M: Message + Clone>(
        tenant: &'a str,
        method: &'a str,
        request_id: &'a str,
        request: &M,
        clear_key: impl FnOnce(&mut M),
    ) -> Self {
        Self { tenant, method, request_id, fingerprint: fingerprint(request, clear_key) }
    }
}

/// SHA-256 (hex) of a request with its idempotency key cleared.
pub fn fingerprint<M: Message + Clone>(request: &M, clear_key: impl FnOnce(&mut M)) -> String {
    let mut copy = request.clone();
    clear_key(&mut copy);
    hex::encode(Sha256::digest(copy.encode_to_vec()))
}

/// The saved response of `key`, if this key was used before: the same
/// request replays it, another request is refused.
pub async fn replay<R: Message + Default>(conn: &impl ConnectionTrait, key: &Key<'_>) -> Result<Option<R>, ApiError> {
    let found = entity::Entity::find_by_id((key.tenant.to_owned(), key.method.to_owned(), key.request_id.to_owned()))
        .one(conn)
        .await?;
    let Some(record) = found else { return Ok(None) };
    if record.fingerprint != key.fingerprint {
        return Err(ApiError::already_exists(
            "IDEMPOTENCY_KEY_REUSED",
            format!("request_id {:?} was already used with a different request", key.request_id),
        ));
    }
    R::decode(record.response.as_slice()).map(Some).map_err(ApiError::internal)
}

/// Saves the response of `key` inside the caller's transaction. Fails with a
/// unique violation when a twin committed first.
pub async fn save(conn: &impl ConnectionTrait, key: &Key<'_>, response: &impl Message) -> Result<(), DbErr> {
    let mut inserts = Inserts::new();
    save_into(&mut inserts, key, response);
    inserts.execute(conn).await
}

/// Adds the saved response of `key` to a write's [`Inserts`] (see [`save`]).
pub fn save_into(inserts: &mut Inserts, key: &Key<'_>, response: &impl Message) {
    let record = entity::Model {
        tenant_id: key.tenant.to_owned(),
        method: key.method.to_owned(),
        request_id: key.request_id.to_owned(),
        fingerprint: key.fingerprint.clone(),
        response: response.encode_to_vec(),
        created_at: redress_db::now(),
    };
    inserts.push(entity::Entity::insert(record.into_active_model().reset_all()));
}

/// Runs a keyed write: replays a saved response, or runs `write` in a
/// transaction that also saves its response. `write` may add the rows it
/// writes to the [`Inserts`] it is given: they go to the database with the
/// saved response, in one round trip on PostgreSQL. Returns the response and
/// whether it was replayed (a replay changed nothing, so callers wake no
/// relay).
pub async fn run<R, F>(db: &DatabaseConnection, key: &Key<'_>, write: F) -> Result<(R, bool), ApiError>
where
    R: Message + Default,
    F: AsyncFnOnce(&DatabaseTransaction, &mut Inserts) -> Result<R, ApiError>,
{
    let txn = db.begin().await?;
    if let Some(saved) = replay(&txn, key).await? {
        return Ok((saved, true));
    }
    let mut inserts = Inserts::new();
    let response = write(&txn, &mut inserts).await?;
    save_into(&mut inserts, key, &response);
    match inserts.execute(&txn).await {
        Ok(()) => {
            txn.commit().await?;
            Ok((response, false))
        }
        Err(err) => {
            drop(txn);
            replay_the_winner(db, key, err).await
        }
    }
}

/// After a keyed write's rows failed: a unique violation means a twin (or
/// an earlier try) saved its response first, which is replayed; any other
/// error is the write's.
async fn replay_the_winner<R: Message + Default>(
    db: &DatabaseConnection,
    key: &Key<'_>,
    err: DbErr,
) -> Result<(R, bool), ApiError> {
    if !redress_db::is_unique_violation(&err) {
        return Err(err.into());
    }
    let saved = replay(db, key).await?;
    saved.map(|r| (r, true)).ok_or_else(|| ApiError::internal(err))
}

/// Runs a keyed write whose only writes are the rows `write` adds to its
/// [`Inserts`] (it reads what it needs itself, on its own connection): the
/// insert comes first and the replay only when it trips the saved response's
/// primary key, so a new request costs its reads and ONE round trip. On
/// PostgreSQL that round trip is one statement (see [`Inserts`]), atomic on
/// its own, so it runs without BEGIN and COMMIT; under READ COMMITTED a
/// transaction would give the reads no isolation anyway. SQLite runs the
/// statements in a transaction. A retry whose `write` fails (the state it
/// read has moved on) still gets its saved response.
pub async fn run_insert_only<R, F>(db: &DatabaseConnection, key: &Key<'_>, write: F) -> Result<(R, bool), ApiError>
where
    R: Message + Default,
    F: AsyncFnOnce(&mut Inserts) -> Result<R, ApiError>,
{
    let mut inserts = Inserts::new();
    let response = match write(&mut inserts).await {
        Ok(response) => response,
        Err(err) => return replay(db, key).await?.map(|saved| (saved, true)).ok_or(err),
    };
    save_into(&mut inserts, key, &response);
    let inserted = match db.get_database_backend() {
        DbBackend::Postgres => inserts.execute(db).await,
        _ => {
            let txn = db.begin().await?;
            match inserts.execute(&txn).await {
                Ok(()) => txn.commit().await,
                Err(err) => Err(err),
            }
        }
    };
    match inserted {
        Ok(()) => Ok((response, false)),
        Err(err) => replay_the_winner(db, key, err).await,
    }
}

/// Blanks the saved responses of `tenant` that contain any of `needles`
/// (personal values being erased, and the names of the erased resources;
/// see [`redress_db::erasure::needles`]). The records stay, so a retry of
/// such a request is still recognised: it replays an empty response instead
/// of writing again. The erasures' own records (`ErasePlayerData`,
/// `ErasePlayerRecords`), which hold no personal data, are kept whole.
/// Returns how many records were blanked.
pub async fn forget_responses_containing<C: ConnectionTrait>(
    conn: &C,
    tenant: &str,
    needles: &[String],
) -> Result<u64, DbErr> {
    redress_db::erasure::for_each_needle(conn, tenant, needles, "response", |contains| {
        format!(
            "UPDATE idempotency_records SET response = substr(response, 1, 0) WHERE tenant_id = $1 \
             AND method NOT IN ('ErasePlayerData', 'ErasePlayerRecords') AND {contains}"
        )
    })
    .await
}

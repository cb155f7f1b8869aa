//! Queues as resources: CreateQueue, GetQueue, ListQueues, UpdateQueue and
//! DeleteQueue (agents and assignment are in `agents`).

use redress_auth::Caller;
use redress_db::{Encoded, Stored};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::resolution::v1::{
    CreateQueueRequest, CreateQueueResponse, DeleteQueueRequest, DeleteQueueResponse, GetQueueRequest,
    GetQueueResponse, ListQueuesRequest, ListQueuesResponse, Queue, QueueStats, UpdateQueueRequest,
    UpdateQueueResponse, list_queues_response::Entry, queue::AssignmentMode,
};
use sea_orm::TransactionTrait;

use super::{ResolutionApi, convert, now, request_id};
use crate::{
    domain::{
        routing::{self},
        timestamp,
    },
    store::queues::{self as store, Load, QueueDefCursor, queue},
};

/// The fields of a queue an update may change (all when its mask is empty).
const MUTABLE: [&str; 6] = ["display_name", "priority", "rules", "supervisors", "business_hours", "assignment_mode"];

/// The resource name of a queue id.
pub(super) fn queue_name(id: &str) -> String {
    format!("queues/{id}")
}

/// The id in `queues/{queue_id}`.
pub(super) fn queue_id(name: &str, field: &str) -> Result<String, ApiError> {
    name.strip_prefix("queues/")
        .filter(|id| routing::is_queue_id(id))
        .map(str::to_owned)
        .ok_or_else(|| ApiError::invalid_field(field, "must be queues/{queue_id} (lowercase letters, digits, hyphens)"))
}

/// What is stored of a queue: the definition without name, times and etag.
fn spec_of(q: &Queue) -> Queue {
    Queue {
        display_name: q.display_name.clone(),
        priority: q.priority,
        rules: q.rules.clone(),
        supervisors: q.supervisors.clone(),
        business_hours: q.business_hours.clone(),
        assignment_mode: q.assignment_mode,
        ..Default::default()
    }
}

pub(super) fn to_proto(row: &queue::Model) -> Queue {
    Queue {
        name: queue_name(&row.id),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        etag: convert::etag(row.version),
        ..row.spec.get().clone()
    }
}

fn stats(load: Option<&Load>) -> QueueStats {
    let load = load.cloned().unwrap_or_default();
    QueueStats {
        open_cases: load.open,
        oldest_due_time: load.oldest_due.map(timestamp),
        breach_risk_cases: load.at_risk,
        unassigned_cases: load.unassigned,
    }
}

/// The assignment mode as stored (unspecified is NONE).
pub(super) fn mode_of(q: &Queue) -> AssignmentMode {
    match q.assignment_mode() {
        AssignmentMode::Unspecified => AssignmentMode::None,
        mode => mode,
    }
}

impl ResolutionApi {
    pub(super) async fn create_queue(
        &self,
        caller: Caller,
        req: CreateQueueRequest,
    ) -> Result<CreateQueueResponse, ApiError> {
        let tenant = caller.tenant.clone();
        let given = req.queue.clone().unwrap_or_default();
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.check(
            !routing::is_queue_id(&req.queue_id),
            "queue_id",
            "must be 1 to 63 lowercase letters, digits and hyphens, starting with a letter",
        );
        routing::validate(&mut v, &given, "queue");
        v.into_result()?;
        let key = Key::of(&tenant, "CreateQueue", &req.request_id, &req, |r| r.request_id.clear());
        let (response, _replayed) = redress_idempotency::run(&self.db, &key, async |txn, _| {
            if store::find_queue(txn, &tenant, &req.queue_id).await?.is_some() {
                return Err(queue_exists(&req.queue_id));
            }
            let now = now();
            let spec = Queue { assignment_mode: mode_of(&given).into(), ..spec_of(&given) };
            let row = queue::Model {
                tenant_id: tenant.clone(),
                id: req.queue_id.clone(),
                priority: spec.priority,
                assignment_mode: Stored(mode_of(&spec)),
                last_assignee: String::new(),
                spec: Encoded(spec),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            store::insert_queue(txn, row.clone()).await.map_err(|e| {
                // A concurrent create of the same id under another key.
                if redress_db::is_unique_violation(&e) { queue_exists(&req.queue_id) } else { e.into() }
            })?;
            // Cases already in the queue (by name) get their warnings timed
            // by its hours.
            if row.spec.get().business_hours.is_some() {
                store::resweep_queue(txn, &tenant, &req.queue_id).await?;
            }
            Ok(CreateQueueResponse { queue: Some(to_proto(&row)) })
        })
        .await?;
        Ok(response)
    }

    pub(super) async fn get_queue(&self, caller: Caller, req: GetQueueRequest) -> Result<GetQueueResponse, ApiError> {
        let id = queue_id(&req.name, "name")?;
        let row =
            store::find_queue(&self.db, &caller.tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
        let loads = store::queue_loads(&self.db, &caller.tenant, std::slice::from_ref(&id), now()).await?;
        Ok(GetQueueResponse { queue: Some(to_proto(&row)), stats: Some(stats(loads.get(&id))) })
    }

    pub(super) async fn list_queues(
        &self,
        caller: Caller,
        req: ListQueuesRequest,
    ) -> Result<ListQueuesResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<QueueDefCursor> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_queues(&self.db, &caller.tenant, after.as_ref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |q| (q.priority, q.id.clone()));
        let ids: Vec<String> = rows.iter().map(|q| q.id.clone()).collect();
        let loads = store::queue_loads(&self.db, &caller.tenant, &ids, now()).await?;
        let queues =
            rows.iter().map(|q| Entry { queue: Some(to_proto(q)), stats: Some(stats(loads.get(&q.id))) }).collect();
        Ok(ListQueuesResponse { queues, next_page_token })
    }

    pub(super) async fn update_queue(
        &self,
        caller: Caller,
        req: UpdateQueueRequest,
    ) -> Result<UpdateQueueResponse, ApiError> {
        let given = req.queue.clone().unwrap_or_default();
        let id = queue_id(&given.name, "queue.name")?;
        let paths: Vec<&str> =
            req.update_mask.as_ref().map(|m| m.paths.iter().map(String::as_str).collect()).unwrap_or_default();
        let mut v = Violations::new();
        for path in &paths {
            v.check(!MUTABLE.contains(path), "update_mask", "names a field that is not mutable");
        }
        v.into_result()?;
        let txn = self.db.begin().await?;
        let mut row =
            store::find_queue(&txn, &caller.tenant, &id).await?.ok_or_else(|| ApiError::not_found(&given.name))?;
        if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(&given.name));
        }
        let mut merged = row.spec.get().clone();
        let hours_before = merged.business_hours.clone();
        let all = paths.is_empty();
        for path in MUTABLE.into_iter().filter(|p| all || paths.contains(p)) {
            match path {
                "display_name" => merged.display_name = given.display_name.clone(),
                "priority" => merged.priority = given.priority,
                "rules" => merged.rules = given.rules.clone(),
                "supervisors" => merged.supervisors = given.supervisors.clone(),
                "business_hours" => merged.business_hours = given.business_hours.clone(),
                _ => merged.assignment_mode = given.assignment_mode,
            }
        }
        let mut v = Violations::new();
        routing::validate(&mut v, &merged, "queue");
        v.into_result()?;
        merged.assignment_mode = mode_of(&merged).into();
        let expected = row.version;
        row.priority = merged.priority;
        row.assignment_mode = Stored(mode_of(&merged));
        row.spec = Encoded(spec_of(&merged));
        row.version += 1;
        row.updated_at = now();
        if !store::update_queue(&txn, row.clone(), expected).await? {
            return Err(ApiError::stale_etag(&given.name));
        }
        // New hours re-time the warnings of the cases in the queue.
        if row.spec.get().business_hours != hours_before {
            store::resweep_queue(&txn, &caller.tenant, &id).await?;
        }
        txn.commit().await?;
        Ok(UpdateQueueResponse { queue: Some(to_proto(&row)) })
    }

    pub(super) async fn delete_queue(
        &self,
        caller: Caller,
        req: DeleteQueueRequest,
    ) -> Result<DeleteQueueResponse, ApiError> {
        let id = queue_id(&req.name, "name")?;
        let txn = self.db.begin().await?;
        let row = store::find_queue(&txn, &caller.tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
        if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(&req.name));
        }
        let open = store::open_cases_in(&txn, &caller.tenant, &id).await?;
        if open > 0 {
            return Err(ApiError::failed_precondition(
                "QUEUE_NOT_EMPTY",
                format!("{} holds {open} open cases; move or finish them first", req.name),
            )
            .with_metadata("open_cases", open.to_string()));
        }
        if !store::delete_queue(&txn, &caller.tenant, &id, row.version).await? {
            return Err(ApiError::stale_etag(&req.name));
        }
        txn.commit().await?;
        Ok(DeleteQueueResponse {})
    }
}

fn queue_exists(id: &str) -> ApiError {
    ApiError::already_exists("QUEUE_ALREADY_EXISTS", format!("queue {id:?} already exists"))
}

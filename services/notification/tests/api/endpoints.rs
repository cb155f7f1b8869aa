//! Webhook endpoints as resources: CRUD with etags, an idempotent create
//! whose secret is shown once and never kept in the clear, validation,
//! routing of deliveries to the registered endpoint, rotation with an
//! overlap, test sends, and a wrong key that fails loudly.

use redress_auth::Role;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        CreateWebhookEndpointRequest, CreateWebhookEndpointResponse, DeleteWebhookEndpointRequest,
        GetWebhookEndpointRequest, ListDeliveryAttemptsRequest, ListWebhookEndpointsRequest, NotificationEvent,
        RotateWebhookEndpointSecretRequest, TestWebhookEndpointRequest, UpdateWebhookEndpointRequest, WebhookEndpoint,
        delivery_attempt,
        notification::{DeadLetterReason, State},
    },
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use sea_orm::{ConnectionTrait, Statement};
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::{
    helpers::{KEY_A, KEY_B, OTHER_TENANT, TestNotification, complaint_received, config, free_port, player, with_key},
    webhook::Receiver,
};

fn reason(status: &Status) -> String {
    status.get_details_error_info().map(|i| i.reason).unwrap_or_default()
}

fn fields(status: &Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|f| f.field).collect())
        .unwrap_or_default()
}

fn endpoint(url: &str) -> WebhookEndpoint {
    WebhookEndpoint { url: url.into(), description: "chat relay".into(), ..Default::default() }
}

async fn start(db: &TestDb, key: Option<&str>) -> (TestNotification, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(db, free_port());
    cfg.delivery.enabled = false;
    if let Some(key) = key {
        cfg = with_key(cfg, dir.path(), key);
    }
    (TestNotification::start(cfg).await, dir)
}

async fn create(t: &mut TestNotification, request_id: &str, e: WebhookEndpoint) -> CreateWebhookEndpointResponse {
    let req = CreateWebhookEndpointRequest { request_id: request_id.into(), webhook_endpoint: Some(e) };
    t.public.create_webhook_endpoint(t.as_role(Role::Backend, req)).await.unwrap().into_inner()
}

async fn get(t: &mut TestNotification, name: &str) -> Result<WebhookEndpoint, Status> {
    let req = t.as_role(Role::Admin, GetWebhookEndpointRequest { name: name.into() });
    Ok(t.public.get_webhook_endpoint(req).await?.into_inner().webhook_endpoint.unwrap())
}

async fn rotate(t: &mut TestNotification, name: &str, request_id: &str, overlap_s: Option<i64>) -> String {
    let req = RotateWebhookEndpointSecretRequest {
        name: name.into(),
        request_id: request_id.into(),
        overlap: overlap_s.map(|seconds| prost_types::Duration { seconds, nanos: 0 }),
        etag: String::new(),
    };
    t.public.rotate_webhook_endpoint_secret(t.as_role(Role::Backend, req)).await.unwrap().into_inner().secret
}

/// Sends a live-chat acknowledgement and runs one sender round.
async fn deliver_one(t: &mut TestNotification, key: &str) -> redress_proto::notification::v1::Notification {
    let req = complaint_received(key, player("p-1", "Anna", "en", Channel::LiveChat));
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    assert_eq!(t.service.sender().run_once().await.unwrap(), 1);
    t.get(&n.name).await
}

async fn endpoints_are_created_read_listed_updated_and_deleted(db: TestDb) {
    let (mut t, _dir) = start(&db, Some(KEY_A)).await;
    let created = create(&mut t, "create-1", endpoint("https://backend.casino-a.example/redress")).await;
    let first = created.webhook_endpoint.unwrap();
    assert!(first.name.starts_with("webhookEndpoints/"), "{}", first.name);
    assert!(created.secret.starts_with("whsec_") && created.secret.len() == 70, "{}", created.secret);
    assert_eq!(first.secret_hint, created.secret[created.secret.len() - 4..]);
    assert_eq!(first.etag, "\"1\"");
    assert!(first.previous_secret_expire_time.is_none());
    assert_eq!(first.stats.as_ref().unwrap().delivered_count, 0);

    let read = get(&mut t, &first.name).await.unwrap();
    assert_eq!(read, first, "Get shows what Create stored, never the secret (there is no such field)");
    let second = create(&mut t, "create-2", endpoint("https://backup.casino-a.example/redress")).await;
    let second = second.webhook_endpoint.unwrap();

    // Oldest first, one page at a time.
    let page = |token: String| ListWebhookEndpointsRequest { page_size: 1, page_token: token };
    let one = t.public.list_webhook_endpoints(t.as_role(Role::Backend, page(String::new()))).await.unwrap();
    let one = one.into_inner();
    let names: Vec<&str> = one.webhook_endpoints.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, [first.name.as_str()]);
    let two = t.public.list_webhook_endpoints(t.as_role(Role::Backend, page(one.next_page_token))).await.unwrap();
    let two = two.into_inner();
    assert_eq!(two.webhook_endpoints[0].name, second.name);
    assert!(two.next_page_token.is_empty());

    // Update by mask: only the named fields change; the etag moves on.
    let update = UpdateWebhookEndpointRequest {
        webhook_endpoint: Some(WebhookEndpoint {
            name: first.name.clone(),
            url: "ignored: not in the mask".into(),
            description: "in-app inbox".into(),
            events: vec![NotificationEvent::ComplaintReceived.into()],
            disabled: true,
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["description".into(), "events".into(), "disabled".into()],
        }),
        etag: first.etag.clone(),
    };
    let updated = t.public.update_webhook_endpoint(t.as_role(Role::Admin, update.clone())).await.unwrap();
    let updated = updated.into_inner().webhook_endpoint.unwrap();
    assert_eq!(updated.url, first.url);
    assert_eq!(updated.description, "in-app inbox");
    assert_eq!(updated.events, [NotificationEvent::ComplaintReceived as i32]);
    assert!(updated.disabled);
    assert_eq!(updated.etag, "\"2\"");

    // A stale etag: ABORTED, for update and delete alike.
    let err = t.public.update_webhook_endpoint(t.as_role(Role::Admin, update)).await.unwrap_err();
    assert_eq!((err.code(), reason(&err).as_str()), (Code::Aborted, "ETAG_MISMATCH"));
    let delete = |etag: &str| DeleteWebhookEndpointRequest { name: first.name.clone(), etag: etag.into() };
    let err = t.public.delete_webhook_endpoint(t.as_role(Role::Backend, delete("\"1\""))).await.unwrap_err();
    assert_eq!((err.code(), reason(&err).as_str()), (Code::Aborted, "ETAG_MISMATCH"));

    // Roles: an agent may not see endpoints; another tenant gets NOT_FOUND.
    let req = t.as_role(Role::Agent, GetWebhookEndpointRequest { name: first.name.clone() });
    assert_eq!(t.public.get_webhook_endpoint(req).await.unwrap_err().code(), Code::PermissionDenied);
    let foreign = authed(GetWebhookEndpointRequest { name: first.name.clone() }, &token(OTHER_TENANT, &[Role::Admin]));
    assert_eq!(t.public.get_webhook_endpoint(foreign).await.unwrap_err().code(), Code::NotFound);

    t.public.delete_webhook_endpoint(t.as_role(Role::Backend, delete(&updated.etag))).await.unwrap();
    assert_eq!(get(&mut t, &first.name).await.unwrap_err().code(), Code::NotFound);
    let err = t.public.delete_webhook_endpoint(t.as_role(Role::Backend, delete(""))).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    t.service.shutdown().await;
}

async fn a_retried_create_returns_the_same_secret_which_is_never_stored_in_the_clear(db: TestDb) {
    let (mut t, _dir) = start(&db, Some(KEY_A)).await;
    let e = endpoint("https://backend.casino-a.example/redress");
    let first = create(&mut t, "create-1", e.clone()).await;
    let again = create(&mut t, "create-1", e.clone()).await;
    assert_eq!(again, first, "a retry answers with the original endpoint and secret");
    let list = t.public.list_webhook_endpoints(t.as_role(Role::Backend, ListWebhookEndpointsRequest::default()));
    assert_eq!(list.await.unwrap().into_inner().webhook_endpoints.len(), 1, "and creates nothing");

    let other = CreateWebhookEndpointRequest {
        request_id: "create-1".into(),
        webhook_endpoint: Some(endpoint("https://elsewhere.example/")),
    };
    let err = t.public.create_webhook_endpoint(t.as_role(Role::Backend, other)).await.unwrap_err();
    assert_eq!((err.code(), reason(&err).as_str()), (Code::AlreadyExists, "IDEMPOTENCY_KEY_REUSED"));

    // Neither the endpoint row nor the kept response holds the secret.
    let db = t.service.db();
    let backend = db.get_database_backend();
    let mut stored = Vec::new();
    for sql in ["SELECT secret_sealed AS b FROM webhook_endpoints", "SELECT response AS b FROM idempotency_records"] {
        for row in db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap() {
            stored.push(row.try_get::<Vec<u8>>("", "b").unwrap());
        }
    }
    assert_eq!(stored.len(), 2);
    let secret = first.secret.as_bytes();
    let hex_part = &first.secret.as_bytes()[6..];
    for bytes in &stored {
        assert!(!bytes.windows(hex_part.len()).any(|w| w == hex_part || w == secret), "secret stored in the clear");
    }
    t.service.shutdown().await;
}

async fn bad_requests_get_field_violations(db: TestDb) {
    let (mut t, _dir) = start(&db, Some(KEY_A)).await;
    let bad = CreateWebhookEndpointRequest {
        request_id: String::new(),
        webhook_endpoint: Some(WebhookEndpoint {
            url: "http://backend.casino-a.example/plain-http".into(),
            description: "x".repeat(501),
            events: vec![0, NotificationEvent::FinalResponse.into(), 999],
            ..Default::default()
        }),
    };
    let err = t.public.create_webhook_endpoint(t.as_role(Role::Backend, bad)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        fields(&err),
        [
            "request_id",
            "webhook_endpoint.url",
            "webhook_endpoint.description",
            "webhook_endpoint.events[0]",
            "webhook_endpoint.events[2]"
        ]
    );
    let missing = CreateWebhookEndpointRequest { request_id: "r".into(), webhook_endpoint: None };
    let err = t.public.create_webhook_endpoint(t.as_role(Role::Backend, missing)).await.unwrap_err();
    assert_eq!(fields(&err), ["webhook_endpoint"]);

    let name = create(&mut t, "c", endpoint("http://127.0.0.1:9/dev")).await.webhook_endpoint.unwrap().name;
    let update = UpdateWebhookEndpointRequest {
        webhook_endpoint: Some(WebhookEndpoint { name: name.clone(), ..Default::default() }),
        update_mask: Some(prost_types::FieldMask { paths: vec!["secret_hint".into()] }),
        etag: String::new(),
    };
    let err = t.public.update_webhook_endpoint(t.as_role(Role::Backend, update)).await.unwrap_err();
    assert_eq!(fields(&err), ["update_mask"]);
    let emptied = UpdateWebhookEndpointRequest {
        webhook_endpoint: Some(WebhookEndpoint { name: name.clone(), ..Default::default() }),
        update_mask: Some(prost_types::FieldMask { paths: vec!["url".into()] }),
        etag: String::new(),
    };
    let err = t.public.update_webhook_endpoint(t.as_role(Role::Backend, emptied)).await.unwrap_err();
    assert_eq!(fields(&err), ["webhook_endpoint.url"]);

    for (seconds, nanos) in [(8 * 86_400, 0), (-1, 0), (60, 5)] {
        let req = RotateWebhookEndpointSecretRequest {
            name: name.clone(),
            request_id: format!("rotate-{seconds}-{nanos}"),
            overlap: Some(prost_types::Duration { seconds, nanos }),
            etag: String::new(),
        };
        let err = t.public.rotate_webhook_endpoint_secret(t.as_role(Role::Backend, req)).await.unwrap_err();
        assert_eq!(fields(&err), ["overlap"], "{seconds}s {nanos}ns");
    }
    let req = t.as_role(Role::Backend, GetWebhookEndpointRequest { name: "webhookEndpoints/a/b".into() });
    assert_eq!(fields(&t.public.get_webhook_endpoint(req).await.unwrap_err()), ["name"]);
    t.service.shutdown().await;
}

async fn without_a_key_file_endpoints_cannot_be_registered(db: TestDb) {
    let (mut t, _dir) = start(&db, None).await;
    let req = CreateWebhookEndpointRequest {
        request_id: "c".into(),
        webhook_endpoint: Some(endpoint("https://backend.casino-a.example/")),
    };
    let err = t.public.create_webhook_endpoint(t.as_role(Role::Backend, req)).await.unwrap_err();
    assert_eq!((err.code(), reason(&err).as_str()), (Code::FailedPrecondition, "WEBHOOK_SECRET_KEY_MISSING"));
    t.service.shutdown().await;
}

async fn deliveries_go_to_the_endpoint_and_a_rotation_signs_with_both_secrets_during_its_overlap(db: TestDb) {
    let receiver = Receiver::recording().await;
    let bootstrap = Receiver::recording().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = crate::helpers::with_webhook(config(&db, free_port()), bootstrap.url());
    cfg.delivery.enabled = false;
    let mut t = TestNotification::start(with_key(cfg, dir.path(), KEY_A)).await;

    // Before any endpoint is registered, the TOML bootstrap endpoint serves.
    let n = deliver_one(&mut t, "k-0").await;
    assert_eq!(n.state(), State::Delivered);
    assert_eq!(bootstrap.accepted().len(), 1);
    assert!(bootstrap.accepted()[0].endpoint.is_empty());

    let created = create(&mut t, "c", endpoint(&receiver.url())).await;
    let name = created.webhook_endpoint.unwrap().name;
    let first_secret = created.secret;
    let n = deliver_one(&mut t, "k-1").await;
    assert_eq!(n.state(), State::Delivered);
    assert_eq!(bootstrap.accepted().len(), 1, "a registered endpoint replaces the bootstrap one");
    let hooks = receiver.accepted();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].endpoint, name);
    assert_eq!(hooks[0].signatures().len(), 1);
    assert!(hooks[0].verifies(&first_secret));
    let attempts = t
        .public
        .list_delivery_attempts(
            t.as_role(Role::Agent, ListDeliveryAttemptsRequest { parent: n.name.clone(), ..Default::default() }),
        )
        .await
        .unwrap()
        .into_inner()
        .attempts;
    assert_eq!(attempts[0].webhook_endpoint, name);
    assert_eq!(attempts[0].destination, receiver.url());
    let stats = get(&mut t, &name).await.unwrap().stats.unwrap();
    assert_eq!((stats.delivered_count, stats.failed_attempt_count, stats.last_status_code), (1, 0, 200));
    assert_eq!(stats.last_result(), delivery_attempt::Result::Accepted);

    // During the overlap both secrets sign, the new one first.
    let second_secret = rotate(&mut t, &name, "rotate-1", Some(3600)).await;
    assert_ne!(second_secret, first_secret);
    let rotated = get(&mut t, &name).await.unwrap();
    assert!(rotated.previous_secret_expire_time.is_some());
    assert_eq!(rotated.secret_hint, second_secret[second_secret.len() - 4..]);
    assert_eq!(rotate(&mut t, &name, "rotate-1", Some(3600)).await, second_secret, "a retry rotates nothing");
    deliver_one(&mut t, "k-2").await;
    let hook = receiver.accepted().pop().unwrap();
    let signatures = hook.signatures();
    assert_eq!(signatures.len(), 2, "{signatures:?}");
    let single = |entry: &str| crate::webhook::Hook { signature: entry.to_owned(), ..hook.clone() };
    assert!(single(&signatures[0]).verifies(&second_secret) && !single(&signatures[0]).verifies(&first_secret));
    assert!(single(&signatures[1]).verifies(&first_secret));

    // Without overlap the previous secret retires at once.
    let third_secret = rotate(&mut t, &name, "rotate-2", Some(0)).await;
    assert!(get(&mut t, &name).await.unwrap().previous_secret_expire_time.is_none());
    deliver_one(&mut t, "k-3").await;
    let hook = receiver.accepted().pop().unwrap();
    assert_eq!(hook.signatures().len(), 1);
    assert!(hook.verifies(&third_secret));
    assert!(!hook.verifies(&second_secret) && !hook.verifies(&first_secret));

    // A test send is signed the same way, marked, and not counted.
    let test =
        t.public.test_webhook_endpoint(t.as_role(Role::Backend, TestWebhookEndpointRequest { name: name.clone() }));
    let test = test.await.unwrap().into_inner();
    assert_eq!((test.result(), test.status_code), (delivery_attempt::Result::Accepted, 200));
    assert!(test.start_time.is_some() && test.latency.is_some());
    let hook = receiver.accepted().pop().unwrap();
    assert_eq!(hook.test, "true");
    assert!(hook.verifies(&third_secret));
    assert_eq!(get(&mut t, &name).await.unwrap().stats.unwrap().delivered_count, 3);

    // A disabled endpoint gets nothing; with no other, nothing is the bootstrap's either.
    let disable = UpdateWebhookEndpointRequest {
        webhook_endpoint: Some(WebhookEndpoint { name: name.clone(), disabled: true, ..Default::default() }),
        update_mask: Some(prost_types::FieldMask { paths: vec!["disabled".into()] }),
        etag: String::new(),
    };
    t.public.update_webhook_endpoint(t.as_role(Role::Admin, disable)).await.unwrap();
    let n = deliver_one(&mut t, "k-4").await;
    assert_eq!((n.state(), n.dead_letter_reason()), (State::DeadLetter, DeadLetterReason::NoDestination));
    assert_eq!(bootstrap.accepted().len(), 1);
    t.service.shutdown().await;
}

async fn a_wrong_key_fails_loudly_and_sends_nothing_unsigned(db: TestDb) {
    let receiver = Receiver::recording().await;
    let (mut t, _dir) = start(&db, Some(KEY_A)).await;
    let name = create(&mut t, "c", endpoint(&receiver.url())).await.webhook_endpoint.unwrap().name;
    t.service.shutdown().await;

    // The same database, another key.
    let (mut t, _dir) = start(&db, Some(KEY_B)).await;
    let test = t.as_role(Role::Backend, TestWebhookEndpointRequest { name: name.clone() });
    let err = t.public.test_webhook_endpoint(test).await.unwrap_err();
    assert_eq!((err.code(), reason(&err).as_str()), (Code::FailedPrecondition, "WEBHOOK_SECRET_UNREADABLE"));
    let n = deliver_one(&mut t, "k-1").await;
    assert_eq!(n.state(), State::Retrying);
    let last = n.last_attempt.unwrap();
    assert_eq!(last.result(), delivery_attempt::Result::TransientFailure);
    assert!(last.error_message.contains("does not decrypt"), "{}", last.error_message);
    assert!(receiver.accepted().is_empty());
    let stats = get(&mut t, &name).await.unwrap().stats.unwrap();
    assert_eq!((stats.failed_attempt_count, stats.last_status_code), (1, 0));
    t.service.shutdown().await;
}

async fn a_notification_goes_to_the_oldest_enabled_endpoint_subscribed_to_its_event(db: TestDb) {
    let (a, b, c) = (Receiver::recording().await, Receiver::recording().await, Receiver::recording().await);
    let (mut t, _dir) = start(&db, Some(KEY_A)).await;
    let only = |url: String, events: Vec<NotificationEvent>| WebhookEndpoint {
        url,
        events: events.into_iter().map(i32::from).collect(),
        ..Default::default()
    };
    create(&mut t, "a", only(a.url(), vec![NotificationEvent::FinalResponse])).await;
    let b_name = create(&mut t, "b", only(b.url(), vec![])).await.webhook_endpoint.unwrap().name;
    create(&mut t, "c", only(c.url(), vec![NotificationEvent::ComplaintReceived])).await;

    let n = deliver_one(&mut t, "k-1").await;
    assert_eq!(n.delivery.unwrap().destination, b.url());
    assert_eq!((a.accepted().len(), b.accepted().len(), c.accepted().len()), (0, 1, 0));

    // Deleted, the next one subscribed takes over.
    let delete = DeleteWebhookEndpointRequest { name: b_name, etag: String::new() };
    t.public.delete_webhook_endpoint(t.as_role(Role::Admin, delete)).await.unwrap();
    let n = deliver_one(&mut t, "k-2").await;
    assert_eq!(n.delivery.unwrap().destination, c.url());
    assert_eq!((a.accepted().len(), b.accepted().len(), c.accepted().len()), (0, 1, 1));
    t.service.shutdown().await;
}

backend_tests!(
    a_notification_goes_to_the_oldest_enabled_endpoint_subscribed_to_its_event,
    endpoints_are_created_read_listed_updated_and_deleted,
    a_retried_create_returns_the_same_secret_which_is_never_stored_in_the_clear,
    bad_requests_get_field_violations,
    without_a_key_file_endpoints_cannot_be_registered,
    deliveries_go_to_the_endpoint_and_a_rotation_signs_with_both_secrets_during_its_overlap,
    a_wrong_key_fails_loudly_and_sends_nothing_unsigned,
);

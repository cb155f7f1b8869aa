//! The queue at scale: ListCases over many open cases, with its latency.
//! Runs with 2,000 cases by default; `REDRESS_BENCH_CASES=100000 cargo test
//! -p redress-resolution --test api scale -- --nocapture` measures the
//! issue's 100,000-case queue and prints the p50/p99 latency.

use std::time::Instant;

use chrono::Utc;
use redress_proto::{
    common::v1::Priority,
    resolution::v1::{Case, ListCasesRequest, case::State, clock::Kind},
};
use redress_resolution::{
    api::convert,
    domain::{clocks, timestamp},
    store::case,
};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::EntityTrait;

use crate::helpers::{TENANT, TestResolution};

async fn the_queue_stays_fast_with_many_open_cases(db: TestDb) {
    let count: usize = std::env::var("REDRESS_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let t = TestResolution::start(&db).await;
    let now = Utc::now();
    // Rows written directly (OpenCase is tested elsewhere): spread due times
    // over two weeks, priorities and queues over their values.
    let mut batch = Vec::new();
    for i in 0..count {
        let due = now + chrono::Duration::minutes((i * 7919 % 20_160) as i64);
        let body = Case {
            complaint: format!("complaints/bench-{i}"),
            complaint_reference: format!("RDR-2026-{i:06}"),
            subject: format!("case {i}"),
            state: State::InProgress.into(),
            priority: [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent][i % 4].into(),
            queue: ["payments", "bonus", "general"][i % 3].into(),
            clocks: vec![clocks::start(Kind::FinalResponse, now, due, false, "escalate")],
            create_time: Some(timestamp(now)),
            update_time: Some(timestamp(now)),
            ..Default::default()
        };
        batch.push(convert::row_of(&format!("bench-{i:07}"), TENANT, &body, 1, now, None));
        if batch.len() == 500 || i + 1 == count {
            let rows = std::mem::take(&mut batch);
            case::Entity::insert_many(rows.into_iter().map(sea_orm::IntoActiveModel::into_active_model))
                .exec(t.resolution.db())
                .await
                .unwrap();
        }
    }

    if db.backend == redress_testkit::Backend::Postgres {
        // Autovacuum would do this a little later; measure the steady state.
        sea_orm::ConnectionTrait::execute_unprepared(t.resolution.db(), "ANALYZE cases").await.unwrap();
    }
    let mut client = t.client.clone();
    let mut latencies = Vec::new();
    let mut previous_due = None;
    for round in 0..200 {
        let request = match round % 4 {
            0 => ListCasesRequest::default(),
            1 => ListCasesRequest { queue: "payments".into(), ..Default::default() },
            2 => ListCasesRequest { priorities: vec![Priority::Urgent.into()], ..Default::default() },
            _ => ListCasesRequest { unassigned: true, page_size: 100, ..Default::default() },
        };
        let started = Instant::now();
        let page = client.list_cases(t.agent(request)).await.unwrap().into_inner();
        latencies.push(started.elapsed());
        assert!(!page.cases.is_empty());
        if round == 0 {
            // Nearest due first.
            let dues: Vec<_> = page.cases.iter().map(|c| c.next_due_time.unwrap().seconds).collect();
            assert!(dues.windows(2).all(|w| w[0] <= w[1]));
            previous_due = dues.first().copied();
        }
    }
    assert!(previous_due.is_some());
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let (p50, p99) = (pick(0.50), pick(0.99));
    println!("ListCases over {count} open cases on {:?}: p50 {p50:?}, p99 {p99:?}", db.backend);
    // For scale: one case by name, the cheapest read. (Both include about
    // 40 ms of delayed-ACK wait: libs/server serves accepted sockets without
    // TCP_NODELAY; see the report.)
    let mut single = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let request = t.agent(redress_proto::resolution::v1::GetCaseRequest { name: "cases/bench-0000001".into() });
        client.get_case(request).await.unwrap();
        single.push(started.elapsed());
    }
    single.sort();
    println!("GetCase on {:?}: p50 {:?}", db.backend, single[25]);
    t.resolution.shutdown().await;
}

backend_tests!(the_queue_stays_fast_with_many_open_cases);

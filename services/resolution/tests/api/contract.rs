//! The error contract of resolution's filters, as in every List: unknown
//! enum values and out-of-range times are INVALID_ARGUMENT naming the field,
//! on SQLite and PostgreSQL alike.

use prost_types::Timestamp;
use redress_proto::resolution::v1::{GetRegulatoryReturnRequest, ListCasesRequest};
use redress_testkit::{TestDb, backend_tests, violated_fields};
use tonic::Code;

use crate::helpers::{TestResolution, open_request};

async fn unknown_enum_values_and_bad_times_in_filters_are_invalid_argument(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    t.open(open_request("a", "PL")).await;
    let request = ListCasesRequest {
        states: vec![1, 99],
        categories: vec![-1],
        priorities: vec![42],
        deadline_risk: 7,
        ..Default::default()
    };
    let status = t.client.list_cases(t.agent(request)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(violated_fields(&status), ["categories[0]", "deadline_risk", "priorities[0]", "states[1]"]);
    // Known values still list.
    let fine = ListCasesRequest { states: vec![1], ..Default::default() };
    assert!(t.client.list_cases(t.agent(fine)).await.is_ok());

    let far = GetRegulatoryReturnRequest {
        regulator: 1,
        period_start_time: Some(Timestamp { seconds: 1 << 62, nanos: 0 }),
        period_end_time: Some(Timestamp { seconds: 1_700_000_000, nanos: 2_000_000_000 }),
    };
    let status = t.client.get_regulatory_return(t.supervisor(far)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(violated_fields(&status), ["period_end_time", "period_start_time"]);
}

backend_tests!(unknown_enum_values_and_bad_times_in_filters_are_invalid_argument);

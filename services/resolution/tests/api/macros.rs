//! Response macros: upsert, list, render in the player's language, and use
//! in a message to the player.

use redress_proto::{
    common::v1::ComplaintCategory,
    resolution::v1::{
        ListCaseEventsRequest, ListMacrosRequest, Macro, RenderMacroRequest, RespondToPlayerRequest,
        UpdateMacroRequest, r#macro::Purpose,
    },
};
use redress_testkit::{TestDb, backend_tests};
use tonic::Code;

use crate::helpers::{TestResolution, open_request};

fn kyc_macro(name: &str, language: &str, body: &str) -> Macro {
    Macro {
        name: name.into(),
        key: "kyc-request".into(),
        display_name: "Ask for KYC documents".into(),
        purpose: Purpose::InformationRequest.into(),
        category: ComplaintCategory::Withdrawal.into(),
        language_code: language.into(),
        body: body.into(),
        active: true,
        ..Default::default()
    }
}

async fn macros_render_the_case_facts_in_the_players_language(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let create = |id: &str, m: Macro| UpdateMacroRequest {
        request_id: id.into(),
        r#macro: Some(m),
        allow_missing: true,
        ..Default::default()
    };
    let en = create(
        "u-1",
        kyc_macro(
            "",
            "en",
            "Dear {{ player_name }}, please send documents for {{ withdrawal_id }} ({{ complaint_reference }}).{{ bet_id }}",
        ),
    );
    let created = t.client.update_macro(t.supervisor(en.clone())).await.unwrap().into_inner();
    assert!(created.created);
    let replay = t.client.update_macro(t.supervisor(en.clone())).await.unwrap().into_inner();
    assert_eq!(created, replay, "idempotent on request_id");
    assert_eq!(
        t.client.update_macro(t.agent(create("u-0", kyc_macro("", "de", "x")))).await.unwrap_err().code(),
        Code::PermissionDenied
    );

    let pl = create(
        "u-2",
        kyc_macro(
            "macros/kyc-request-pl",
            "pl",
            "Dzień dobry {{ player_name }}, prosimy o dokumenty do {{ withdrawal_id }}.{{ bet_id }}",
        ),
    );
    // Without allow_missing (AIP-134) a missing macro is NOT_FOUND, and an
    // empty name cannot be updated at all.
    let missing = UpdateMacroRequest { allow_missing: false, ..pl.clone() };
    assert_eq!(t.client.update_macro(t.supervisor(missing)).await.unwrap_err().code(), Code::NotFound);
    let nameless = UpdateMacroRequest { allow_missing: false, ..en.clone() };
    assert_eq!(t.client.update_macro(t.supervisor(nameless)).await.unwrap_err().code(), Code::InvalidArgument);
    let pl = t.client.update_macro(t.supervisor(pl)).await.unwrap().into_inner().r#macro.unwrap();
    assert_eq!(pl.name, "macros/kyc-request-pl");
    let twin = create("u-3", kyc_macro("", "pl", "{{ player_name }}"));
    let err = t.client.update_macro(t.supervisor(twin)).await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    let typo = create("u-4", kyc_macro("", "de", "Hallo {{ player_nam }}"));
    assert_eq!(t.client.update_macro(t.supervisor(typo)).await.unwrap_err().code(), Code::InvalidArgument);

    let all = t
        .client
        .list_macros(t.agent(ListMacrosRequest { key: "kyc-request".into(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let languages: Vec<_> = all.macros.iter().map(|m| m.language_code.as_str()).collect();
    assert_eq!(languages, ["en", "pl"]);
    let request = ListMacrosRequest { language_code: "pl-PL".into(), page_size: 1, ..Default::default() };
    let polish = t.client.list_macros(t.agent(request)).await.unwrap().into_inner();
    assert_eq!(polish.macros.len(), 1);
    assert!(polish.next_page_token.is_empty());

    // A Polish player gets the Polish variant of the English macro.
    let mut open = open_request("c1", "PL");
    open.player.as_mut().unwrap().language_code = "pl-PL".into();
    let case = t.open(open).await;
    let english = created.r#macro.unwrap();
    let request = RenderMacroRequest { name: english.name.clone(), case: case.name.clone(), amount: None };
    let rendered = t.client.render_macro(t.agent(request)).await.unwrap().into_inner();
    assert_eq!(rendered.body, "Dzień dobry Anna, prosimy o dokumenty do w-c1.");
    assert_eq!(rendered.rendered_macro, pl.name);
    assert_eq!(rendered.missing_placeholders, ["bet_id"]);

    // A message with only a macro is the rendered macro.
    let request = t.agent(RespondToPlayerRequest {
        name: case.name.clone(),
        request_id: "r".into(),
        r#macro: english.name.clone(),
        ..Default::default()
    });
    let event = t.client.respond_to_player(request).await.unwrap().into_inner().event.unwrap();
    assert_eq!(event.payload_summary, "Dzień dobry Anna, prosimy o dokumenty do w-c1.");

    // Retire the Polish variant (etag checked); the English one renders then.
    let retire = |etag: &str| UpdateMacroRequest {
        request_id: "u-5".into(),
        r#macro: Some(Macro { name: pl.name.clone(), active: false, ..Default::default() }),
        update_mask: Some(prost_types::FieldMask { paths: vec!["active".into()] }),
        etag: etag.into(),
        allow_missing: false,
    };
    assert_eq!(t.client.update_macro(t.supervisor(retire("\"9\""))).await.unwrap_err().code(), Code::Aborted);
    let retired = t.client.update_macro(t.supervisor(retire(&pl.etag))).await.unwrap().into_inner();
    assert!(!retired.created && !retired.r#macro.unwrap().active);
    let request = RenderMacroRequest { name: english.name.clone(), case: case.name.clone(), amount: None };
    let rendered = t.client.render_macro(t.agent(request)).await.unwrap().into_inner();
    assert!(rendered.body.starts_with("Dear Anna"), "{}", rendered.body);
    let history = t
        .client
        .list_case_events(t.agent(ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(history.events.len(), 2);
    t.resolution.shutdown().await;
}

backend_tests!(macros_render_the_case_facts_in_the_players_language);

//! Templates: versions per tenant, event and locale; built-ins; previews with
//! fallback and missing variables.

use redress_auth::Role;
use redress_proto::{
    common::v1::Player,
    notification::v1::{
        ListTemplatesRequest, NotificationEvent, PreviewTemplateRequest, Template, UpdateTemplateRequest,
        preview_template_request::{Selection, Source},
    },
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{OTHER_TENANT, TestNotification, config, free_port};

fn draft(locale: &str, subject: &str) -> Template {
    Template {
        event: NotificationEvent::AgentMessage.into(),
        locale: locale.into(),
        subject: subject.into(),
        body_text: "{{ message }}".into(),
        body_html: String::new(),
        ..Default::default()
    }
}

async fn updates_make_versions_and_an_unchanged_update_changes_nothing(db: TestDb) {
    let mut t = TestNotification::start(config(&db, free_port())).await;
    let update = |template: Template, etag: &str| UpdateTemplateRequest {
        template: Some(template),
        etag: etag.into(),
        allow_missing: true,
    };
    // Without allow_missing (AIP-134) a template the tenant lacks is NOT_FOUND.
    let missing = UpdateTemplateRequest { allow_missing: false, ..update(draft("pt-BR", "Olá"), "") };
    let err = t.public.update_template(t.as_role(Role::Admin, missing)).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let first = t.public.update_template(t.as_role(Role::Admin, update(draft("pt-BR", "Olá"), ""))).await.unwrap();
    let first = first.into_inner();
    assert!(first.created);
    let v1 = first.template.unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.locale, "pt-br");
    assert!(!v1.builtin);

    let same = t.public.update_template(t.as_role(Role::Admin, update(draft("pt-BR", "Olá"), "\"0\""))).await.unwrap();
    let same = same.into_inner();
    assert!(!same.created);
    assert_eq!(same.template.unwrap().version, 1);

    let stale =
        t.public.update_template(t.as_role(Role::Admin, update(draft("pt-BR", "Oi"), "\"0\""))).await.unwrap_err();
    assert_eq!(stale.code(), Code::Aborted);
    let v2 = t.public.update_template(t.as_role(Role::Admin, update(draft("pt-BR", "Oi"), &v1.etag))).await.unwrap();
    let v2 = v2.into_inner().template.unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.name, v1.name);

    let err = t.public.update_template(t.as_role(Role::Agent, update(draft("en", "x"), ""))).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = t.public.update_template(t.as_role(Role::Admin, update(draft("en", "{{ broken"), ""))).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let violation = &err.get_details_bad_request().unwrap().field_violations[0];
    assert_eq!(violation.field, "template.subject");
    assert!(violation.description.contains("line 1, column"), "{}", violation.description);

    let list = t.public.list_templates(t.as_role(Role::Agent, ListTemplatesRequest::default())).await.unwrap();
    assert_eq!(list.into_inner().templates.len(), 1);
    let all = ListTemplatesRequest { include_builtin: true, page_size: 5, ..Default::default() };
    let page = t.public.list_templates(t.as_role(Role::Agent, all.clone())).await.unwrap().into_inner();
    assert_eq!(page.templates.len(), 5);
    let mut count = page.templates.len();
    let mut next_token = page.next_page_token;
    while !next_token.is_empty() {
        let mut next = all.clone();
        next.page_token = next_token;
        let page = t.public.list_templates(t.as_role(Role::Agent, next)).await.unwrap().into_inner();
        count += page.templates.len();
        next_token = page.next_page_token;
    }
    assert_eq!(count, 1 + 9 * 2, "the tenant's template and every built-in in English and Polish");

    let foreign = authed(ListTemplatesRequest::default(), &token(OTHER_TENANT, &[Role::Admin]));
    assert!(t.public.list_templates(foreign).await.unwrap().into_inner().templates.is_empty());
    t.service.shutdown().await;
}

async fn previews_follow_the_fallback_and_list_missing_variables(db: TestDb) {
    let mut t = TestNotification::start(config(&db, free_port())).await;
    let select = |language: &str| PreviewTemplateRequest {
        source: Some(Source::Selection(Selection {
            event: NotificationEvent::FinalResponse.into(),
            language_code: language.into(),
        })),
        recipient: Some(Player { display_name: "Anna".into(), ..Default::default() }),
        complaint_reference: "RDR-2026-000007".into(),
        variables: [
            ("message".to_owned(), "Zwrot 500 PLN".to_owned()),
            ("adr_body_name".to_owned(), "Rzecznik Finansowy".to_owned()),
        ]
        .into_iter()
        .collect(),
    };
    let pl = t.public.preview_template(t.as_role(Role::Agent, select("pl-PL"))).await.unwrap().into_inner();
    assert_eq!(pl.locale, "pl");
    let body = pl.rendered.unwrap().body_text;
    assert!(body.contains("Rzecznik Finansowy"), "the ADR body is named: {body}");
    assert!(body.contains("Zwrot 500 PLN"));
    let pt = t.public.preview_template(t.as_role(Role::Agent, select("pt-BR"))).await.unwrap().into_inner();
    assert_eq!(pt.locale, "en", "no Portuguese template: the tenant default, English");
    assert!(pt.template.starts_with("templates/builtin-en-"));
    assert_eq!(pt.template_version, 1);

    let draft = PreviewTemplateRequest {
        source: Some(Source::Draft(Template {
            subject: "{{ complaint_reference }}: {{ title }}".into(),
            body_text: "{{ message | default('-') }} {{ survey_url }}".into(),
            body_html: "<b>{{ title }}</b>".into(),
            ..Default::default()
        })),
        variables: [("title".to_owned(), "<i>x</i>".to_owned())].into_iter().collect(),
        complaint_reference: "RDR-1".into(),
        ..Default::default()
    };
    let preview = t.public.preview_template(t.as_role(Role::Agent, draft)).await.unwrap().into_inner();
    assert_eq!(preview.missing_variables, ["survey_url"]);
    let rendered = preview.rendered.unwrap();
    assert_eq!(rendered.subject, "RDR-1: <i>x</i>");
    assert_eq!(rendered.body_html, "<b>&lt;i&gt;x&lt;&#x2f;i&gt;</b>");
    assert_eq!(preview.template_version, 0);

    let err = t.public.preview_template(t.as_role(Role::Backend, PreviewTemplateRequest::default())).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    t.service.shutdown().await;
}

backend_tests!(
    updates_make_versions_and_an_unchanged_update_changes_nothing,
    previews_follow_the_fallback_and_list_missing_variables,
);

//! Templates: UpdateTemplate, ListTemplates and PreviewTemplate.

use redress_auth::Caller;
use redress_db::{Stored, new_id, now};
use redress_errors::{ApiError, ErrorCode, Violations};
use redress_proto::notification::v1::{
    ListTemplatesRequest, ListTemplatesResponse, NotificationEvent, PreviewTemplateRequest, PreviewTemplateResponse,
    RenderedMessage, Template, UpdateTemplateRequest, UpdateTemplateResponse, preview_template_request,
};
use sea_orm::TransactionTrait;

use redress_paging::filter_of;

use super::{NotificationApi, check_variables, convert};
use crate::{
    catalog,
    domain::templates::{self, Revision},
    store::{self, template as template_row},
};

fn concurrent_update() -> ApiError {
    ApiError::new(ErrorCode::Aborted, "CONCURRENT_UPDATE", "the template changed concurrently; retry")
}

impl NotificationApi {
    pub(crate) async fn update_template(
        &self,
        caller: Caller,
        req: UpdateTemplateRequest,
    ) -> Result<UpdateTemplateResponse, ApiError> {
        let t = req.template.clone().unwrap_or_default();
        let mut v = Violations::new();
        v.check(req.template.is_none(), "template", "is required");
        let event = NotificationEvent::try_from(t.event).unwrap_or(NotificationEvent::Unspecified);
        v.check(event == NotificationEvent::Unspecified, "template.event", "must be a known, specified event");
        v.language_tag(&t.locale, "template.locale", true);
        v.text(&t.subject, "template.subject", true, 500);
        v.text(&t.body_text, "template.body_text", true, 50_000);
        v.check(t.body_html.chars().count() > 200_000, "template.body_html", "must be at most 200000 characters");
        v.into_result()?;
        let content = templates::Content {
            subject: t.subject.clone(),
            body_text: t.body_text.clone(),
            body_html: t.body_html.clone(),
        };
        templates::check_syntax(&content)
            .map_err(|e| ApiError::invalid_field(format!("template.{}", e.field), e.message))?;
        let locale = t.locale.to_ascii_lowercase();
        let tenant = caller.tenant.clone();
        let event_name = event.as_str_name();

        for _ in 0..2 {
            let txn = self.db.begin().await?;
            let existing = store::find_template(&txn, &tenant, event_name, &locale).await?;
            let now = now();
            let (row, created) = match existing {
                // AIP-134: only `allow_missing` creates; a built-in template
                // is not the tenant's, so overriding one is a create too.
                None if !req.allow_missing => {
                    return Err(ApiError::not_found(format!("the template for {event_name} in locale {locale:?}")));
                }
                None => {
                    let row = template_row::Model {
                        id: new_id(),
                        tenant_id: tenant.clone(),
                        event: Stored(event),
                        locale: locale.clone(),
                        version: 1,
                        subject: content.subject.clone(),
                        body_text: content.body_text.clone(),
                        body_html: content.body_html.clone(),
                        updater: caller.subject.clone(),
                        created_at: now,
                        updated_at: now,
                    };
                    match store::insert_template(&txn, row.clone()).await {
                        Ok(()) => {}
                        // A concurrent first create won; go again as an update.
                        Err(err) if redress_db::is_unique_violation(&err) => continue,
                        Err(err) => return Err(err.into()),
                    }
                    (row, true)
                }
                Some(mut row) => {
                    let name = format!("templates/{}", row.id);
                    let etag = convert::etag(i64::from(row.version));
                    let current = templates::Content {
                        subject: row.subject.clone(),
                        body_text: row.body_text.clone(),
                        body_html: row.body_html.clone(),
                    };
                    let stored = templates::Stored { name: &name, etag: &etag, content: &current };
                    if templates::revise(stored, &t.name, &req.etag, &content)? == Revision::Unchanged {
                        let template = convert::template(event, &catalog::stored(row));
                        return Ok(UpdateTemplateResponse { template: Some(template), created: false });
                    }
                    let expected = row.version;
                    row.version += 1;
                    row.subject = content.subject.clone();
                    row.body_text = content.body_text.clone();
                    row.body_html = content.body_html.clone();
                    row.updater = caller.subject.clone();
                    row.updated_at = now;
                    if !store::update_template(&txn, row.clone(), expected).await? {
                        return Err(concurrent_update());
                    }
                    (row, false)
                }
            };
            store::insert_template_version(&txn, &row).await?;
            txn.commit().await?;
            tracing::info!(template = %row.id, version = row.version, by = %caller.subject, "template saved");
            return Ok(UpdateTemplateResponse {
                template: Some(convert::template(event, &catalog::stored(row))),
                created,
            });
        }
        Err(concurrent_update())
    }

    pub(crate) async fn list_templates(
        &self,
        caller: Caller,
        req: ListTemplatesRequest,
    ) -> Result<ListTemplatesResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let event = match NotificationEvent::try_from(req.event) {
            Ok(NotificationEvent::Unspecified) => None,
            Ok(e) => Some(e),
            Err(_) => return Err(ApiError::invalid_field("event", "must be a known event")),
        };
        let locale = (!req.locale.is_empty()).then(|| req.locale.to_ascii_lowercase());
        let rows =
            store::list_templates(&self.db, &caller.tenant, event.map(|e| e.as_str_name()), locale.as_deref()).await?;
        let mut all: Vec<Template> = rows
            .into_iter()
            .map(|row| {
                let e = row.event.get();
                convert::template(e, &catalog::stored(row))
            })
            .collect();
        if req.include_builtin {
            for (e, selected) in self.catalog.builtins(event) {
                if locale.as_deref().is_none_or(|l| l == selected.locale) {
                    all.push(convert::template(e, &selected));
                }
            }
        }
        all.sort_by(|a, b| (a.event, &a.locale, a.builtin).cmp(&(b.event, &b.locale, b.builtin)));
        let filter_key = filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let offset: usize = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?.unwrap_or(0);
        let page: Vec<Template> = all.iter().skip(offset).take(size as usize).cloned().collect();
        let next = offset + page.len();
        let next_page_token =
            if next < all.len() { self.page_tokens.encode(&caller.tenant, &filter_key, &next) } else { String::new() };
        Ok(ListTemplatesResponse { templates: page, next_page_token })
    }

    pub(crate) async fn preview_template(
        &self,
        caller: Caller,
        req: PreviewTemplateRequest,
    ) -> Result<PreviewTemplateResponse, ApiError> {
        let mut v = Violations::new();
        check_variables(&mut v, &req.variables, "variables");
        v.into_result()?;
        let (content, name, version, locale, field) = match &req.source {
            None => return Err(ApiError::invalid_field("source", "one of template, draft or selection is required")),
            Some(preview_template_request::Source::Template(name)) => {
                let id = name
                    .strip_prefix("templates/")
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| ApiError::invalid_field("template", "must be templates/{template_id}"))?;
                let selected = match self.catalog.builtin_by_id(id) {
                    Some((_, s)) => s,
                    None => store::find_template_by_id(&self.db, &caller.tenant, id)
                        .await?
                        .map(catalog::stored)
                        .ok_or_else(|| ApiError::not_found(name))?,
                };
                (selected.content, selected.name, selected.version, selected.locale, "template")
            }
            Some(preview_template_request::Source::Draft(draft)) => {
                let content = templates::Content {
                    subject: draft.subject.clone(),
                    body_text: draft.body_text.clone(),
                    body_html: draft.body_html.clone(),
                };
                let locale = if draft.locale.is_empty() { "en".to_owned() } else { draft.locale.to_ascii_lowercase() };
                (content, String::new(), 0, locale, "draft")
            }
            Some(preview_template_request::Source::Selection(selection)) => {
                let event = NotificationEvent::try_from(selection.event).unwrap_or(NotificationEvent::Unspecified);
                if event == NotificationEvent::Unspecified {
                    return Err(ApiError::invalid_field("selection.event", "must be a known, specified event"));
                }
                let default_locale = self.config.default_locale(&caller.tenant);
                let selected = self
                    .catalog
                    .select(&self.db, &caller.tenant, event, &selection.language_code, &default_locale)
                    .await?
                    .ok_or_else(|| ApiError::internal("no built-in template for an event"))?;
                (selected.content, selected.name, selected.version, selected.locale, "selection")
            }
        };
        let recipient = req.recipient.clone().unwrap_or_default();
        let vars = templates::preview_variables(&recipient.display_name, &req.complaint_reference, &req.variables);
        let (rendered, missing_variables) = templates::preview(&content, &locale, &vars)
            .map_err(|e| ApiError::invalid_field(format!("{field}.{}", e.field), e.message))?;
        Ok(PreviewTemplateResponse {
            rendered: Some(RenderedMessage {
                subject: rendered.subject,
                body_text: rendered.body_text,
                body_html: rendered.body_html,
            }),
            template: name,
            template_version: version,
            locale,
            missing_variables,
        })
    }
}

//! Which template a notification uses: the tenant's own templates first,
//! then Redress's built-in ones, per locale in fallback order.

use redress_proto::notification::v1::NotificationEvent;
use sea_orm::{ConnectionTrait, DbErr};

use crate::{
    domain::{
        self,
        templates::{Builtins, Content},
    },
    store::{self, template},
};

/// The id prefix of built-in templates, e.g. `templates/builtin-pl-final_response`.
pub const BUILTIN_PREFIX: &str = "builtin-";

/// A selected template.
#[derive(Debug, Clone)]
pub struct Selected {
    /// `templates/{id}`.
    pub name: String,
    pub version: i32,
    /// The locale of the template.
    pub locale: String,
    pub content: Content,
    /// The stored row, `None` for a built-in template.
    pub row: Option<template::Model>,
}

/// The templates shipped with Redress plus the tenant's, from the database.
pub struct Catalog {
    builtins: Builtins,
}

impl Catalog {
    /// The catalog with the embedded built-in templates.
    pub fn new() -> Result<Self, toml::de::Error> {
        Ok(Self { builtins: Builtins::load()? })
    }

    /// The built-in template of an event in a locale, if shipped.
    pub fn builtin(&self, event: NotificationEvent, locale: &str) -> Option<Selected> {
        let slug = domain::event_slug(event);
        self.builtins.get(locale, &slug).map(|content| Selected {
            name: format!("templates/{BUILTIN_PREFIX}{locale}-{slug}"),
            version: 1,
            locale: locale.to_owned(),
            content: content.clone(),
            row: None,
        })
    }

    /// Every built-in template of an event (or all events), by event then locale.
    pub fn builtins(&self, event: Option<NotificationEvent>) -> Vec<(NotificationEvent, Selected)> {
        let mut out = Vec::new();
        for e in domain::EVENTS.iter().copied().filter(|e| event.is_none_or(|want| want == *e)) {
            for locale in self.builtins.locales() {
                if let Some(s) = self.builtin(e, locale) {
                    out.push((e, s));
                }
            }
        }
        out
    }

    /// A built-in template by its id.
    pub fn builtin_by_id(&self, id: &str) -> Option<(NotificationEvent, Selected)> {
        let rest = id.strip_prefix(BUILTIN_PREFIX)?;
        let (locale, slug) = rest.split_once('-')?;
        let event = domain::EVENTS.into_iter().find(|e| domain::event_slug(*e) == slug)?;
        self.builtin(event, locale).map(|s| (event, s))
    }

    /// The template for an event and a player's language, after fallback:
    /// for each candidate locale (exact, primary, tenant default, English),
    /// the tenant's template, then the built-in one. Built-in English exists
    /// for every event, so there is always a template.
    pub async fn select<C: ConnectionTrait>(
        &self,
        c: &C,
        tenant: &str,
        event: NotificationEvent,
        language_code: &str,
        tenant_default: &str,
    ) -> Result<Option<Selected>, DbErr> {
        let event_name = event.as_str_name();
        for locale in domain::locale_candidates(language_code, tenant_default) {
            if let Some(row) = store::find_template(c, tenant, event_name, &locale).await? {
                return Ok(Some(stored(row)));
            }
            if let Some(builtin) = self.builtin(event, &locale) {
                return Ok(Some(builtin));
            }
        }
        Ok(None)
    }
}

/// A stored template as a selection.
pub fn stored(row: template::Model) -> Selected {
    Selected {
        name: format!("templates/{}", row.id),
        version: row.version,
        locale: row.locale.clone(),
        content: Content {
            subject: row.subject.clone(),
            body_text: row.body_text.clone(),
            body_html: row.body_html.clone(),
        },
        row: Some(row),
    }
}

//! Response macros: ListMacros, UpdateMacro, RenderMacro, and rendering a
//! macro into a message when an agent sends one without a body.

use redress_auth::Caller;
use redress_db::Stored;
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::{
    common::v1::{ComplaintCategory, Money},
    resolution::v1::{
        Case, ListMacrosRequest, ListMacrosResponse, Macro, RenderMacroRequest, RenderMacroResponse,
        UpdateMacroRequest, UpdateMacroResponse, r#macro::Purpose,
    },
};

use super::{MAX_BODY, ResolutionApi, convert, new_id, now, request_id};
use crate::{
    domain::{macros, timestamp},
    store::{self, MacroCursor, MacroFilter, response_macro},
};

/// The fields of a macro an update may change (all when its mask is empty).
const MUTABLE: [&str; 8] =
    ["key", "display_name", "purpose", "category", "language_code", "resolution_type", "body", "active"];

/// The resource name of a macro id.
fn macro_name(id: &str) -> String {
    format!("macros/{id}")
}

/// The id in `macros/{id}`: 1 to 63 lowercase letters, digits and hyphens.
fn macro_id(name: &str, field: &str) -> Result<String, ApiError> {
    name.strip_prefix("macros/")
        .filter(|id| {
            (1..=63).contains(&id.len()) && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_owned)
        .ok_or_else(|| ApiError::invalid_field(field, "must be macros/{macro_id} (lowercase letters, digits, hyphens)"))
}

fn to_proto(row: &response_macro::Model) -> Macro {
    Macro {
        name: macro_name(&row.id),
        key: row.key.clone(),
        display_name: row.display_name.clone(),
        purpose: row.purpose.number(),
        category: row.category,
        language_code: row.language_code.clone(),
        resolution_type: row.resolution_type.number(),
        body: row.body.clone(),
        active: row.active,
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        etag: convert::etag(row.version),
    }
}

fn validate_macro(v: &mut Violations, m: &Macro) {
    v.text(&m.key, "macro.key", true, 100);
    v.text(&m.display_name, "macro.display_name", false, 200);
    v.check(
        Purpose::try_from(m.purpose).unwrap_or(Purpose::Unspecified) == Purpose::Unspecified,
        "macro.purpose",
        "must be a known, specified purpose",
    );
    v.check(ComplaintCategory::try_from(m.category).is_err(), "macro.category", "must be a known category");
    v.text(&m.language_code, "macro.language_code", true, 35);
    v.text(&m.body, "macro.body", true, MAX_BODY);
    if !m.body.is_empty()
        && let Err(problem) = macros::check(&m.body)
    {
        v.add("macro.body", problem);
    }
}

impl ResolutionApi {
    pub(super) async fn list_macros(
        &self,
        caller: Caller,
        req: ListMacrosRequest,
    ) -> Result<ListMacrosResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)? as usize;
        let filter = MacroFilter {
            key: Some(req.key.clone()).filter(|k| !k.is_empty()),
            purpose: Purpose::try_from(req.purpose).ok().filter(|p| *p != Purpose::Unspecified),
            category: (req.category != 0).then_some(req.category),
            show_inactive: req.show_inactive,
        };
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<MacroCursor> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows: Vec<_> = store::list_macros(&self.db, &caller.tenant, &filter, after.as_ref())
            .await?
            .into_iter()
            .filter(|m| req.language_code.is_empty() || macros::language_matches(&req.language_code, &m.language_code))
            .take(size + 1)
            .collect();
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size as u64, &caller.tenant, &filter_key, |m| -> MacroCursor {
                (m.key.clone(), m.category, m.language_code.clone(), m.id.clone())
            });
        Ok(ListMacrosResponse { macros: rows.iter().map(to_proto).collect(), next_page_token })
    }

    pub(super) async fn update_macro(
        &self,
        caller: Caller,
        req: UpdateMacroRequest,
    ) -> Result<UpdateMacroResponse, ApiError> {
        let tenant = caller.tenant.clone();
        let given = req.r#macro.clone().unwrap_or_default();
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        // AIP-134: the name selects the macro; only `allow_missing` may create
        // one, under the given id or, with an empty name, a generated one.
        if given.name.is_empty() && !req.allow_missing {
            return Err(ApiError::invalid_field("macro.name", "is required unless allow_missing is set"));
        }
        let id = if given.name.is_empty() { None } else { Some(macro_id(&given.name, "macro.name")?) };
        let key = Key::of(&tenant, "UpdateMacro", &req.request_id, &req, |r| r.request_id.clear());
        let (response, _replayed) = redress_idempotency::run(&self.db, &key, async |txn, _| {
            let existing = match &id {
                Some(id) => store::find_macro(txn, &tenant, id).await?,
                None => None,
            };
            let now = now();
            let (row, created) = match existing {
                Some(mut row) => {
                    if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
                        return Err(ApiError::stale_etag(&given.name));
                    }
                    let mut merged = to_proto(&row);
                    let paths: Vec<&str> = req
                        .update_mask
                        .as_ref()
                        .map(|m| m.paths.iter().map(String::as_str).collect())
                        .unwrap_or_default();
                    let all = paths.is_empty();
                    for path in MUTABLE {
                        if !(all || paths.contains(&path)) {
                            continue;
                        }
                        match path {
                            "key" => merged.key = given.key.clone(),
                            "display_name" => merged.display_name = given.display_name.clone(),
                            "purpose" => merged.purpose = given.purpose,
                            "category" => merged.category = given.category,
                            "language_code" => merged.language_code = given.language_code.clone(),
                            "resolution_type" => merged.resolution_type = given.resolution_type,
                            "body" => merged.body = given.body.clone(),
                            _ => merged.active = given.active,
                        }
                    }
                    for path in &paths {
                        v.check(!MUTABLE.contains(path), "update_mask", "names a field that is not mutable");
                    }
                    validate_macro(&mut v, &merged);
                    v.into_result()?;
                    let expected = row.version;
                    row.key = merged.key.clone();
                    row.display_name = merged.display_name.clone();
                    row.purpose = Stored(merged.purpose());
                    row.category = merged.category;
                    row.language_code = merged.language_code.clone();
                    row.resolution_type = Stored(merged.resolution_type());
                    row.body = merged.body.clone();
                    row.active = merged.active;
                    row.version += 1;
                    row.updated_at = now;
                    self.refuse_twin(txn, &row).await?;
                    if !store::update_macro(txn, row.clone(), expected).await? {
                        return Err(ApiError::stale_etag(&given.name));
                    }
                    (row, false)
                }
                None if !req.allow_missing => return Err(ApiError::not_found(&given.name)),
                None => {
                    validate_macro(&mut v, &given);
                    v.into_result()?;
                    let row = response_macro::Model {
                        id: id.clone().unwrap_or_else(new_id),
                        tenant_id: tenant.clone(),
                        key: given.key.clone(),
                        display_name: given.display_name.clone(),
                        purpose: Stored(given.purpose()),
                        category: given.category,
                        language_code: given.language_code.clone(),
                        resolution_type: Stored(given.resolution_type()),
                        body: given.body.clone(),
                        active: given.active,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    };
                    self.refuse_twin(txn, &row).await?;
                    store::insert_macro(txn, row.clone()).await?;
                    (row, true)
                }
            };
            Ok(UpdateMacroResponse { r#macro: Some(to_proto(&row)), created })
        })
        .await?;
        Ok(response)
    }

    /// Two active macros may not share key, category and language.
    async fn refuse_twin(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        row: &response_macro::Model,
    ) -> Result<(), ApiError> {
        if !row.active {
            return Ok(());
        }
        let twins = store::macro_variants(txn, &row.tenant_id, &row.key, row.category).await?;
        if twins.iter().any(|m| m.id != row.id && m.language_code.eq_ignore_ascii_case(&row.language_code)) {
            return Err(ApiError::already_exists(
                "MACRO_ALREADY_EXISTS",
                format!("an active macro {:?} already exists for this category and language", row.key),
            ));
        }
        Ok(())
    }

    /// Renders the macro `name` (or its variant in the player's language)
    /// with the case's facts.
    pub(super) async fn render(
        &self,
        tenant: &str,
        name: &str,
        field: &str,
        case: &Case,
        amount: Option<&Money>,
        agent: &str,
    ) -> Result<RenderMacroResponse, ApiError> {
        let id = macro_id(name, field)?;
        let chosen = store::find_macro(&self.db, tenant, &id)
            .await?
            .filter(|m| m.active)
            .ok_or_else(|| ApiError::not_found(name))?;
        let language = case.player.as_ref().map(|p| p.language_code.clone()).unwrap_or_default();
        let variants = store::macro_variants(&self.db, tenant, &chosen.key, chosen.category).await?;
        let variant = variants
            .iter()
            .find(|m| m.language_code.eq_ignore_ascii_case(&language))
            .or_else(|| variants.iter().find(|m| macros::language_matches(&language, &m.language_code)))
            .unwrap_or(&chosen);
        let facts = macros::facts(case, amount, agent, "");
        let (body, missing_placeholders) =
            macros::render(&variant.body, &facts).map_err(|e| ApiError::invalid_field(field, e))?;
        Ok(RenderMacroResponse {
            body,
            rendered_macro: macro_name(&variant.id),
            language_code: variant.language_code.clone(),
            missing_placeholders,
        })
    }

    pub(super) async fn render_macro(
        &self,
        caller: Caller,
        req: RenderMacroRequest,
    ) -> Result<RenderMacroResponse, ApiError> {
        let row = self.load(&caller.tenant, &req.case, "case").await?;
        let case = self.present(&row);
        self.render(&caller.tenant, &req.name, "name", &case, req.amount.as_ref(), &caller.subject).await
    }

    /// The text to send: the body as written, or the macro rendered with the
    /// case's facts when the body is empty.
    pub(super) async fn text_or_macro(
        &self,
        tenant: &str,
        case_name: &str,
        body: &str,
        macro_name: &str,
        amount: Option<&Money>,
        agent: &str,
    ) -> Result<String, ApiError> {
        if !body.is_empty() || macro_name.is_empty() {
            return Ok(body.to_owned());
        }
        let row = self.load(tenant, case_name, "name").await?;
        let case = self.present(&row);
        Ok(self.render(tenant, macro_name, "macro", &case, amount, agent).await?.body)
    }
}

//! Rendering with minijinja: strict about undefined variables (a missing
//! variable fails rendering instead of sending a message with a hole in it),
//! HTML-escaping in the HTML body only, and a locale-aware `date` filter.
//! Also the built-in templates shipped in `templates/*.toml`.

use std::collections::{BTreeMap, HashMap};

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Deserialize;

/// The content of a template: what an admin writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Content {
    /// Subject, plain text.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body; empty for text-only e-mail.
    #[serde(default)]
    pub body_html: String,
}

/// A rendered message.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

/// Which field of a template failed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct TemplateError {
    /// `subject`, `body_text` or `body_html`.
    pub field: &'static str,
    /// What went wrong, with line and column for syntax errors.
    pub message: String,
    /// True when a variable was missing (as opposed to a syntax error).
    pub undefined: bool,
}

const FIELDS: [&str; 3] = ["subject", "body_text", "body_html"];

fn source<'a>(content: &'a Content, field: &str) -> &'a str {
    match field {
        "subject" => &content.subject,
        "body_text" => &content.body_text,
        _ => &content.body_html,
    }
}

/// The template name minijinja sees: the `.html` suffix switches on
/// auto-escaping for the HTML body only.
fn file_name(field: &str) -> &'static str {
    match field {
        "subject" => "subject.txt",
        "body_text" => "body_text.txt",
        _ => "body_html.html",
    }
}

fn environment(locale: &str, behavior: UndefinedBehavior) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(behavior);
    env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
    let polish = locale.split('-').next().is_some_and(|l| l.eq_ignore_ascii_case("pl"));
    env.add_filter("date", move |value: String| -> String { format_date(&value, polish) });
    env
}

/// Formats an RFC 3339 time as a date for the locale ("14.01.2026" in Polish,
/// "14 January 2026" otherwise); anything else passes through unchanged.
fn format_date(value: &str, polish: bool) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(value) else { return value.to_owned() };
    if polish { at.format("%d.%m.%Y").to_string() } else { at.format("%-d %B %Y").to_string() }
}

fn to_error(field: &'static str, src: &str, err: &minijinja::Error) -> TemplateError {
    let undefined = err.kind() == ErrorKind::UndefinedError;
    let mut message = err.detail().map(str::to_owned).unwrap_or_else(|| err.kind().to_string());
    if let Some(line) = err.line() {
        let column = err
            .range()
            .map(|r| {
                let start = r.start.min(src.len());
                let line_start = src[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
                src[line_start..start].chars().count() + 1
            })
            .unwrap_or(1);
        message = format!("line {line}, column {column}: {message}");
    }
    TemplateError { field, message: message.to_lowercase(), undefined }
}

/// Checks the syntax of every field without rendering.
pub fn check_syntax(content: &Content) -> Result<(), TemplateError> {
    let env = environment("en", UndefinedBehavior::Lenient);
    for field in FIELDS {
        let src = source(content, field);
        env.template_from_named_str(file_name(field), src).map_err(|e| to_error(field, src, &e))?;
    }
    Ok(())
}

fn render_with(
    content: &Content,
    locale: &str,
    vars: &BTreeMap<String, String>,
    behavior: UndefinedBehavior,
) -> Result<Rendered, TemplateError> {
    let env = environment(locale, behavior);
    let mut out = Rendered::default();
    for field in FIELDS {
        let src = source(content, field);
        if src.is_empty() {
            continue;
        }
        let template = env.template_from_named_str(file_name(field), src).map_err(|e| to_error(field, src, &e))?;
        let text = template.render(vars).map_err(|e| to_error(field, src, &e))?;
        match field {
            "subject" => out.subject = text,
            "body_text" => out.body_text = text,
            _ => out.body_html = text,
        }
    }
    Ok(out)
}

/// Renders for a real notification: a variable the template needs and the
/// notification lacks fails rendering.
pub fn render(content: &Content, locale: &str, vars: &BTreeMap<String, String>) -> Result<Rendered, TemplateError> {
    render_with(content, locale, vars, UndefinedBehavior::SemiStrict)
}

/// Renders for a preview: missing variables render empty and are listed.
pub fn preview(
    content: &Content,
    locale: &str,
    vars: &BTreeMap<String, String>,
) -> Result<(Rendered, Vec<String>), TemplateError> {
    check_syntax(content)?;
    let env = environment(locale, UndefinedBehavior::Lenient);
    let mut undeclared = std::collections::BTreeSet::new();
    for field in FIELDS {
        let src = source(content, field);
        if let Ok(t) = env.template_from_named_str(file_name(field), src) {
            undeclared.extend(t.undeclared_variables(false));
        }
    }
    let candidates: Vec<String> = undeclared.into_iter().filter(|name| !vars.contains_key(name)).collect();
    // A variable counts as missing only when the strict render needs it (one
    // used only behind `default` or `is defined` does not).
    let mut missing = Vec::new();
    for name in &candidates {
        let mut others = vars.clone();
        for other in &candidates {
            if other != name {
                others.insert(other.clone(), String::new());
            }
        }
        if render(content, locale, &others).is_err_and(|e| e.undefined) {
            missing.push(name.clone());
        }
    }
    let rendered = render_with(content, locale, vars, UndefinedBehavior::Lenient)?;
    Ok((rendered, missing))
}

/// Redress's shipped templates, by locale then event slug.
pub struct Builtins(HashMap<String, HashMap<String, Content>>);

impl Builtins {
    /// Parses the embedded template files.
    pub fn load() -> Result<Self, toml::de::Error> {
        let mut all = HashMap::new();
        for (locale, text) in
            [("en", include_str!("../../templates/en.toml")), ("pl", include_str!("../../templates/pl.toml"))]
        {
            let parsed: HashMap<String, Content> = toml::from_str(text)?;
            let trimmed = parsed
                .into_iter()
                .map(|(event, mut c)| {
                    c.body_text = c.body_text.trim_start_matches('\n').to_owned();
                    c.body_html = c.body_html.trim_start_matches('\n').to_owned();
                    (event, c)
                })
                .collect();
            all.insert(locale.to_owned(), trimmed);
        }
        Ok(Self(all))
    }

    /// The built-in template for an event slug in a locale, if shipped.
    pub fn get(&self, locale: &str, event: &str) -> Option<&Content> {
        self.0.get(locale).and_then(|m| m.get(event))
    }

    /// The locales shipped.
    pub fn locales(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.0.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

/// The stored template an update lands on, as the revision rule sees it.
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// `templates/{template_id}`.
    pub name: &'a str,
    /// Its current etag.
    pub etag: &'a str,
    /// Its current content.
    pub content: &'a Content,
}

/// What an update does to a stored template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revision {
    /// The content is the same: nothing is written (a retry succeeds even
    /// with an old etag).
    Unchanged,
    /// A new version is written.
    NextVersion,
}

/// Whether an update naming `requested_name` (empty: any) with
/// `requested_etag` (empty: any) may write `new` over `stored`.
pub fn revise(
    stored: Stored<'_>,
    requested_name: &str,
    requested_etag: &str,
    new: &Content,
) -> Result<Revision, redress_errors::ApiError> {
    if !requested_name.is_empty() && requested_name != stored.name {
        return Err(redress_errors::ApiError::invalid_field(
            "template.name",
            "does not name the template of this event and locale",
        ));
    }
    if stored.content == new {
        return Ok(Revision::Unchanged);
    }
    if !requested_etag.is_empty() && requested_etag != stored.etag {
        return Err(redress_errors::ApiError::stale_etag(stored.name));
    }
    Ok(Revision::NextVersion)
}

/// The variables of a preview: the recipient's name and the complaint
/// reference the sender would fill in, overridden by the caller's own.
pub fn preview_variables(
    player_name: &str,
    complaint_reference: &str,
    given: &HashMap<String, String>,
) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("player_name".to_owned(), player_name.to_owned());
    vars.insert("complaint_reference".to_owned(), complaint_reference.to_owned());
    vars.extend(given.iter().map(|(k, v)| (k.clone(), v.clone())));
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EVENTS, event_slug};

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_event_ships_in_english_and_polish_and_renders_with_the_builtins_only() {
        let builtins = Builtins::load().unwrap();
        for locale in ["en", "pl"] {
            for event in EVENTS {
                let slug = event_slug(event);
                let content = builtins.get(locale, &slug).unwrap_or_else(|| panic!("{locale}/{slug} missing"));
                check_syntax(content).unwrap();
                let mut v = vars(&[("player_name", "Anna"), ("complaint_reference", "RDR-2026-000001")]);
                v.insert("survey_url".into(), "https://s.example/x".into());
                v.insert("alert_title".into(), "breach".into());
                render(content, locale, &v).unwrap_or_else(|e| panic!("{locale}/{slug}: {e}"));
            }
        }
    }

    #[test]
    fn the_final_response_puts_the_outcome_into_words_and_names_the_adr_body() {
        let builtins = Builtins::load().unwrap();
        let v = vars(&[
            ("complaint_reference", "RDR-1"),
            ("player_name", "Anna"),
            ("message", "no"),
            ("outcome", "not_upheld"),
            ("adr_body_name", "IBAS"),
            ("adr_body_url", "https://www.ibas-uk.com"),
        ]);
        let en = render(builtins.get("en", "final_response").unwrap(), "en", &v).unwrap();
        assert!(en.body_text.contains("Outcome: your complaint is not upheld"), "{}", en.body_text);
        assert!(en.body_text.contains("IBAS (https://www.ibas-uk.com)"), "{}", en.body_text);
        let pl = render(builtins.get("pl", "final_response").unwrap(), "pl", &v).unwrap();
        assert!(pl.body_text.contains("Rozstrzygnięcie: reklamacja nie została uznana"), "{}", pl.body_text);
        assert!(pl.body_text.contains("IBAS (https://www.ibas-uk.com)"), "{}", pl.body_text);
    }

    #[test]
    fn a_deadline_warning_tells_staff_which_clock_and_when() {
        let builtins = Builtins::load().unwrap();
        let mut v = vars(&[
            ("complaint_reference", "RDR-1"),
            ("player_name", ""),
            ("case", "cases/1"),
            ("clock", "final_response"),
            ("threshold", "75"),
            ("due_time", "2026-01-14T10:00:00Z"),
            ("queue", "payments"),
            ("assignee", "agent-7"),
        ]);
        let en = render(builtins.get("en", "deadline_warning").unwrap(), "en", &v).unwrap();
        assert_eq!(en.subject, "Deadline near (75 %): complaint RDR-1");
        assert!(
            en.body_text.starts_with(
                "75 % of the time for the final response of complaint RDR-1 has passed; it is due 14 January 2026."
            ),
            "{}",
            en.body_text
        );
        assert!(en.body_text.contains("Assigned to: agent-7"));
        v.insert("threshold".into(), "100".into());
        let pl = render(builtins.get("pl", "deadline_warning").unwrap(), "pl", &v).unwrap();
        assert_eq!(pl.subject, "Termin minął: reklamacja RDR-1");
        assert!(
            pl.body_text.starts_with("Minął termin: odpowiedź na reklamację (reklamacja RDR-1); termin: 14.01.2026."),
            "{}",
            pl.body_text
        );
    }

    #[test]
    fn html_is_escaped_in_the_html_body_only() {
        let c = Content { subject: "{{ m }}".into(), body_text: "{{ m }}".into(), body_html: "<p>{{ m }}</p>".into() };
        let r = render(&c, "en", &vars(&[("m", "<script>x</script>")])).unwrap();
        assert_eq!(r.body_text, "<script>x</script>");
        assert_eq!(r.body_html, "<p>&lt;script&gt;x&lt;&#x2f;script&gt;</p>");
    }

    #[test]
    fn a_missing_variable_fails_and_is_listed_in_a_preview() {
        let c = Content {
            subject: "{{ a }}".into(),
            body_text: "{{ b | default('') }} {{ c }}".into(),
            body_html: "".into(),
        };
        let err = render(&c, "en", &vars(&[("a", "1")])).unwrap_err();
        assert!(err.undefined);
        let (_, missing) = preview(&c, "en", &vars(&[("a", "1")])).unwrap();
        assert_eq!(missing, ["c"]);
    }

    #[test]
    fn syntax_errors_name_field_line_and_column() {
        let c = Content { subject: "ok".into(), body_text: "line\n{{ x".into(), body_html: "".into() };
        let err = check_syntax(&c).unwrap_err();
        assert_eq!(err.field, "body_text");
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn dates_follow_the_locale() {
        assert_eq!(format_date("2026-01-14T10:00:00Z", true), "14.01.2026");
        assert_eq!(format_date("2026-01-14T10:00:00Z", false), "14 January 2026");
    }

    fn content(subject: &str) -> Content {
        Content { subject: subject.into(), body_text: "b".into(), body_html: String::new() }
    }

    #[test]
    fn an_upsert_of_the_same_content_writes_nothing_and_a_stale_etag_fails_a_change() {
        let current = content("s");
        let stored = Stored { name: "templates/t1", etag: "\"2\"", content: &current };
        assert_eq!(revise(stored, "", "\"1\"", &content("s")).unwrap(), Revision::Unchanged);
        assert_eq!(revise(stored, "templates/t1", "\"2\"", &content("x")).unwrap(), Revision::NextVersion);
        assert_eq!(revise(stored, "", "", &content("x")).unwrap(), Revision::NextVersion);
        assert_eq!(revise(stored, "", "\"1\"", &content("x")).unwrap_err().code, redress_errors::ErrorCode::Aborted);
        let wrong = revise(stored, "templates/t2", "", &content("s")).unwrap_err();
        assert_eq!(wrong.violations[0].field, "template.name");
    }

    #[test]
    fn preview_variables_default_the_name_and_reference_and_yield_to_the_caller() {
        let given: HashMap<String, String> = [("player_name".to_owned(), "Ola".to_owned())].into();
        let vars = preview_variables("Jan", "RDR-1", &given);
        assert_eq!((vars["player_name"].as_str(), vars["complaint_reference"].as_str()), ("Ola", "RDR-1"));
    }
}

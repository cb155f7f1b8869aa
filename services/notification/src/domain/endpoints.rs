//! Webhook endpoints' rules: which URLs are accepted, which endpoint a
//! notification goes to, which secrets sign, and how long a rotation's
//! overlap may be. Pure functions; the API and the sender apply them.

use chrono::{DateTime, Duration, Utc};
use redress_proto::notification::v1::NotificationEvent;

/// The overlap of a rotation when the request names none.
pub const DEFAULT_OVERLAP: Duration = Duration::hours(24);
/// The longest overlap a rotation may ask for.
pub const MAX_OVERLAP: Duration = Duration::days(7);
/// The longest URL accepted.
pub const MAX_URL_CHARS: usize = 2048;

/// What is wrong with an endpoint URL, or `None` when it is acceptable:
/// `https://` to any host, or `http://` to a loopback host (development),
/// with neither user information nor a fragment. The one rule for API
/// endpoints; the TOML bootstrap URL is the operator's and is not checked.
pub fn url_problem(url: &str) -> Option<&'static str> {
    if url.trim().is_empty() {
        return Some("must not be empty");
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Some("must be at most 2048 characters");
    }
    let Ok(parsed) = reqwest::Url::parse(url) else { return Some("must be an absolute URL") };
    // The URL parser normalises hosts (lowercase, `[::1]`, `127.0.0.1`).
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" if parsed.host().is_some() => {}
        "http" if loopback => {}
        "http" => return Some("must use https (http only for localhost, 127.0.0.1 or [::1])"),
        _ => return Some("must be an https URL"),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("must not contain user information");
    }
    if parsed.fragment().is_some() {
        return Some("must not contain a fragment");
    }
    None
}

/// What the router needs to know of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub disabled: bool,
    /// Empty: every event.
    pub events: &'a [NotificationEvent],
}

/// The endpoint a notification of `event` goes to: the oldest enabled one
/// (ids are UUIDv7s, so the smallest id) subscribed to it. One endpoint per
/// notification keeps the proof of delivery about one destination.
pub fn route<'a>(event: NotificationEvent, endpoints: &[Candidate<'a>]) -> Option<&'a str> {
    endpoints.iter().filter(|e| !e.disabled && (e.events.is_empty() || e.events.contains(&event))).map(|e| e.id).min()
}

/// Whether a previous secret still signs at `now`.
pub fn previous_active(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|at| at > now)
}

/// Until when the previous secret keeps signing after a rotation at `now`
/// with `overlap`; `None`: it is retired at once.
pub fn previous_expiry(now: DateTime<Utc>, overlap: Duration) -> Option<DateTime<Utc>> {
    (overlap > Duration::zero()).then(|| now + overlap)
}

/// The overlap a rotation asked for, or what is wrong with it.
pub fn overlap(requested: Option<&prost_types::Duration>) -> Result<Duration, &'static str> {
    let Some(d) = requested else { return Ok(DEFAULT_OVERLAP) };
    if d.seconds < 0 || d.nanos != 0 {
        return Err("must be whole seconds, not negative");
    }
    let overlap = Duration::seconds(d.seconds.min(MAX_OVERLAP.num_seconds() + 1));
    if overlap > MAX_OVERLAP {
        return Err("must be at most 7 days");
    }
    Ok(overlap)
}

/// The events of a request, sorted and without repeats, or the indexes of
/// the unknown or unspecified ones.
pub fn events(values: &[i32]) -> Result<Vec<NotificationEvent>, Vec<usize>> {
    let mut bad = Vec::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match NotificationEvent::try_from(*v) {
            Ok(NotificationEvent::Unspecified) | Err(_) => bad.push(i),
            Ok(e) => out.push(e),
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_except_on_loopback() {
        for good in [
            "https://backend.example/hooks/redress",
            "https://10.0.0.5:8443/x?y=1",
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://[::1]:9000/",
        ] {
            assert_eq!(url_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "backend.example/hook",
            "http://backend.example/hook",
            "http://127.0.0.2/hook",
            "ftp://backend.example/",
            "https://user:pw@backend.example/",
            "https://backend.example/#frag",
        ] {
            assert!(url_problem(bad).is_some(), "{bad}");
        }
        assert!(url_problem(&format!("https://a.example/{}", "x".repeat(2048))).is_some());
    }

    #[test]
    fn a_notification_goes_to_the_oldest_enabled_subscribed_endpoint() {
        use NotificationEvent as E;
        let ack = [E::ComplaintReceived];
        let all: [E; 0] = [];
        let endpoints = [
            Candidate { id: "0003", disabled: false, events: &all },
            Candidate { id: "0001", disabled: true, events: &all },
            Candidate { id: "0002", disabled: false, events: &ack },
        ];
        assert_eq!(route(E::ComplaintReceived, &endpoints), Some("0002"));
        assert_eq!(route(E::FinalResponse, &endpoints), Some("0003"));
        assert_eq!(route(E::FinalResponse, &endpoints[1..]), None);
        assert_eq!(route(E::FinalResponse, &[]), None);
    }

    #[test]
    fn overlaps_default_to_a_day_and_stop_at_a_week() {
        let d = |seconds, nanos| prost_types::Duration { seconds, nanos };
        assert_eq!(overlap(None), Ok(DEFAULT_OVERLAP));
        assert_eq!(overlap(Some(&d(0, 0))), Ok(Duration::zero()));
        assert_eq!(overlap(Some(&d(7 * 86_400, 0))), Ok(MAX_OVERLAP));
        assert!(overlap(Some(&d(7 * 86_400 + 1, 0))).is_err());
        assert!(overlap(Some(&d(i64::MAX, 0))).is_err());
        assert!(overlap(Some(&d(-1, 0))).is_err());
        assert!(overlap(Some(&d(1, 5))).is_err());
        let now = Utc::now();
        assert!(previous_active(Some(now + Duration::seconds(1)), now));
        assert!(!previous_active(Some(now), now));
        assert!(!previous_active(None, now));
        assert_eq!(previous_expiry(now, Duration::zero()), None);
        assert_eq!(previous_expiry(now, DEFAULT_OVERLAP), Some(now + DEFAULT_OVERLAP));
    }

    #[test]
    fn events_are_known_sorted_and_unique() {
        use NotificationEvent as E;
        let got = events(&[E::FinalResponse as i32, E::ComplaintReceived as i32, E::FinalResponse as i32]);
        assert_eq!(got, Ok(vec![E::ComplaintReceived, E::FinalResponse]));
        assert_eq!(events(&[0, 1, 999]), Err(vec![0, 2]));
    }
}

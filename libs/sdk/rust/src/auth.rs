//! Bearer tokens: a static string, or a provider that fetches a fresh token
//! before the cached one expires.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Mutex;

/// A boxed future, as [`TokenProvider::token`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies the bearer token for each call. Called once per attempt, so an
/// implementation should cache (see [`RefreshingToken`]).
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send as `authorization: Bearer <token>`.
    ///
    /// # Errors
    /// A message saying why no token could be had; the call then fails with
    /// [`crate::Error::Token`] without reaching the server.
    fn token(&self) -> BoxFuture<'_, Result<String, String>>;
}

/// A token that never changes, e.g. one minted by `redress token`.
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    /// Wraps `token`.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<String, String>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// A token with its lifetime, as a refresh function returns it.
#[derive(Clone)]
pub struct ExpiringToken {
    /// The bearer token.
    pub token: String,
    /// How long it stays valid from now.
    pub expires_in: Duration,
}

type RefreshFn = dyn Fn() -> BoxFuture<'static, Result<ExpiringToken, String>> + Send + Sync;

/// Caches the token a refresh function returns and calls it again shortly
/// before the token expires (or after a failure), one refresh at a time.
///
/// ```
/// use std::time::Duration;
/// use redress_sdk::auth::{ExpiringToken, RefreshingToken};
///
/// let provider = RefreshingToken::new(|| async {
///     // Ask your identity provider here.
///     Ok(ExpiringToken { token: "eyJ...".into(), expires_in: Duration::from_secs(3600) })
/// });
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct RefreshingToken {
    refresh: Arc<RefreshFn>,
    cached: Arc<Mutex<Option<(String, Instant)>>>,
    skew: Duration,
}

impl std::fmt::Debug for RefreshingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshingToken").field("skew", &self.skew).finish_non_exhaustive()
    }
}

impl RefreshingToken {
    /// Refreshes with `refresh`, 60 seconds before expiry.
    pub fn new<F, Fut>(refresh: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ExpiringToken, String>> + Send + 'static,
    {
        RefreshingToken {
            refresh: Arc::new(move || Box::pin(refresh())),
            cached: Arc::new(Mutex::new(None)),
            skew: Duration::from_secs(60),
        }
    }

    /// Refreshes this long before expiry instead of 60 seconds.
    pub fn refresh_before(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }
}

impl TokenProvider for RefreshingToken {
    fn token(&self) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async move {
            // Held across the refresh so concurrent calls wait for one refresh.
            let mut cached = self.cached.lock().await;
            if let Some((token, refresh_at)) = cached.as_ref()
                && Instant::now() < *refresh_at
            {
                return Ok(token.clone());
            }
            let fresh = (self.refresh)().await?;
            let refresh_at = Instant::now() + fresh.expires_in.saturating_sub(self.skew);
            *cached = Some((fresh.token.clone(), refresh_at));
            Ok(fresh.token)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_refreshing_token_is_cached_until_shortly_before_expiry() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let long = RefreshingToken::new(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok(ExpiringToken { token: format!("t{n}"), expires_in: Duration::from_secs(3600) }) }
        });
        assert_eq!(long.token().await.unwrap(), "t0");
        assert_eq!(long.token().await.unwrap(), "t0");
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // A token that expires within the skew is refreshed on every call.
        let counter = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&counter);
        let short = RefreshingToken::new(move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move { Ok(ExpiringToken { token: format!("s{n}"), expires_in: Duration::from_secs(30) }) }
        });
        assert_eq!(short.token().await.unwrap(), "s0");
        assert_eq!(short.token().await.unwrap(), "s1");

        let failing = RefreshingToken::new(|| async { Err("idp down".to_owned()) });
        assert_eq!(failing.token().await.unwrap_err(), "idp down");
    }
}

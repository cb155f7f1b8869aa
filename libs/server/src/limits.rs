//! Per-tenant fairness: a token bucket per tenant and method class, and a
//! concurrency budget of which one tenant may hold only a share. Internal
//! calls (role `service`) have their own budget, so a flood of public calls
//! never sheds the service-to-service traffic that completes them.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Which budget a call draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodClass {
    /// A public method that changes state (Submit…, Assign…, Upsert…).
    Write,
    /// A public method that only reads (Get…, List…, Preview…, Render…, Verify…).
    Read,
    /// A method of an `…InternalService`, called by another Redress service.
    Internal,
}

impl MethodClass {
    /// The class of `method` of `service` (names as in the request path).
    pub fn of(service: &str, method: &str) -> MethodClass {
        const READS: [&str; 5] = ["Get", "List", "Preview", "Render", "Verify"];
        if service.ends_with("InternalService") {
            MethodClass::Internal
        } else if READS.iter().any(|prefix| method.starts_with(prefix)) {
            MethodClass::Read
        } else {
            MethodClass::Write
        }
    }
}

/// One token bucket: `per_second` tokens refill continuously up to `burst`.
/// `per_second = 0` switches the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Sustained calls per second.
    pub per_second: f64,
    /// Calls allowed at once after a quiet period.
    pub burst: f64,
}

/// The rates of one tenant, per method class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantRates {
    /// Public writes.
    pub write: Rate,
    /// Public reads.
    pub read: Rate,
    /// Internal (service-to-service) calls.
    pub internal: Rate,
}

impl Default for TenantRates {
    fn default() -> Self {
        Self {
            // Above what one replica serves (about 1,200 submits/s), so the
            // defaults only stop runaway clients; set tighter per-tenant
            // rates where tenants share a deployment.
            write: Rate { per_second: 2_000.0, burst: 4_000.0 },
            read: Rate { per_second: 5_000.0, burst: 10_000.0 },
            internal: Rate { per_second: 10_000.0, burst: 20_000.0 },
        }
    }
}

impl TenantRates {
    fn of(&self, class: MethodClass) -> Rate {
        match class {
            MethodClass::Write => self.write,
            MethodClass::Read => self.read,
            MethodClass::Internal => self.internal,
        }
    }
}

/// `[server.rate_limits]`: the rates every tenant gets, and per-tenant
/// overrides (`[server.rate_limits.tenants.<tenant>]`, a whole
/// [`TenantRates`]; classes it leaves out get the built-in defaults).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    /// Rates of tenants without an override.
    pub default: TenantRates,
    /// Overrides by tenant id.
    pub tenants: BTreeMap<String, TenantRates>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Why a call was refused, with when to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The tenant's bucket for the class is empty.
    RateLimited(Duration),
    /// The concurrency budget (global, or the tenant's share) is used up.
    Overloaded(Duration),
}

/// How long a shed client should wait: requests are short, so soon.
pub const OVERLOAD_RETRY_AFTER: Duration = Duration::from_millis(100);

/// The rate and concurrency limits of one server.
#[derive(Debug)]
pub struct Limiter {
    rates: RateLimits,
    buckets: Mutex<HashMap<(String, MethodClass), Bucket>>,
    public: Arc<Semaphore>,
    internal: Arc<Semaphore>,
    tenant_max: usize,
    in_flight: Mutex<HashMap<String, usize>>,
}

/// A call's hold on the concurrency budget, released when dropped.
#[derive(Debug)]
pub struct Permit {
    _permit: Option<OwnedSemaphorePermit>,
    tenant: Option<(Arc<Limiter>, String)>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some((limiter, tenant)) = self.tenant.take() {
            let mut in_flight = limiter.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = in_flight.get_mut(&tenant) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    in_flight.remove(&tenant);
                }
            }
        }
    }
}

impl Limiter {
    /// Limits with `concurrency` public calls at once, of which one tenant
    /// may hold `tenant_share` (0–1], and `internal_concurrency` internal ones.
    pub fn new(rates: RateLimits, concurrency: usize, tenant_share: f64, internal_concurrency: usize) -> Arc<Self> {
        let share = if tenant_share > 0.0 && tenant_share <= 1.0 { tenant_share } else { 1.0 };
        let tenant_max = ((concurrency as f64 * share).ceil() as usize).clamp(1, concurrency.max(1));
        Arc::new(Self {
            rates,
            buckets: Mutex::new(HashMap::new()),
            public: Arc::new(Semaphore::new(concurrency)),
            internal: Arc::new(Semaphore::new(internal_concurrency)),
            tenant_max,
            in_flight: Mutex::new(HashMap::new()),
        })
    }

    /// Takes a token from the tenant's bucket for `class`.
    pub fn check_rate(&self, tenant: &str, class: MethodClass) -> Result<(), Refusal> {
        let rate = self.rates.tenants.get(tenant).unwrap_or(&self.rates.default).of(class);
        if rate.per_second <= 0.0 {
            return Ok(());
        }
        let burst = rate.burst.max(1.0);
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry((tenant.to_owned(), class)).or_insert(Bucket { tokens: burst, at: now });
        let refill = now.duration_since(bucket.at).as_secs_f64() * rate.per_second;
        bucket.tokens = (bucket.tokens + refill).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate.per_second;
            Err(Refusal::RateLimited(Duration::from_secs_f64(wait).max(Duration::from_millis(1))))
        }
    }

    /// A place in the concurrency budget for a call of `tenant`, or a refusal
    /// (never a queue: shed calls answer at once).
    pub fn acquire(self: &Arc<Self>, tenant: &str, class: MethodClass) -> Result<Permit, Refusal> {
        if class == MethodClass::Internal {
            let permit = Arc::clone(&self.internal)
                .try_acquire_owned()
                .map_err(|_| Refusal::Overloaded(OVERLOAD_RETRY_AFTER))?;
            return Ok(Permit { _permit: Some(permit), tenant: None });
        }
        {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            let n = in_flight.entry(tenant.to_owned()).or_insert(0);
            if *n >= self.tenant_max {
                return Err(Refusal::Overloaded(OVERLOAD_RETRY_AFTER));
            }
            *n += 1;
        }
        // From here the tenant's count is held by the permit, so every exit
        // gives it back.
        let mut permit = Permit { _permit: None, tenant: Some((Arc::clone(self), tenant.to_owned())) };
        permit._permit =
            Some(Arc::clone(&self.public).try_acquire_owned().map_err(|_| Refusal::Overloaded(OVERLOAD_RETRY_AFTER))?);
        Ok(permit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refuses_past_its_burst_and_names_the_wait() {
        let mut rates = RateLimits::default();
        rates.default.write = Rate { per_second: 10.0, burst: 2.0 };
        rates
            .tenants
            .insert("big".into(), TenantRates { write: Rate { per_second: 0.0, burst: 0.0 }, ..Default::default() });
        let limiter = Limiter::new(rates, 8, 0.5, 8);
        assert!(limiter.check_rate("a", MethodClass::Write).is_ok());
        assert!(limiter.check_rate("a", MethodClass::Write).is_ok());
        let Err(Refusal::RateLimited(wait)) = limiter.check_rate("a", MethodClass::Write) else {
            panic!("not limited")
        };
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(100), "{wait:?}");
        // Another tenant and another class have their own buckets; an override of 0 is unlimited.
        assert!(limiter.check_rate("b", MethodClass::Write).is_ok());
        assert!(limiter.check_rate("a", MethodClass::Read).is_ok());
        assert!((0..100).all(|_| limiter.check_rate("big", MethodClass::Write).is_ok()));
    }

    #[test]
    fn one_tenant_holds_at_most_its_share_and_internal_calls_have_their_own_budget() {
        let limiter = Limiter::new(RateLimits::default(), 4, 0.5, 1);
        let a1 = limiter.acquire("a", MethodClass::Write).unwrap();
        let _a2 = limiter.acquire("a", MethodClass::Read).unwrap();
        assert!(matches!(limiter.acquire("a", MethodClass::Write), Err(Refusal::Overloaded(_))));
        let _b1 = limiter.acquire("b", MethodClass::Write).unwrap();
        let _b2 = limiter.acquire("b", MethodClass::Write).unwrap();
        // The public budget is full; internal calls still pass.
        assert!(matches!(limiter.acquire("c", MethodClass::Write), Err(Refusal::Overloaded(_))));
        let internal = limiter.acquire("a", MethodClass::Internal).unwrap();
        assert!(limiter.acquire("a", MethodClass::Internal).is_err());
        drop(internal);
        drop(a1);
        let _a3 = limiter.acquire("a", MethodClass::Write).unwrap();
        assert!(limiter.acquire("c", MethodClass::Write).is_err(), "the freed place went back to a");
    }

    #[test]
    fn methods_fall_into_classes_by_service_and_name() {
        assert_eq!(MethodClass::of("redress.intake.v1.IntakeService", "SubmitComplaint"), MethodClass::Write);
        assert_eq!(MethodClass::of("redress.intake.v1.IntakeService", "ListComplaints"), MethodClass::Read);
        assert_eq!(
            MethodClass::of("redress.intake.v1.IntakeInternalService", "ApplyCaseUpdate"),
            MethodClass::Internal
        );
    }
}

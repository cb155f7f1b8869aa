//! A mergeable histogram of durations (microseconds) for the percentiles
//! GetInsights reports from its daily rollups.
//!
//! Why fixed log-scale buckets (as DDSketch does) rather than another
//! sketch: two histograms merge by adding counts bucket by bucket, and a
//! complaint's old duration is taken out again by subtracting its count,
//! exactly. (t-digest or KLL merge too, but cannot subtract.) The error is
//! bounded per value, whatever the distribution:
//!
//! - values below [`EXACT`] µs have a bucket each: exact;
//! - above, bucket `k` holds the integers in `(upper[k-1], upper[k]]`, with
//!   `upper[k] = floor(EXACT_TOP · GAMMA^(k+1))`; a bucket's ends differ by
//!   less than the factor [`GAMMA`], so its representative (the harmonic
//!   mean of its ends, rounded) is within (GAMMA−1)/(GAMMA+1) ≈ 0.94 % of any
//!   value in it, plus ≤ 0.5 µs of rounding (≤ 0.05 % at ≥ 1,024 µs):
//!   **at most 1 % relative error**.
//!
//! The bounds come from repeated IEEE multiplication (no `ln`), so every
//! build puts a value in the same bucket: what one version added, another
//! subtracts. About 2,200 buckets cover up to 10^18 µs; a complaint's
//! durations fill a few dozen, and only filled buckets are stored.

use std::{collections::BTreeMap, sync::OnceLock};

/// Values below this (µs) are counted exactly.
pub const EXACT: i64 = 1024;
const EXACT_TOP: f64 = (EXACT - 1) as f64;
/// The ratio of consecutive bucket bounds above [`EXACT`].
pub const GAMMA: f64 = 1.019;
/// The relative error a reported percentile may have, at most.
pub const RELATIVE_ERROR: f64 = 0.01;
/// The largest value with a bucket of its own; larger values share the last.
const LIMIT: f64 = 1e18;

/// The upper bound (inclusive) of each log bucket.
fn uppers() -> &'static [i64] {
    static UPPERS: OnceLock<Vec<i64>> = OnceLock::new();
    UPPERS.get_or_init(|| {
        let mut out = Vec::new();
        let mut bound = EXACT_TOP;
        while bound < LIMIT {
            bound *= GAMMA;
            out.push(bound.floor() as i64);
        }
        out
    })
}

/// The bucket of a duration (negative durations are not measured; they
/// count as 0).
pub fn bucket(micros: i64) -> u32 {
    if micros < EXACT {
        return micros.max(0) as u32;
    }
    let uppers = uppers();
    let k = uppers.partition_point(|&upper| upper < micros).min(uppers.len() - 1);
    EXACT as u32 + k as u32
}

/// The value reported for a bucket: within [`RELATIVE_ERROR`] of any value
/// in it.
pub fn representative(bucket: u32) -> i64 {
    let b = i64::from(bucket);
    if b < EXACT {
        return b;
    }
    let uppers = uppers();
    let k = ((b - EXACT) as usize).min(uppers.len() - 1);
    let lo = if k == 0 { EXACT } else { uppers[k - 1] + 1 };
    let hi = uppers[k];
    let (lo, hi) = (lo as f64, hi as f64);
    (2.0 * lo * hi / (lo + hi)).round() as i64
}

/// Counts per bucket; counts may be negative in a delta (a duration taken
/// out), never in a stored histogram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: BTreeMap<u32, i64>,
}

impl Histogram {
    /// Adds `n` (negative: removes) values of `micros`.
    pub fn record(&mut self, micros: i64, n: i64) {
        self.add_bucket(bucket(micros), n);
    }

    fn add_bucket(&mut self, bucket: u32, n: i64) {
        if n == 0 {
            return;
        }
        let count = self.counts.entry(bucket).or_insert(0);
        *count += n;
        if *count == 0 {
            self.counts.remove(&bucket);
        }
    }

    /// Adds another histogram's counts (or, `sign` −1, takes them out).
    pub fn merge(&mut self, other: &Histogram, sign: i64) {
        for (&bucket, &n) in &other.counts {
            self.add_bucket(bucket, sign * n);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// How many values it holds.
    pub fn count(&self) -> i64 {
        self.counts.values().sum()
    }

    /// The representative of the bucket holding the `rank`-th smallest value
    /// (1-based), 0 when there are fewer values.
    pub fn value_at_rank(&self, rank: i64) -> i64 {
        let mut seen = 0;
        for (&bucket, &n) in &self.counts {
            seen += n;
            if seen >= rank {
                return representative(bucket);
            }
        }
        0
    }

    /// The compact stored form: per filled bucket, in ascending order, the
    /// gap from the previous bucket and the count, each a LEB128 varint
    /// (counts zig-zag encoded). A typical day's group takes tens of bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.counts.len() * 3);
        let mut previous = 0u32;
        for (&bucket, &n) in &self.counts {
            varint(&mut out, u64::from(bucket - previous));
            varint(&mut out, ((n << 1) ^ (n >> 63)) as u64);
            previous = bucket;
        }
        out
    }

    /// Reads [`Histogram::encode`]'s form; `None` when it is malformed.
    pub fn decode(bytes: &[u8]) -> Option<Histogram> {
        let mut h = Histogram::default();
        let mut rest = bytes;
        let mut bucket = 0u32;
        while !rest.is_empty() {
            let gap = read_varint(&mut rest)?;
            let zigzag = read_varint(&mut rest)?;
            bucket = bucket.checked_add(u32::try_from(gap).ok()?)?;
            let n = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
            h.add_bucket(bucket, n);
        }
        Some(h)
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(rest: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, tail) = rest.split_first()?;
        *rest = tail;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_within_one_percent_of_its_representative() {
        let mut v = 0i64;
        while v < 1_000_000_000_000_000 {
            let r = representative(bucket(v));
            let err = (r - v).abs() as f64;
            assert!(err <= RELATIVE_ERROR * v as f64, "{v} → {r}");
            v = if v < 5000 { v + 1 } else { v + v / 997 + 1 };
        }
        assert_eq!(representative(bucket(17)), 17);
    }

    #[test]
    fn buckets_are_ordered_and_bounded() {
        let mut last = 0;
        for v in (0..10_000_000i64).step_by(7) {
            let b = bucket(v);
            assert!(b >= last);
            last = b;
        }
        assert!(uppers().len() < 2300);
    }

    #[test]
    fn ranks_merges_and_the_stored_form() {
        let mut a = Histogram::default();
        for v in [5, 3_600_000_000, 7_200_000_000, 3_600_000_000] {
            a.record(v, 1);
        }
        assert_eq!(a.count(), 4);
        assert_eq!(a.value_at_rank(1), 5);
        let hour = a.value_at_rank(2);
        assert!((hour - 3_600_000_000).abs() <= 36_000_000);
        let mut b = a.clone();
        b.record(3_600_000_000, -2);
        a.merge(&b, -1);
        assert_eq!(a.count(), 2);
        assert_eq!(Histogram::decode(&a.encode()), Some(a.clone()));
        let mut negative = Histogram::default();
        negative.record(99, -3);
        assert_eq!(Histogram::decode(&negative.encode()), Some(negative));
        assert_eq!(Histogram::decode(&[0x80]), None);
        assert!(Histogram::decode(&[]).is_some_and(|h| h.is_empty()));
    }
}

//! Pagination as AIP-158 describes it, one way for every List method.
//!
//! A page token is the position after the last item returned, signed with
//! HMAC-SHA256 and bound to the caller's tenant and to the filters of the
//! request. A token that was altered, minted for another tenant, or reused
//! with different filters is rejected with INVALID_ARGUMENT on `page_token`,
//! so a client can neither forge a cursor nor read across tenants with one.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use redress_errors::ApiError;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks page tokens with a server-side secret.
#[derive(Clone)]
pub struct PageTokens {
    key: Vec<u8>,
}

impl std::fmt::Debug for PageTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageTokens([redacted])")
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    /// Tenant the token was minted for.
    t: String,
    /// Fingerprint of the request's filters.
    f: String,
    /// The cursor.
    c: T,
}

impl PageTokens {
    /// A token codec with a secret key.
    pub fn new(secret: &[u8]) -> Self {
        Self { key: secret.to_vec() }
    }

    /// The codec for a service: its configured `secret`, or, when that is
    /// empty, a key derived from `fallback` (the auth secret), so a
    /// development setup needs no extra secret.
    pub fn configured(secret: &str, fallback: &str) -> Self {
        if secret.is_empty() {
            Self::new(&Sha256::digest(format!("page-tokens:{fallback}")))
        } else {
            Self::new(secret.as_bytes())
        }
    }

    /// The token for the page after `cursor`.
    pub fn encode<T: Serialize>(&self, tenant: &str, filter: &str, cursor: &T) -> String {
        let envelope = Envelope { t: tenant.to_owned(), f: fingerprint(filter), c: cursor };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&envelope).unwrap_or_default());
        let sig = URL_SAFE_NO_PAD.encode(self.sign(body.as_bytes()));
        format!("{body}.{sig}")
    }

    /// The cursor inside `token`, or `None` for an empty token (first page).
    pub fn decode<T: DeserializeOwned>(&self, token: &str, tenant: &str, filter: &str) -> Result<Option<T>, ApiError> {
        if token.is_empty() {
            return Ok(None);
        }
        let invalid = || ApiError::invalid_field("page_token", "is not a token this list returned for these filters");
        let (body, sig) = token.split_once('.').ok_or_else(invalid)?;
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| invalid())?;
        let mut mac = HmacSha256::new_from_slice(&self.key).map_err(|_| invalid())?;
        mac.update(body.as_bytes());
        mac.verify_slice(&sig).map_err(|_| invalid())?;
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
        let envelope: Envelope<T> = serde_json::from_slice(&raw).map_err(|_| invalid())?;
        if envelope.t != tenant || envelope.f != fingerprint(filter) {
            return Err(invalid());
        }
        Ok(Some(envelope.c))
    }

    /// Finishes a page that was read with one row more than `size` (the way
    /// to know whether another page exists): drops the extra row and returns
    /// the token for the page after the last row kept, or an empty token on
    /// the last page.
    pub fn next_page<T, C: Serialize>(
        &self,
        rows: &mut Vec<T>,
        size: u64,
        tenant: &str,
        filter: &str,
        cursor: impl Fn(&T) -> C,
    ) -> String {
        if rows.len() as u64 <= size {
            return String::new();
        }
        rows.truncate(size as usize);
        rows.last().map(|last| self.encode(tenant, filter, &cursor(last))).unwrap_or_default()
    }

    fn sign(&self, data: &[u8]) -> Vec<u8> {
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
}

fn fingerprint(filter: &str) -> String {
    let digest = Sha256::digest(filter.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..12])
}

/// The filter a page token is bound to: the List request without its paging
/// fields (which `clear_paging` resets), hashed, so a token only continues
/// the listing it came from. The one binding every List method uses.
pub fn filter_of<M: prost::Message + Clone>(request: &M, clear_paging: impl FnOnce(&mut M)) -> String {
    let mut bound = request.clone();
    clear_paging(&mut bound);
    URL_SAFE_NO_PAD.encode(Sha256::digest(bound.encode_to_vec()))
}

/// The page size to use: `requested` when 1..=`max`, `default` when 0.
/// Negative sizes are INVALID_ARGUMENT; sizes above `max` are clamped (AIP-158).
pub fn page_size(requested: i32, default: u64, max: u64) -> Result<u64, ApiError> {
    match requested {
        n if n < 0 => Err(ApiError::invalid_field("page_size", "must not be negative")),
        0 => Ok(default),
        n => Ok((n as u64).min(max)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_for_its_tenant_and_filter() {
        let tokens = PageTokens::new(b"k");
        let token = tokens.encode("t1", "status=1", &("2026", 7));
        let cursor: Option<(String, i32)> = tokens.decode(&token, "t1", "status=1").unwrap();
        assert_eq!(cursor, Some(("2026".into(), 7)));
    }

    #[test]
    fn tampered_foreign_or_refiltered_tokens_are_rejected() {
        let tokens = PageTokens::new(b"k");
        let token = tokens.encode("t1", "status=1", &5);
        let mut tampered = token.clone().into_bytes();
        tampered[3] ^= 1;
        let tampered = String::from_utf8(tampered).unwrap();
        for (token, tenant, filter) in [
            (tampered.as_str(), "t1", "status=1"),
            (token.as_str(), "t2", "status=1"),
            (token.as_str(), "t1", "status=2"),
            ("garbage", "t1", "status=1"),
        ] {
            let err = tokens.decode::<i32>(token, tenant, filter).unwrap_err();
            assert_eq!(err.violations[0].field, "page_token");
        }
        assert!(PageTokens::new(b"other").decode::<i32>(&token, "t1", "status=1").is_err());
    }

    #[test]
    fn a_page_read_with_one_extra_row_knows_whether_more_follow() {
        let tokens = PageTokens::new(b"k");
        let mut rows = vec![1, 2, 3];
        let next = tokens.next_page(&mut rows, 2, "t", "f", |r| *r);
        assert_eq!(rows, [1, 2]);
        assert_eq!(tokens.decode::<i32>(&next, "t", "f").unwrap(), Some(2));
        let mut last = vec![1, 2];
        assert_eq!(tokens.next_page(&mut last, 2, "t", "f", |r| *r), "");
    }

    #[test]
    fn page_sizes_default_and_clamp() {
        assert_eq!(page_size(0, 50, 1000).unwrap(), 50);
        assert_eq!(page_size(5000, 50, 1000).unwrap(), 1000);
        assert!(page_size(-1, 50, 1000).is_err());
    }
}

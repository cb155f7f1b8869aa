//! Webhook signing secrets at rest: sealed with XChaCha20-Poly1305 under the
//! service's key (`webhook_secret_key_file`), a random 24-byte nonce per
//! seal, and the endpoint's tenant and name as associated data, so a sealed
//! secret copied to another endpoint's row does not open. A secret that does
//! not open (another key, a changed row) is an error, never an empty secret.

use std::{fmt, path::Path};

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use rand::RngCore;

const NONCE_BYTES: usize = 24;

/// The 32-byte key that seals webhook secrets. Never printed.
#[derive(Clone)]
pub struct SealingKey(XChaCha20Poly1305);

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}

/// A sealed secret that does not open under this key and associated data.
#[derive(Debug, thiserror::Error)]
#[error("the sealed webhook secret does not open: another key, or the row was changed")]
pub struct Unreadable;

impl SealingKey {
    /// A key of exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(XChaCha20Poly1305::new(bytes.into()))
    }

    /// Reads a key file: 32 raw bytes, or 64 hex characters (surrounding
    /// whitespace allowed). Anything else is an error naming the file.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let raw = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let bytes: Vec<u8> = match raw.len() {
            32 => raw,
            _ => {
                let text =
                    String::from_utf8(raw).map_err(|_| format!("{}: neither 32 bytes nor hex", path.display()))?;
                hex::decode(text.trim())
                    .map_err(|_| format!("{}: neither 32 bytes nor 64 hex characters", path.display()))?
            }
        };
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("{}: the key must be 32 bytes (64 hex characters)", path.display()))?;
        Ok(Self::from_bytes(&key))
    }

    /// Seals `secret`: the nonce, then the ciphertext with its tag.
    pub fn seal(&self, secret: &str, associated: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload { msg: secret.as_bytes(), aad: associated.as_bytes() };
        // Encryption fails only for messages beyond the cipher's 256 GiB limit.
        let sealed = self.0.encrypt(&XNonce::from(nonce), payload).unwrap_or_default();
        [nonce.as_slice(), &sealed].concat()
    }

    /// Opens what [`SealingKey::seal`] sealed with the same associated data.
    pub fn open(&self, sealed: &[u8], associated: &str) -> Result<String, Unreadable> {
        if sealed.len() <= NONCE_BYTES {
            return Err(Unreadable);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| Unreadable)?;
        let payload = Payload { msg: ciphertext, aad: associated.as_bytes() };
        let plain = self.0.decrypt(&XNonce::from(nonce), payload).map_err(|_| Unreadable)?;
        String::from_utf8(plain).map_err(|_| Unreadable)
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in lowercase hex.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

/// The last four characters of a secret, which Get and List show.
pub fn hint(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// A fresh key in hex, as `redress dev` writes it.
pub fn generate_key_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_its_endpoint() {
        let key = SealingKey::from_bytes(&[7; 32]);
        let secret = generate_secret();
        assert!(secret.starts_with("whsec_") && secret.len() == 6 + 64);
        let sealed = key.seal(&secret, "casino-a/webhookEndpoints/1");
        assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()), "the secret is not in the clear");
        assert_ne!(sealed, key.seal(&secret, "casino-a/webhookEndpoints/1"), "a nonce per seal");
        assert_eq!(key.open(&sealed, "casino-a/webhookEndpoints/1").unwrap(), secret);
        assert!(key.open(&sealed, "casino-b/webhookEndpoints/1").is_err(), "bound to the endpoint");
        assert!(SealingKey::from_bytes(&[8; 32]).open(&sealed, "casino-a/webhookEndpoints/1").is_err());
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(key.open(&flipped, "casino-a/webhookEndpoints/1").is_err());
        assert!(key.open(&[], "x").is_err());
        assert_eq!(hint(&secret), secret[secret.len() - 4..]);
        assert!(format!("{key:?}").contains("redacted"));
    }

    #[test]
    fn key_files_hold_32_bytes_raw_or_in_hex() {
        let dir = tempfile::tempdir().unwrap();
        let hex_file = dir.path().join("hex");
        std::fs::write(&hex_file, format!("{}\n", generate_key_hex())).unwrap();
        assert!(SealingKey::from_file(&hex_file).is_ok());
        let raw = dir.path().join("raw");
        std::fs::write(&raw, [1u8; 32]).unwrap();
        let a = SealingKey::from_file(&raw).unwrap();
        let sealed = a.seal("s", "x");
        assert_eq!(SealingKey::from_bytes(&[1; 32]).open(&sealed, "x").unwrap(), "s");
        let short = dir.path().join("short");
        std::fs::write(&short, "abcd").unwrap();
        assert!(SealingKey::from_file(&short).unwrap_err().contains("32 bytes"));
        assert!(SealingKey::from_file(&dir.path().join("missing")).is_err());
    }
}

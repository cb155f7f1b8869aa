//! Who is calling: bearer JWTs with `tenant`, `sub` and `roles`.
//!
//! Development signs with an HS256 secret; production verifies RS256 or EdDSA
//! signatures against public keys from a JWKS file. The algorithm is pinned by
//! the key (a token cannot choose it), and `exp`, `aud` and `iss` are always
//! checked. The tenant comes only from the token: no request field can name
//! another tenant.

use std::{collections::HashSet, fmt, path::PathBuf, str::FromStr, time::Duration};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, jwk::JwkSet};
use redress_config::Secret;
use redress_errors::ApiError;
use serde::{Deserialize, Serialize};

/// A caller's role. Each RPC documents the roles it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A casino backend submitting complaints for its players.
    Backend,
    /// A complaints agent.
    Agent,
    /// A team lead: assigns, escalates, reads everything.
    Supervisor,
    /// Reads analytics and returns.
    Analyst,
    /// Another Redress service; the only role allowed on internal methods.
    Service,
    /// The tenant's administrator.
    Admin,
    /// The data-protection officer: subject-access exports, erasure and
    /// legal holds.
    Dpo,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 7] =
        [Role::Backend, Role::Agent, Role::Supervisor, Role::Analyst, Role::Service, Role::Admin, Role::Dpo];

    /// The role's name in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Backend => "backend",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Analyst => "analyst",
            Role::Service => "service",
            Role::Admin => "admin",
            Role::Dpo => "dpo",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown role {s:?}"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verified caller of a request, put into the request's extensions by the
/// server's authentication layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The tenant (casino brand) every query of this request is scoped to.
    pub tenant: String,
    /// Who: a backend's client id, an agent's id, a service name.
    pub subject: String,
    /// What the caller may do.
    pub roles: HashSet<Role>,
    /// The token the caller authenticated with, for a read a service makes
    /// on the caller's behalf (intake's player story asks each owning service
    /// as the caller, so each applies its own role rules). Never logged.
    pub bearer: redress_config::Secret,
}

impl Caller {
    /// Fails with PERMISSION_DENIED unless the caller has one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.iter().any(|r| self.roles.contains(r)) {
            Ok(())
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::permission_denied(format!("this call needs one of the roles {}", names.join(", "))))
        }
    }

    /// The caller of a tonic request, or UNAUTHENTICATED when the
    /// authentication layer did not run (a wiring bug, never a client error).
    pub fn of<T>(request: &tonic::Request<T>) -> Result<&Caller, ApiError> {
        request.extensions().get::<Caller>().ok_or_else(|| ApiError::unauthenticated("missing credentials"))
    }
}

/// The caller of a request, when they hold one of `roles`: what every RPC
/// handler checks first.
pub fn authorize<T>(request: &tonic::Request<T>, roles: &[Role]) -> Result<Caller, ApiError> {
    let caller = Caller::of(request)?.clone();
    caller.require_any(roles)?;
    Ok(caller)
}

/// The claims of a Redress token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: who is calling.
    pub sub: String,
    /// The tenant.
    pub tenant: String,
    /// Role names.
    pub roles: Vec<String>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// Not before, seconds since the epoch: a token used earlier is rejected
    /// (RFC 7519 §4.1.5), within the clock-skew leeway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
}

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const CLOCK_LEEWAY_SECS: u64 = 30;

/// Authentication settings (`[auth]` in every service's configuration).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthConfig {
    /// Expected `iss` claim.
    pub issuer: String,
    /// Expected `aud` claim.
    pub audience: String,
    /// HS256 shared secret (development and small installs). Empty disables HS256.
    pub hs256_secret: Secret,
    /// A JWKS file with the RS256/EdDSA public keys accepted in production.
    pub jwks_file: Option<PathBuf>,
    /// The PEM private key (RS256 or Ed25519) this service signs its own
    /// service-to-service tokens with; its public key must be in the peers'
    /// JWKS. Empty: service tokens are signed with `hs256_secret`.
    pub service_key_file: Option<PathBuf>,
    /// The `kid` header of service tokens signed with `service_key_file`.
    pub service_key_id: String,
    /// Whether HS256 (one shared secret that can mint any role for any
    /// tenant) is accepted at all. Production sets `false`: tokens are then
    /// RS256/EdDSA only, and a configured `hs256_secret` stops the start.
    pub allow_hs256: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            issuer: "redress".into(),
            audience: "redress".into(),
            hs256_secret: Secret::default(),
            jwks_file: None,
            service_key_file: None,
            service_key_id: String::new(),
            allow_hs256: true,
        }
    }
}

/// An authentication setup error, at start-up.
#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    /// Neither an HS256 secret nor a JWKS file is configured.
    #[error("auth: configure auth.hs256_secret or auth.jwks_file")]
    NoKeys,
    /// The JWKS file could not be read or parsed.
    #[error("auth.jwks_file: {0}")]
    Jwks(String),
    /// The service key file could not be read or parsed.
    #[error("auth.service_key_file: {0}")]
    ServiceKey(String),
    /// An HS256 secret is configured where `auth.allow_hs256` is false.
    #[error("auth.hs256_secret is set but auth.allow_hs256 is false: remove the secret (HS256 is refused here)")]
    Hs256Refused,
}

struct KeyEntry {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Verifies bearer tokens.
pub struct Verifier {
    keys: Vec<KeyEntry>,
    issuer: String,
    audience: String,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("keys", &self.keys.len()).finish()
    }
}

impl Verifier {
    /// Builds a verifier from configuration.
    pub fn from_config(config: &AuthConfig) -> Result<Self, AuthSetupError> {
        if !config.allow_hs256 && !config.hs256_secret.is_empty() {
            return Err(AuthSetupError::Hs256Refused);
        }
        let mut keys = Vec::new();
        if !config.hs256_secret.is_empty() {
            keys.push(KeyEntry {
                kid: None,
                algorithm: Algorithm::HS256,
                key: DecodingKey::from_secret(config.hs256_secret.expose().as_bytes()),
            });
        }
        if let Some(path) = &config.jwks_file {
            let text =
                std::fs::read_to_string(path).map_err(|e| AuthSetupError::Jwks(format!("{}: {e}", path.display())))?;
            let set: JwkSet = serde_json::from_str(&text).map_err(|e| AuthSetupError::Jwks(e.to_string()))?;
            if set.keys.is_empty() && config.hs256_secret.is_empty() {
                return Err(AuthSetupError::Jwks(format!(
                    "{} holds no keys: put the public keys of the callers and peers in it",
                    path.display()
                )));
            }
            for jwk in &set.keys {
                let algorithm =
                    jwk_algorithm(jwk).ok_or_else(|| AuthSetupError::Jwks("a key without a usable alg".into()))?;
                let key = DecodingKey::from_jwk(jwk).map_err(|e| AuthSetupError::Jwks(e.to_string()))?;
                keys.push(KeyEntry { kid: jwk.common.key_id.clone(), algorithm, key });
            }
        }
        if keys.is_empty() {
            return Err(AuthSetupError::NoKeys);
        }
        Ok(Self { keys, issuer: config.issuer.clone(), audience: config.audience.clone() })
    }

    /// Verifies an `authorization` header value (`Bearer <jwt>`).
    pub fn verify_header(&self, header: Option<&str>) -> Result<Caller, ApiError> {
        let header = header.ok_or_else(|| ApiError::unauthenticated("missing bearer token"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| ApiError::unauthenticated("the authorization header must be `Bearer <token>`"))?;
        self.verify(token.trim())
    }

    /// Verifies a JWT and returns its caller.
    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::unauthenticated("malformed token"))?;
        // The key decides the algorithm: a token signed with anything else is
        // rejected, so `alg: none` or HS256-with-a-public-key tricks fail.
        let entry = self
            .keys
            .iter()
            .find(|k| k.algorithm == header.alg && (k.kid.is_none() || k.kid == header.kid))
            .ok_or_else(|| ApiError::unauthenticated("token signed with an unknown key or algorithm"))?;
        let mut validation = Validation::new(entry.algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = CLOCK_LEEWAY_SECS;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &entry.key, &validation)
            .map_err(|e| ApiError::unauthenticated(format!("invalid token: {}", e.to_string().to_lowercase())))?;
        let claims = data.claims;
        if claims.tenant.trim().is_empty() {
            return Err(ApiError::unauthenticated("the token names no tenant"));
        }
        let roles = claims.roles.iter().filter_map(|r| r.parse().ok()).collect();
        Ok(Caller { tenant: claims.tenant, subject: claims.sub, roles, bearer: redress_config::Secret::new(token) })
    }
}

fn jwk_algorithm(jwk: &jsonwebtoken::jwk::Jwk) -> Option<Algorithm> {
    use jsonwebtoken::jwk::{AlgorithmParameters, KeyAlgorithm};
    match jwk.common.key_algorithm {
        Some(KeyAlgorithm::RS256) => Some(Algorithm::RS256),
        Some(KeyAlgorithm::EdDSA) => Some(Algorithm::EdDSA),
        Some(KeyAlgorithm::ES256) => Some(Algorithm::ES256),
        Some(_) => None,
        None => match jwk.algorithm {
            AlgorithmParameters::RSA(_) => Some(Algorithm::RS256),
            AlgorithmParameters::OctetKeyPair(_) => Some(Algorithm::EdDSA),
            _ => None,
        },
    }
}

/// Signs tokens: service-to-service tokens in every service, and development
/// tokens in `redress dev` and the tests.
#[derive(Clone)]
pub struct Issuer {
    key: EncodingKey,
    header: Header,
    issuer: String,
    audience: String,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer").field("alg", &self.header.alg).finish()
    }
}

impl Issuer {
    /// An HS256 issuer with a shared secret.
    pub fn hs256(secret: &str, issuer: &str, audience: &str) -> Self {
        Self {
            key: EncodingKey::from_secret(secret.as_bytes()),
            header: Header::new(Algorithm::HS256),
            issuer: issuer.into(),
            audience: audience.into(),
        }
    }

    /// An issuer for a PEM private key (RSA → RS256, Ed25519 → EdDSA).
    pub fn from_pem(pem: &[u8], kid: &str, issuer: &str, audience: &str) -> Result<Self, AuthSetupError> {
        let (key, alg) = match EncodingKey::from_ed_pem(pem) {
            Ok(key) => (key, Algorithm::EdDSA),
            Err(_) => (
                EncodingKey::from_rsa_pem(pem).map_err(|e| AuthSetupError::ServiceKey(e.to_string()))?,
                Algorithm::RS256,
            ),
        };
        let mut header = Header::new(alg);
        if !kid.is_empty() {
            header.kid = Some(kid.into());
        }
        Ok(Self { key, header, issuer: issuer.into(), audience: audience.into() })
    }

    /// The issuer for this service's own service tokens.
    pub fn for_service(config: &AuthConfig) -> Result<Self, AuthSetupError> {
        match &config.service_key_file {
            Some(path) => {
                let pem =
                    std::fs::read(path).map_err(|e| AuthSetupError::ServiceKey(format!("{}: {e}", path.display())))?;
                Self::from_pem(&pem, &config.service_key_id, &config.issuer, &config.audience)
            }
            None if config.allow_hs256 && !config.hs256_secret.is_empty() => {
                Ok(Self::hs256(config.hs256_secret.expose(), &config.issuer, &config.audience))
            }
            None => Err(AuthSetupError::NoKeys),
        }
    }

    /// Signs a token for `tenant`/`subject` with `roles`, valid for `ttl`.
    pub fn mint(&self, tenant: &str, subject: &str, roles: &[Role], ttl: Duration) -> Result<String, ApiError> {
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(ApiError::internal)?.as_secs();
        let claims = Claims {
            sub: subject.into(),
            tenant: tenant.into(),
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + ttl.as_secs(),
            iat: now,
            nbf: None,
        };
        jsonwebtoken::encode(&self.header, &claims, &self.key).map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_ED25519_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIFkKbFL1xbYEefRxo83OsLMCXgUPl/zBBfxn7P0Kwuv0\n-----END PRIVATE KEY-----\n";
    const TEST_ED25519_X: &str = "TO8zQI2FMaJlVh4QPMA1NUUjJjIQ_bwf3j_FilnXZTY";

    fn hs_config() -> AuthConfig {
        AuthConfig { hs256_secret: Secret::new("dev-secret"), ..AuthConfig::default() }
    }

    #[test]
    fn a_minted_token_verifies_with_its_tenant_and_roles() {
        let issuer = Issuer::hs256("dev-secret", "redress", "redress");
        let token = issuer.mint("casino-a", "agent-7", &[Role::Agent], Duration::from_secs(60)).unwrap();
        let caller = Verifier::from_config(&hs_config()).unwrap().verify(&token).unwrap();
        assert_eq!(caller.tenant, "casino-a");
        assert!(caller.require_any(&[Role::Agent]).is_ok());
        assert!(caller.require_any(&[Role::Service]).is_err());
    }

    #[test]
    fn wrong_secret_audience_issuer_and_expiry_are_rejected() {
        let verifier = Verifier::from_config(&hs_config()).unwrap();
        let bad = [
            Issuer::hs256("other", "redress", "redress").mint("t", "s", &[], Duration::from_secs(60)),
            Issuer::hs256("dev-secret", "redress", "elsewhere").mint("t", "s", &[], Duration::from_secs(60)),
            Issuer::hs256("dev-secret", "evil", "redress").mint("t", "s", &[], Duration::from_secs(60)),
        ];
        for token in bad {
            assert!(verifier.verify(&token.unwrap()).is_err());
        }
        let mut expired = Issuer::hs256("dev-secret", "redress", "redress");
        expired.header.typ = Some("JWT".into());
        let claims = Claims {
            sub: "s".into(),
            tenant: "t".into(),
            roles: vec![],
            iss: "redress".into(),
            aud: "redress".into(),
            exp: 1_000,
            iat: 900,
            nbf: None,
        };
        let token = jsonwebtoken::encode(&expired.header, &claims, &expired.key).unwrap();
        assert!(verifier.verify(&token).is_err());
        assert!(verifier.verify_header(Some("Basic abc")).is_err());
        assert!(verifier.verify_header(None).is_err());
    }

    fn token_with_nbf(offset_secs: i64) -> String {
        let issuer = Issuer::hs256("dev-secret", "redress", "redress");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let claims = Claims {
            sub: "s".into(),
            tenant: "t".into(),
            roles: vec![],
            iss: "redress".into(),
            aud: "redress".into(),
            exp: now + 3600,
            iat: now,
            nbf: Some(now.saturating_add_signed(offset_secs)),
        };
        jsonwebtoken::encode(&issuer.header, &claims, &issuer.key).unwrap()
    }

    #[test]
    fn a_token_not_yet_valid_is_rejected_within_the_leeway() {
        let verifier = Verifier::from_config(&hs_config()).unwrap();
        // nbf an hour ahead: refused, and the message says why.
        let err = verifier.verify(&token_with_nbf(3600)).unwrap_err();
        assert_eq!(err.code, redress_errors::ErrorCode::Unauthenticated);
        assert!(err.message.contains("immature"), "{}", err.message);
        // nbf a few seconds ahead (clock skew) or in the past: accepted.
        assert!(verifier.verify(&token_with_nbf(5)).is_ok());
        assert!(verifier.verify(&token_with_nbf(-60)).is_ok());
    }

    #[test]
    fn eddsa_tokens_verify_against_a_jwks_file_and_hs256_cannot_impersonate_it() {
        let dir = std::env::temp_dir().join(format!("redress-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let jwks = dir.join("jwks.json");
        let set =
            format!(r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"k1","x":"{TEST_ED25519_X}"}}]}}"#);
        std::fs::write(&jwks, set).unwrap();
        let config = AuthConfig { jwks_file: Some(jwks), ..AuthConfig::default() };
        let verifier = Verifier::from_config(&config).unwrap();
        let issuer = Issuer::from_pem(TEST_ED25519_PEM.as_bytes(), "k1", "redress", "redress").unwrap();
        let token = issuer.mint("casino-b", "intake", &[Role::Service], Duration::from_secs(60)).unwrap();
        assert_eq!(verifier.verify(&token).unwrap().tenant, "casino-b");
        // No HS256 key is configured, so an HS256 token is refused outright.
        let hs = Issuer::hs256(TEST_ED25519_X, "redress", "redress").mint(
            "casino-b",
            "x",
            &[Role::Admin],
            Duration::from_secs(60),
        );
        assert!(verifier.verify(&hs.unwrap()).is_err());
    }

    #[test]
    fn where_hs256_is_refused_a_configured_secret_stops_the_start_and_service_tokens_need_a_key() {
        let refused = AuthConfig { allow_hs256: false, ..hs_config() };
        assert!(matches!(Verifier::from_config(&refused), Err(AuthSetupError::Hs256Refused)));
        let no_key = AuthConfig { allow_hs256: false, ..AuthConfig::default() };
        assert!(matches!(Issuer::for_service(&no_key), Err(AuthSetupError::NoKeys)));
        let with_secret = AuthConfig { allow_hs256: false, ..hs_config() };
        assert!(matches!(Issuer::for_service(&with_secret), Err(AuthSetupError::NoKeys)));
    }
}

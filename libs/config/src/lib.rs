//! Layered configuration, one way for every Redress process: the service's
//! defaults, then an optional TOML file, then `REDRESS_<SERVICE>__SECTION__KEY`
//! environment variables. A value of the wrong type stops the start with an
//! error that names the key.
//!
//! Every [`Secret`] can also come from a file, the way Kubernetes mounts
//! Secrets: `key = { file = "/run/secrets/…" }` in TOML, or
//! `REDRESS_<SERVICE>__…__KEY__FILE=/run/secrets/…` in the environment.

use std::{collections::HashMap, fmt, path::Path};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de::DeserializeOwned};

/// A configuration error, with the offending key in its message.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

/// Where configuration comes from besides the defaults.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// An optional TOML file; when given it must exist.
    pub file: Option<std::path::PathBuf>,
    /// The environment to read `REDRESS_<SERVICE>__…` variables from. `None`
    /// reads the process environment; tests pass a map instead of mutating it.
    pub env: Option<HashMap<String, String>>,
}

/// Loads a service's configuration: `defaults` → `sources.file` → environment
/// variables `REDRESS_<SERVICE>__…` (double underscore between levels, e.g.
/// `REDRESS_INTAKE__DATABASE__URL`).
pub fn load<T>(service: &str, defaults: &T, sources: &Sources) -> Result<T, ConfigError>
where
    T: Serialize + DeserializeOwned,
{
    let prefix = format!("REDRESS_{}", service.to_ascii_uppercase());
    let defaults = config::Config::try_from(defaults).map_err(|e| ConfigError(e.to_string()))?;
    let mut builder = config::Config::builder().add_source(defaults);
    if let Some(file) = &sources.file {
        builder = builder.add_source(config::File::from(Path::new(file)).required(true));
    }
    let env = config::Environment::with_prefix(&prefix)
        .prefix_separator("__")
        .separator("__")
        .try_parsing(true)
        .source(sources.env.clone());
    builder.add_source(env).build().and_then(|c| c.try_deserialize()).map_err(|e| ConfigError(e.to_string()))
}

/// A secret value (a signing key, a database password) that never prints:
/// `Debug` shows `[redacted]`.
///
/// Configured either as the value itself or as `{ file = "/path" }`, whose
/// content is the value (one trailing newline removed, as `echo` and
/// `kubectl create secret --from-file` leave one). A file that cannot be read
/// stops the start with an error naming the key and the path.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when no secret was configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Value(String),
            File { file: std::path::PathBuf },
        }
        match Form::deserialize(d)? {
            Form::Value(value) => Ok(Secret(value)),
            Form::File { file } => Secret::from_file(&file).map_err(serde::de::Error::custom),
        }
    }
}

impl Secret {
    /// Reads a secret from a file: its content, minus one trailing newline.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let mut value =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read secret file {}: {e}", path.display()))?;
        if value.ends_with('\n') {
            value.pop();
            if value.ends_with('\r') {
                value.pop();
            }
        }
        Ok(Secret(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Server {
        port: u16,
        name: String,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Conf {
        server: Server,
        key: Secret,
    }

    fn defaults() -> Conf {
        Conf { server: Server { port: 1, name: "a".into() }, key: Secret::new("k") }
    }

    fn env(pairs: &[(&str, &str)]) -> Sources {
        Sources { file: None, env: Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()) }
    }

    #[test]
    fn environment_overrides_defaults() {
        let conf: Conf = load("intake", &defaults(), &env(&[("REDRESS_INTAKE__SERVER__PORT", "9")])).unwrap();
        assert_eq!(conf.server.port, 9);
        assert_eq!(conf.server.name, "a");
    }

    #[test]
    fn other_services_variables_are_ignored() {
        let conf: Conf = load("intake", &defaults(), &env(&[("REDRESS_FEEDBACK__SERVER__PORT", "9")])).unwrap();
        assert_eq!(conf.server.port, 1);
    }

    #[test]
    fn an_invalid_value_names_its_key() {
        let err = load::<Conf>("intake", &defaults(), &env(&[("REDRESS_INTAKE__SERVER__PORT", "many")])).unwrap_err();
        assert!(err.to_string().contains("server.port"), "{err}");
    }

    #[test]
    fn a_secret_comes_from_the_file_an_environment_variable_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "s3cret\n").unwrap();
        let sources = env(&[("REDRESS_INTAKE__KEY__FILE", path.to_str().unwrap())]);
        let conf: Conf = load("intake", &defaults(), &sources).unwrap();
        assert_eq!(conf.key.expose(), "s3cret");
    }

    #[test]
    fn a_secret_comes_from_a_file_named_in_toml_also_in_a_list() {
        #[derive(Debug, Serialize, Deserialize)]
        struct Tenants {
            #[serde(default)]
            secrets: Vec<Secret>,
            key: Secret,
        }
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "first").unwrap();
        std::fs::write(&b, "second\r\n").unwrap();
        let toml = dir.path().join("c.toml");
        std::fs::write(
            &toml,
            format!("secrets = [{{ file = {a:?} }}, \"inline\", {{ file = {b:?} }}]\nkey = {{ file = {a:?} }}\n"),
        )
        .unwrap();
        let sources = Sources { file: Some(toml), env: Some(HashMap::new()) };
        let conf: Tenants = load("intake", &Tenants { secrets: vec![], key: Secret::default() }, &sources).unwrap();
        let secrets: Vec<&str> = conf.secrets.iter().map(Secret::expose).collect();
        assert_eq!(secrets, ["first", "inline", "second"]);
        assert_eq!(conf.key.expose(), "first");
    }

    #[test]
    fn an_unreadable_secret_file_names_its_key_and_path() {
        let sources = env(&[("REDRESS_INTAKE__KEY__FILE", "/nonexistent/redress-key")]);
        let err = load::<Conf>("intake", &defaults(), &sources).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/redress-key"), "{err}");
        assert!(err.contains("for key `key`"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", defaults().key), "[redacted]");
    }
}

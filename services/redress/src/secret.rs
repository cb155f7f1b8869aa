//! The development HS256 secret: generated on the first `redress dev` and kept
//! in `<data-dir>/dev-secret`, so tokens stay valid across restarts.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use rand::RngCore;

/// The secret's file name inside the data folder.
pub const FILE_NAME: &str = "dev-secret";

/// The path of the secret file in `data_dir`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The file of the key that encrypts webhook endpoints' signing secrets.
pub const WEBHOOK_KEY_FILE_NAME: &str = "webhook-secret.key";

/// The webhook secret key file in `data_dir` (which must exist), written
/// with a new random key when there is none yet; kept across restarts, so
/// registered endpoints keep their secrets.
pub fn webhook_key_file(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let file = data_dir.join(WEBHOOK_KEY_FILE_NAME);
    match write_new(&file, &generate()) {
        Ok(()) => Ok(file),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(file),
        Err(err) => Err(err).with_context(|| format!("cannot write the webhook secret key to {}", file.display())),
    }
}

/// Whether [`load_or_create`] found the secret or made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Read from an existing file.
    Loaded,
    /// Generated and written now.
    Created,
}

/// Reads the secret in `data_dir` (which must exist), generating and
/// persisting a new one when there is none yet.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<(String, Origin)> {
    if let Some(secret) = load(data_dir)? {
        return Ok((secret, Origin::Loaded));
    }
    let file = path(data_dir);
    let secret = generate();
    match write_new(&file, &secret) {
        Ok(()) => Ok((secret, Origin::Created)),
        // Another process created it meanwhile: use theirs.
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            let secret = load(data_dir)?.with_context(|| format!("{} vanished while being read", file.display()))?;
            Ok((secret, Origin::Loaded))
        }
        Err(err) => Err(err).with_context(|| format!("cannot write the development secret to {}", file.display())),
    }
}

/// Reads the secret in `data_dir`; `None` when the file does not exist.
pub fn load(data_dir: &Path) -> anyhow::Result<Option<String>> {
    let file = path(data_dir);
    let text = match fs::read_to_string(&file) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).with_context(|| format!("cannot read the development secret {}", file.display())),
    };
    let secret = text.trim();
    if secret.is_empty() {
        bail!("{} is empty; delete it to generate a new secret", file.display());
    }
    Ok(Some(secret.to_owned()))
}

/// 32 random bytes, hex encoded.
pub(crate) fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates `file` (failing if it exists), readable by its owner only.
pub(crate) fn write_new(file: &Path, secret: &str) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(file)?;
    f.write_all(secret.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        let (first, origin) = load_or_create(dir.path()).unwrap();
        assert_eq!(origin, Origin::Created);
        assert_eq!(first.len(), 64);
        assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
        let (second, origin) = load_or_create(dir.path()).unwrap();
        assert_eq!(origin, Origin::Loaded);
        assert_eq!(first, second);
        assert_eq!(load(dir.path()).unwrap(), Some(first));
    }

    #[test]
    fn two_data_folders_get_different_secrets() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        assert_ne!(load_or_create(a.path()).unwrap().0, load_or_create(b.path()).unwrap().0);
    }

    #[test]
    fn a_hand_written_secret_is_trimmed_and_an_empty_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(path(dir.path()), "  my-secret \n").unwrap();
        assert_eq!(load_or_create(dir.path()).unwrap(), ("my-secret".to_owned(), Origin::Loaded));
        fs::write(path(dir.path()), "\n").unwrap();
        let err = load_or_create(dir.path()).unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        load_or_create(dir.path()).unwrap();
        let mode = fs::metadata(path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

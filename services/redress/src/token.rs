//! `redress token`: mints an HS256 development token.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, bail};
use clap::Args;
use redress_auth::{Issuer, Role};

use crate::secret;

/// The `iss` and `aud` of development tokens; the services expect them by default.
pub const ISSUER: &str = "redress";
/// See [`ISSUER`].
pub const AUDIENCE: &str = "redress";

/// Arguments of `redress token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The HS256 secret. Without it, the `dev-secret` file of --data-dir is used.
    #[arg(long, env = "REDRESS_DEV_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// The data folder of `redress dev`, whose secret is used when none is given.
    #[arg(long, default_value = crate::dev::DEFAULT_DATA_DIR)]
    data_dir: PathBuf,
    /// The tenant (casino brand) the token is for.
    #[arg(long)]
    tenant: String,
    /// A role: backend, agent, supervisor, analyst, service, admin or dpo. Repeat
    /// the option or separate with commas for several.
    #[arg(long = "role", required = true, value_delimiter = ',')]
    roles: Vec<Role>,
    /// The token's subject (`sub`): who is calling.
    #[arg(long, default_value = "redress-cli")]
    subject: String,
    /// How long the token is valid, in hours.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..=24 * 366))]
    ttl_hours: u64,
}

/// Prints a token on stdout, nothing else, so `TOKEN=$(redress token …)` works.
pub fn run(args: TokenArgs) -> anyhow::Result<()> {
    println!("{}", token(&args)?);
    Ok(())
}

fn token(args: &TokenArgs) -> anyhow::Result<String> {
    if args.tenant.trim().is_empty() {
        bail!("--tenant must not be empty");
    }
    let secret = resolve_secret(args.secret.as_deref(), &args.data_dir)?;
    mint(&secret, &args.tenant, &args.subject, &args.roles, Duration::from_secs(args.ttl_hours * 3600))
}

/// The explicit secret, else the one `redress dev` keeps in `data_dir`.
fn resolve_secret(explicit: Option<&str>, data_dir: &Path) -> anyhow::Result<String> {
    if let Some(secret) = explicit.filter(|s| !s.is_empty()) {
        return Ok(secret.to_owned());
    }
    secret::load(data_dir)?.with_context(|| {
        format!(
            "no secret: pass --secret, set REDRESS_DEV_SECRET, or run `redress dev --data-dir {}` once to create {}",
            data_dir.display(),
            secret::path(data_dir).display()
        )
    })
}

/// Signs a development token with `secret`.
pub fn mint(secret: &str, tenant: &str, subject: &str, roles: &[Role], ttl: Duration) -> anyhow::Result<String> {
    Issuer::hs256(secret, ISSUER, AUDIENCE)
        .mint(tenant, subject, roles, ttl)
        .map_err(|e| anyhow::anyhow!("cannot sign the token: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use redress_auth::{AuthConfig, Verifier};
    use redress_config::Secret;

    use super::*;

    fn verifier(secret: &str) -> Verifier {
        Verifier::from_config(&AuthConfig { hs256_secret: Secret::new(secret), ..AuthConfig::default() }).unwrap()
    }

    #[test]
    fn a_minted_token_verifies_with_the_services_default_auth_config() {
        let token =
            mint("s3cret", "demo-casino", "dev-agent", &[Role::Agent, Role::Supervisor], Duration::from_secs(3600))
                .unwrap();
        let caller = verifier("s3cret").verify(&token).unwrap();
        assert_eq!(caller.tenant, "demo-casino");
        assert_eq!(caller.subject, "dev-agent");
        assert_eq!(caller.roles, [Role::Agent, Role::Supervisor].into_iter().collect());
    }

    #[test]
    fn the_secret_comes_from_the_option_else_from_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let err = resolve_secret(None, dir.path()).unwrap_err();
        assert!(err.to_string().contains("no secret"), "{err}");
        let (stored, _) = secret::load_or_create(dir.path()).unwrap();
        assert_eq!(resolve_secret(None, dir.path()).unwrap(), stored);
        assert_eq!(resolve_secret(Some(""), dir.path()).unwrap(), stored);
        assert_eq!(resolve_secret(Some("explicit"), dir.path()).unwrap(), "explicit");
    }

    #[test]
    fn a_token_minted_from_the_data_folder_verifies_with_its_secret() {
        let dir = tempfile::tempdir().unwrap();
        let (stored, _) = secret::load_or_create(dir.path()).unwrap();
        let args = TokenArgs {
            secret: None,
            data_dir: dir.path().to_owned(),
            tenant: "demo-casino".into(),
            roles: vec![Role::Backend],
            subject: "ops".into(),
            ttl_hours: 1,
        };
        let caller = verifier(&stored).verify(&token(&args).unwrap()).unwrap();
        assert_eq!((caller.tenant.as_str(), caller.subject.as_str()), ("demo-casino", "ops"));
        let blank = TokenArgs { tenant: " ".into(), ..args };
        assert!(token(&blank).is_err());
    }

    #[test]
    fn a_token_from_another_secret_is_rejected() {
        let token = mint("s3cret", "demo-casino", "x", &[Role::Backend], Duration::from_secs(3600)).unwrap();
        assert!(verifier("other").verify(&token).is_err());
    }

    #[test]
    fn roles_parse_from_repeated_and_comma_separated_options() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            token: TokenArgs,
        }
        let cli = Cli::try_parse_from([
            "t",
            "--secret",
            "s",
            "--tenant",
            "demo-casino",
            "--role",
            "agent,supervisor",
            "--role",
            "admin",
        ])
        .unwrap();
        assert_eq!(cli.token.roles, [Role::Agent, Role::Supervisor, Role::Admin]);
        assert_eq!(cli.token.ttl_hours, 24);
        assert!(Cli::try_parse_from(["t", "--secret", "s", "--tenant", "t", "--role", "root"]).is_err());
        assert!(Cli::try_parse_from(["t", "--secret", "s", "--tenant", "t"]).is_err());
    }
}

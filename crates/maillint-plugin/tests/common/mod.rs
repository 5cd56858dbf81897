//! Hand-built account models for the tests: every value gets a span of its own, so a test can
//! check exactly where a finding points.

#![allow(dead_code, clippy::print_stderr)]

use std::sync::atomic::{AtomicUsize, Ordering};

use maillint_core::{
    Account, AuthMethod, Client, Endpoint, FileId, Finding, Located, Protocol, ProviderDb, Rule,
    RuleContext, RuleSettings, RunState, SecretKind, Security, Span, StoredSecret,
};

static NEXT: AtomicUsize = AtomicUsize::new(1);

/// A fresh, non-empty span no other value shares.
pub fn span() -> Span {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    Span::new(FileId(0), n * 16, n * 16 + 8)
}

/// A fresh insertion point.
pub fn point() -> Span {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    Span::point(FileId(0), n * 16)
}

pub struct EndpointBuilder(pub Endpoint);

impl EndpointBuilder {
    pub fn new(protocol: Protocol) -> Self {
        Self(Endpoint {
            protocol,
            host: None,
            port: None,
            security: Located::explicit(Security::ImplicitTls, span()),
            auth: Located::explicit(AuthMethod::PasswordCleartext, span()),
            username: None,
            certificate_verification_disabled: None,
            secrets: Vec::new(),
            tls_versions: Vec::new(),
            span: span(),
            locator: format!("test:{}", NEXT.fetch_add(1, Ordering::Relaxed)),
        })
    }

    pub fn server(protocol: Protocol, host: &str, port: u16, security: Security) -> Self {
        Self::new(protocol).host(host).port(port).security(security)
    }

    pub fn host(mut self, host: &str) -> Self {
        self.0.host = Some(Located::explicit(maillint_core::HostName::new(host), span()));
        self
    }

    pub fn port(mut self, port: u16) -> Self {
        self.0.port = Some(Located::explicit(port, span()));
        self
    }

    pub fn default_port(mut self, port: u16) -> Self {
        self.0.port = Some(Located::default(port, point(), "the client's default"));
        self
    }

    pub fn security(mut self, security: Security) -> Self {
        self.0.security = Located::explicit(security, span());
        self
    }

    pub fn security_at(mut self, security: Security, at: Span) -> Self {
        self.0.security = Located::derived(security, at, "shared setting");
        self
    }

    pub fn auth(mut self, auth: AuthMethod) -> Self {
        self.0.auth = Located::explicit(auth, span());
        self
    }

    pub fn username(mut self, user: &str) -> Self {
        self.0.username = Some(Located::explicit(user.to_owned(), span()));
        self
    }

    pub fn certificate_checks_off(mut self, at: Span) -> Self {
        self.0.certificate_verification_disabled = Some(Located::explicit(true, at));
        self
    }

    pub fn password(mut self) -> Self {
        self.0.secrets.push(StoredSecret {
            kind: SecretKind::Password,
            setting: "password".into(),
            span: span(),
        });
        self
    }

    pub fn build(self) -> Endpoint {
        self.0
    }
}

pub fn account(client: Client, email: Option<&str>, endpoints: Vec<EndpointBuilder>) -> Account {
    Account {
        client,
        name: email.unwrap_or("account").to_owned(),
        email: email.map(|e| Located::explicit(e.to_owned(), span())),
        span: span(),
        endpoints: endpoints.into_iter().map(EndpointBuilder::build).collect(),
    }
}

/// Runs one rule over `accounts` with the given providers and no settings.
pub fn run(rule: &dyn Rule, accounts: &[Account], providers: &ProviderDb) -> Vec<Finding> {
    run_with(rule, accounts, providers, &RuleSettings::default())
}

pub fn run_with(
    rule: &dyn Rule,
    accounts: &[Account],
    providers: &ProviderDb,
    settings: &RuleSettings,
) -> Vec<Finding> {
    // The providers differ between calls: each call is a run of its own.
    let run = RunState::new();
    let cx = RuleContext { accounts, providers, settings, run: &run };
    let mut out = Vec::new();
    rule.check(&cx, &mut out);
    out
}

/// Gmail-like and corp provider facts for the tests.
pub fn providers() -> ProviderDb {
    let mut db = ProviderDb::new();
    db.add(
        ProviderDb::parse(
            "gmail.toml",
            r#"
id = "gmail"
name = "Gmail"
mail-domains = ["gmail.com", "googlemail.com"]
host-domains = ["gmail.com", "googlemail.com"]
[[server]]
protocol = "imap"
host = "imap.gmail.com"
port = 993
security = "implicit-tls"
[[server]]
protocol = "smtp"
host = "smtp.gmail.com"
port = 465
security = "implicit-tls"
[[server]]
protocol = "smtp"
host = "smtp.gmail.com"
port = 587
security = "starttls-required"
[[alias]]
host = "imap.googlemail.com"
protocol = "imap"
canonical = "imap.gmail.com"
"#,
        )
        .unwrap(),
    );
    db
}

/// The repository's root.
pub fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether `python3` runs. Without it the plugin tests print `SKIPPED` and return; in CI (`CI`
/// set) they fail instead.
pub fn python_available(test: &str) -> bool {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{test}: python3 is required in CI");
        eprintln!("SKIPPED: {test}: python3 not found (the example plugins are Python 3)");
    }
    ok
}

/// A linter with exactly the given extensions (no built-in parsers or rules except the core's
/// own), over the test providers.
pub fn linter(extensions: &maillint_plugin::Extensions) -> maillint_engine::Linter {
    use maillint_core::builtin::{IoError, NotFollowed, ParseError};
    let mut parsers = maillint_core::ParserRegistry::new();
    extensions.install_parsers(&mut parsers);
    let mut rules = maillint_core::RuleRegistry::new();
    for meta in [ParseError::metadata(), IoError::metadata(), NotFollowed::metadata()] {
        rules.register_meta(std::sync::Arc::clone(meta)).unwrap();
    }
    for parser in parsers.iter() {
        for meta in parser.rules() {
            rules.register_meta(meta).unwrap();
        }
    }
    extensions.install_rules(&mut rules).unwrap_or_else(|e| panic!("{e}"));
    let mut providers = providers();
    extensions.install_providers(&mut providers);
    let enabled = rules.resolve(&maillint_core::Selection::default()).unwrap();
    let mut linter = maillint_engine::Linter::new(parsers, rules, providers, enabled);
    // The suppression test applies them itself, so that it does not depend on whether
    // the engine's lint applies them or leaves it to its caller.
    linter.inline_suppressions = false;
    linter
}

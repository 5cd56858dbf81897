//! Hand-built account models for the unit tests. Every value gets a span of its own, so a test
//! can check exactly where a finding points and which spans it labels.

use std::sync::atomic::{AtomicUsize, Ordering};

use maillint_core::{
    Account, Applicability, AuthMethod, Client, Endpoint, FieldChange, FileId, Finding, FixAction,
    HostName, Located, Protocol, Rule, RuleContext, RuleSettings, RunState, SecretKind, Security,
    Span, StoredSecret, TlsVersion,
};

use crate::builtin_providers;

static NEXT_SPAN: AtomicUsize = AtomicUsize::new(1);

/// A fresh, non-empty span that no other value shares.
pub(crate) fn span() -> Span {
    let n = NEXT_SPAN.fetch_add(1, Ordering::Relaxed);
    Span::new(FileId(0), n * 16, n * 16 + 8)
}

/// A fresh insertion point, as a parser records for a defaulted value.
pub(crate) fn point() -> Span {
    let n = NEXT_SPAN.fetch_add(1, Ordering::Relaxed);
    Span::point(FileId(0), n * 16)
}

/// Builds one endpoint. Defaults: no host, no port, explicit implicit TLS, explicit OAuth2.
pub(crate) struct EndpointBuilder {
    endpoint: Endpoint,
}

impl EndpointBuilder {
    pub(crate) fn new(protocol: Protocol) -> Self {
        Self {
            endpoint: Endpoint {
                protocol,
                host: None,
                port: None,
                security: Located::explicit(Security::ImplicitTls, span()),
                auth: Located::explicit(AuthMethod::Oauth2, span()),
                username: None,
                certificate_verification_disabled: None,
                secrets: Vec::new(),
                tls_versions: Vec::new(),
                span: span(),
                locator: format!("test:{}", NEXT_SPAN.fetch_add(1, Ordering::Relaxed)),
            },
        }
    }

    /// An endpoint with host, explicit port and explicit security.
    pub(crate) fn server(protocol: Protocol, host: &str, port: u16, security: Security) -> Self {
        Self::new(protocol).host(host).port(port).security(security)
    }

    pub(crate) fn host(mut self, host: &str) -> Self {
        self.endpoint.host = Some(Located::explicit(HostName::new(host), span()));
        self
    }

    pub(crate) fn port(mut self, port: u16) -> Self {
        self.endpoint.port = Some(Located::explicit(port, span()));
        self
    }

    pub(crate) fn default_port(mut self, port: u16, reason: &str) -> Self {
        self.endpoint.port = Some(Located::default(port, point(), reason));
        self
    }

    pub(crate) fn security(mut self, security: Security) -> Self {
        self.endpoint.security = Located::explicit(security, span());
        self
    }

    pub(crate) fn default_security(mut self, security: Security, reason: &str) -> Self {
        self.endpoint.security = Located::default(security, point(), reason);
        self
    }

    pub(crate) fn derived_security(mut self, security: Security, at: Span, reason: &str) -> Self {
        self.endpoint.security = Located::derived(security, at, reason);
        self
    }

    pub(crate) fn auth(mut self, auth: AuthMethod) -> Self {
        self.endpoint.auth = Located::explicit(auth, span());
        self
    }

    pub(crate) fn default_auth(mut self, auth: AuthMethod, reason: &str) -> Self {
        self.endpoint.auth = Located::default(auth, point(), reason);
        self
    }

    pub(crate) fn certificate_checks_off(mut self, at: Span) -> Self {
        self.endpoint.certificate_verification_disabled = Some(Located::explicit(true, at));
        self
    }

    pub(crate) fn certificate_checks_on(mut self) -> Self {
        self.endpoint.certificate_verification_disabled = Some(Located::explicit(false, span()));
        self
    }

    pub(crate) fn tls_version(mut self, version: TlsVersion, at: Span) -> Self {
        self.endpoint.tls_versions.push(Located::explicit(version, at));
        self
    }

    pub(crate) fn secret(mut self, kind: SecretKind, setting: &str, at: Span) -> Self {
        self.endpoint.secrets.push(StoredSecret { kind, setting: setting.to_owned(), span: at });
        self
    }

    pub(crate) fn locator(mut self, locator: &str) -> Self {
        self.endpoint.locator = locator.to_owned();
        self
    }

    pub(crate) fn build(self) -> Endpoint {
        self.endpoint
    }
}

/// Builds one account.
pub(crate) struct AccountBuilder {
    account: Account,
}

impl AccountBuilder {
    pub(crate) fn new(email: Option<&str>) -> Self {
        Self {
            account: Account {
                client: Client::named("thunderbird"),
                name: format!("account ({})", email.unwrap_or("no address")),
                email: email.map(|e| Located::explicit(e.to_owned(), span())),
                span: span(),
                endpoints: Vec::new(),
            },
        }
    }

    pub(crate) fn client(mut self, client: Client) -> Self {
        self.account.client = client;
        self
    }

    pub(crate) fn endpoint(mut self, endpoint: EndpointBuilder) -> Self {
        self.account.endpoints.push(endpoint.build());
        self
    }

    pub(crate) fn endpoint_value(mut self, endpoint: Endpoint) -> Self {
        self.account.endpoints.push(endpoint);
        self
    }

    pub(crate) fn build(self) -> Account {
        self.account
    }
}

/// One account with one endpoint.
pub(crate) fn single(email: Option<&str>, endpoint: EndpointBuilder) -> Vec<Account> {
    vec![AccountBuilder::new(email).endpoint(endpoint).build()]
}

/// Runs a rule over accounts with the built-in providers and default settings.
pub(crate) fn check(rule: &dyn Rule, accounts: &[Account]) -> Vec<Finding> {
    check_with(rule, accounts, &RuleSettings::default())
}

/// Runs a rule with the given settings.
pub(crate) fn check_with(
    rule: &dyn Rule,
    accounts: &[Account],
    settings: &RuleSettings,
) -> Vec<Finding> {
    /// One run for the whole test binary: every check uses the built-in providers, so the
    /// provider index is built once, as once per run in maillint.
    static RUN: std::sync::LazyLock<RunState> = std::sync::LazyLock::new(RunState::new);
    let db = builtin_providers();
    let cx = RuleContext { accounts, providers: &db, settings, run: &RUN };
    let mut out = Vec::new();
    rule.check(&cx, &mut out);
    for finding in &out {
        assert!(finding.why.is_some(), "finding without `why`: {}", finding.message);
        assert!(finding.help.is_some(), "finding without `help`: {}", finding.message);
    }
    out
}

/// The field changes of a finding's fix, with the endpoint they target and the applicability.
pub(crate) fn field_fix(finding: &Finding) -> (usize, usize, Vec<FieldChange>, Applicability) {
    let fix = finding.fix.as_ref().unwrap_or_else(|| panic!("no fix: {}", finding.message));
    match &fix.action {
        FixAction::Fields { account, endpoint, changes } => {
            (*account, *endpoint, changes.clone(), fix.applicability)
        }
        other => panic!("not a field fix: {other:?}"),
    }
}

/// The spans a finding labels.
pub(crate) fn label_spans(finding: &Finding) -> Vec<Span> {
    finding.labels.iter().map(|l| l.span).collect()
}

//! maillint's built-in rules and the built-in provider facts they use.
//!
//! * [`builtin_providers`]: the provider facts generated from Mozilla's ISPDB
//!   (`rules/providers/ispdb/providers.toml`, `cargo xtask providers`) with the hand-written
//!   overlays of `rules/providers/*.toml` merged in, embedded in the binary so that maillint
//!   works from any directory.
//! * [`builtin_rules`]: one rule per file under `rules/`, each declared with
//!   [`maillint_core::declare_rule!`] so that its doc comment is its documentation.
//!
//! * [`test_support`]: every built-in rule run over a parsed unit, for the client crates'
//!   fixture tests.
//!
//! The rules share two helpers: `hosts` decides what a host name is to the provider facts
//! (a provider's server, a wrong host under its domains, a look-alike, or unrelated), and
//! `fixes` picks the provider's server that fits an endpoint and the field changes that get
//! there. Sharing them keeps the host rules from reporting one host twice.

use std::sync::{Arc, LazyLock};

use maillint_core::providers::ProviderError;
use maillint_core::{Provider, ProviderDb, Rule};

mod edit_distance;
mod endpoint_rule;
mod findings;
mod fixes;
mod hosts;
mod lookalike;
mod near_names;
mod provider_index;
pub mod rules;
pub mod test_support;

#[cfg(test)]
mod ispdb_coverage;
#[cfg(test)]
mod testing;

/// The provider data generated from the ISPDB (MPL-2.0, see the file's header).
const GENERATED: (&str, &str) =
    ("ispdb/providers.toml", include_str!("../../../rules/providers/ispdb/providers.toml"));

/// The hand-written overlays, by file name, added after the generated data. Every file of
/// `rules/providers/` must be listed here; a unit test checks it.
const PROVIDER_FILES: &[(&str, &str)] = &[
    // Outlook.com before Microsoft 365: both list `outlook.office365.com`, and a host looked up
    // without an account (a custom domain) then resolves to the later one, Microsoft 365, which
    // is what a business account on its own domain uses.
    ("alice-it.toml", include_str!("../../../rules/providers/alice-it.toml")),
    ("aol.toml", include_str!("../../../rules/providers/aol.toml")),
    ("fastmail.toml", include_str!("../../../rules/providers/fastmail.toml")),
    ("gmail.toml", include_str!("../../../rules/providers/gmail.toml")),
    ("gmx-com.toml", include_str!("../../../rules/providers/gmx-com.toml")),
    ("gmx-net.toml", include_str!("../../../rules/providers/gmx-net.toml")),
    ("icloud.toml", include_str!("../../../rules/providers/icloud.toml")),
    ("mail-com.toml", include_str!("../../../rules/providers/mail-com.toml")),
    ("outlook-com.toml", include_str!("../../../rules/providers/outlook-com.toml")),
    ("microsoft-365.toml", include_str!("../../../rules/providers/microsoft-365.toml")),
    ("t-online.toml", include_str!("../../../rules/providers/t-online.toml")),
    ("verizon.toml", include_str!("../../../rules/providers/verizon.toml")),
    ("yahoo.toml", include_str!("../../../rules/providers/yahoo.toml")),
    ("yandex.toml", include_str!("../../../rules/providers/yandex.toml")),
];

/// The generated data as JSON, made from [`GENERATED`] by the build script: what start-up
/// parses (see `build.rs`).
const GENERATED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/ispdb-providers.json"));

/// Parses the embedded provider files, generated data first, stopping at the first that does
/// not parse.
fn parse_builtin_providers() -> Result<ProviderDb, ProviderError> {
    let generated = format!("rules/providers/{}", GENERATED.0);
    let mut providers = ProviderDb::parse_json_list(generated, GENERATED_JSON)?;
    for (name, text) in PROVIDER_FILES {
        providers.extend(ProviderDb::parse_many(format!("rules/providers/{name}"), text)?);
    }
    let mut db = ProviderDb::new();
    db.extend(providers);
    Ok(db)
}

/// The built-in provider facts (Gmail, Outlook.com, Microsoft 365, Yahoo, iCloud, Fastmail and
/// the providers whose real hosts must never be mistaken for look-alikes).
///
/// The files are part of the binary; a unit test parses every one of them, so a file that does
/// not parse cannot ship.
pub fn builtin_providers() -> ProviderDb {
    static DB: LazyLock<ProviderDb> = LazyLock::new(|| {
        parse_builtin_providers()
            .unwrap_or_else(|error| panic!("a built-in provider file does not parse: {error}"))
    });
    DB.clone()
}

/// Where a built-in provider's facts come from, for `maillint providers`.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinOrigin {
    /// The provider as generated from its ISPDB entry, before any overlay.
    pub ispdb: Option<&'static Provider>,
    /// The hand-written overlay's file name under `rules/providers/`, if one overlays it.
    pub overlay: Option<&'static str>,
}

/// Where the built-in facts of `provider` (as merged in a [`ProviderDb`]) come from: the ISPDB
/// entry it overlays or is (by its `ispdb` field, else its id), and the built-in overlay file
/// with its id. A fact of the merged provider that the ISPDB entry does not have came from an
/// overlay (built in, or the user's provider files).
pub fn builtin_origin(provider: &Provider) -> BuiltinOrigin {
    static GENERATED_PROVIDERS: LazyLock<Vec<Provider>> = LazyLock::new(|| {
        ProviderDb::parse_many(GENERATED.0, GENERATED.1)
            .unwrap_or_else(|error| panic!("the generated provider file does not parse: {error}"))
    });
    static OVERLAY_IDS: LazyLock<Vec<(String, &'static str)>> = LazyLock::new(|| {
        PROVIDER_FILES
            .iter()
            .filter_map(|(name, text)| Some((ProviderDb::parse(*name, text).ok()?.id, *name)))
            .collect()
    });
    let ispdb_id = provider.ispdb.as_deref().unwrap_or(&provider.id);
    BuiltinOrigin {
        ispdb: GENERATED_PROVIDERS.iter().find(|p| p.id == ispdb_id),
        overlay: OVERLAY_IDS.iter().find(|(id, _)| *id == provider.id).map(|(_, name)| *name),
    }
}

/// Every built-in rule, in code order.
pub fn builtin_rules() -> Vec<Arc<dyn Rule>> {
    use rules::*;
    vec![
        Arc::new(WrongProviderHost),
        Arc::new(ProtocolHostMismatch),
        Arc::new(LookalikeHost),
        Arc::new(WrongProviderPort),
        Arc::new(PortSecurityMismatch),
        Arc::new(TlsDisabled),
        Arc::new(OpportunisticStarttls),
        Arc::new(CertificateVerificationDisabled),
        Arc::new(LegacyTlsVersion),
        Arc::new(ProviderRequiresOauth2),
        Arc::new(PlaintextPassword),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use maillint_core::RuleRegistry;
    use maillint_core::providers::host_is_under;

    use super::*;

    /// The overlays, parsed on their own.
    fn overlays() -> Vec<maillint_core::Provider> {
        PROVIDER_FILES
            .iter()
            .map(|(name, text)| ProviderDb::parse(*name, text).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    #[test]
    fn every_provider_file_is_embedded_and_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/providers");
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        let embedded: BTreeSet<String> =
            PROVIDER_FILES.iter().map(|(name, _)| (*name).to_owned()).collect();
        assert_eq!(on_disk, embedded, "rules/providers/ and PROVIDER_FILES differ");
        for (name, text) in std::iter::once(&GENERATED).chain(PROVIDER_FILES) {
            let from_disk = std::fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(&from_disk, text, "{name}: embedded text differs from the file");
        }
        // Every overlay merges into a generated provider: none stands beside it.
        let generated = ProviderDb::parse_many(GENERATED.0, GENERATED.1).unwrap();
        for overlay in overlays() {
            let base =
                overlay.ispdb.as_deref().unwrap_or_else(|| panic!("{}: no ispdb", overlay.id));
            assert!(
                generated.iter().any(|p| p.id == base),
                "{}: no ISPDB entry {base}",
                overlay.id
            );
        }
        assert_eq!(builtin_providers().providers().len(), generated.len());
    }

    /// The JSON the build makes of the generated file holds the same providers as its TOML.
    #[test]
    fn the_generated_json_is_the_generated_toml() {
        let from_toml = ProviderDb::parse_many(GENERATED.0, GENERATED.1).unwrap();
        let from_json = ProviderDb::parse_json_list(GENERATED.0, GENERATED_JSON).unwrap();
        assert!(from_toml.len() > 100, "{} providers", from_toml.len());
        assert_eq!(from_json, from_toml);
    }

    #[test]
    fn provider_ids_are_unique_and_every_server_is_consistent() {
        let db = builtin_providers();
        let mut ids = BTreeSet::new();
        let owned = |host: &str| {
            db.providers().iter().flat_map(|p| &p.host_domains).any(|d| host_is_under(host, d))
        };
        for p in db.providers() {
            assert!(ids.insert(p.id.clone()), "duplicate provider id {}", p.id);
            assert!(!p.sources.is_empty(), "{}: no sources", p.id);
            for s in &p.servers {
                // A host is under some provider's host domains (its own, or the operator's
                // when several providers share it: umich.edu uses imap.gmail.com).
                assert!(owned(&s.host), "{}: server {} is under no host domain", p.id, s.host);
            }
            for a in &p.aliases {
                assert!(
                    p.serves(&a.canonical, a.protocol),
                    "{}: alias {} → {}",
                    p.id,
                    a.host,
                    a.canonical
                );
            }
        }
        for overlay in overlays() {
            assert!(overlay.auth.is_some(), "{}: an overlay without auth policy", overlay.id);
            for s in &overlay.servers {
                // A hand-written server's port is the one RFC 8314 / RFC 6409 pair with its
                // security (providers.md section 4), so that a fix never proposes a mismatched
                // pair. (The ISPDB's own servers are kept as listed.)
                let expected = match s.security {
                    maillint_core::Security::ImplicitTls => s.protocol.implicit_tls_port(),
                    _ => s.protocol.starttls_port(),
                };
                assert_eq!(s.port, expected, "{}: {} {}", overlay.id, s.host, s.port);
            }
        }
    }

    #[test]
    fn gmail_facts_match_providers_md() {
        let db = builtin_providers();
        let gmail = db.by_mail_domain("googlemail.com").unwrap();
        assert_eq!(gmail.id, "gmail");
        let smtp: Vec<(u16, maillint_core::Security)> = gmail
            .servers_for(maillint_core::Protocol::Smtp)
            .map(|s| (s.port, s.security))
            .collect();
        assert_eq!(
            smtp,
            [
                (465, maillint_core::Security::ImplicitTls),
                (587, maillint_core::Security::StarttlsRequired)
            ]
        );
        let auth = gmail.auth.as_ref().unwrap();
        assert_eq!(auth.recommended, maillint_core::AuthMethod::Oauth2);
        let day: maillint_core::Date = "2026-12-06".parse().unwrap();
        let imap = auth.password_on(maillint_core::Protocol::Imap, day).unwrap();
        assert!(imap.note.contains("2022-05-30") && imap.note.contains("autumn 2024"));
        assert!(matches!(
            db.by_host("imap.googlemail.com"),
            Some((p, maillint_core::providers::HostMatch::Alias(_))) if p.id == "gmail"
        ));
    }

    /// The facts issue 18 corrected, each from the provider's own page.
    #[test]
    fn password_policies_and_domains_match_the_providers_pages() {
        use maillint_core::Protocol::{Imap, Pop3, Smtp};
        use maillint_core::providers::PasswordPolicy::*;
        let db = builtin_providers();
        let day = |d: &str| -> maillint_core::Date { d.parse().unwrap() };
        let policy = |domain: &str, protocol, on: &str| {
            let provider = db.by_mail_domain(domain).unwrap();
            let in_force = provider.auth.as_ref().unwrap().password_on(protocol, day(on)).unwrap();
            (in_force.policy, in_force.next, in_force.source.map(str::to_owned))
        };
        let m365 = "onmicrosoft.com";
        assert_eq!(policy(m365, Imap, "2026-12-06").0, NotAccepted);
        let (smtp, next, source) = policy(m365, Smtp, "2026-12-06");
        assert_eq!((smtp, next), (Allowed, Some((day("2027-01-01"), DisabledByDefault))));
        assert!(source.unwrap().starts_with("https://techcommunity.microsoft.com/"));
        assert_eq!(policy(m365, Smtp, "2027-01-01").0, DisabledByDefault);
        for (domain, site) in [
            ("fastmail.com", "https://www.fastmail.com/"),
            ("yahoo.com", "https://help.yahoo.com/"),
            ("aol.com", "https://help.aol.com/"),
            ("verizon.net", "https://help.aol.com/"),
            ("yandex.ru", "https://yandex.com/support/"),
            ("gmail.com", "https://support.google.com/"),
        ] {
            let (p, _, source) = policy(domain, Pop3, "2026-12-06");
            assert_eq!(p, AppPasswordOnly, "{domain}");
            assert!(source.unwrap().starts_with(site), "{domain}");
        }
        // Before Google's change, no policy is known for Gmail.
        let gmail = db.by_mail_domain("gmail.com").unwrap().auth.as_ref().unwrap();
        assert!(gmail.password_on(Imap, day("2022-05-29")).is_none());
        assert_eq!(db.by_mail_domain("yahoo.ca").unwrap().id, "yahoo");
        assert_eq!(db.by_mail_domain("cox.net").unwrap().id, "yahoo");
        assert_eq!(db.by_mail_domain("verizon.net").unwrap().id, "verizon");
    }

    #[test]
    fn the_origin_of_a_provider_names_its_ispdb_entry_and_overlay() {
        let db = builtin_providers();
        let gmail = builtin_origin(db.by_mail_domain("gmail.com").unwrap());
        assert_eq!(gmail.ispdb.map(|p| p.id.as_str()), Some("googlemail.com"));
        assert_eq!(gmail.overlay, Some("gmail.toml"));
        // Gmail's SMTP 587 is the overlay's (the ISPDB declined it); 465 is the ISPDB's.
        let generated_ports: Vec<u16> =
            gmail.ispdb.unwrap().servers.iter().map(|s| s.port).collect();
        assert!(generated_ports.contains(&465) && !generated_ports.contains(&587));
        let web = builtin_origin(db.by_mail_domain("web.de").unwrap());
        assert_eq!((web.ispdb.map(|p| p.id.as_str()), web.overlay), (Some("web.de"), None));
        let unknown = ProviderDb::parse("x.toml", "id = \"corp\"\nname = \"Corp\"\n").unwrap();
        assert!(builtin_origin(&unknown).ispdb.is_none());
    }

    #[test]
    fn builtin_rules_register_without_clashes_and_document_themselves() {
        let mut registry = RuleRegistry::new();
        for rule in builtin_rules() {
            let meta = rule.meta();
            for section in ["## What it does", "## Why is this bad?", "## Example", "## Fix"] {
                assert!(meta.doc.contains(section), "{}: no `{section}`", meta.name);
            }
            // The summary (the first sentence) is what rule lists show: one short sentence.
            assert!(meta.summary.ends_with('.'), "{}: {}", meta.name, meta.summary);
            assert!(meta.summary.len() <= 100, "{}: {}", meta.name, meta.summary);
            registry.register(Arc::clone(&rule)).unwrap();
        }
        let codes: Vec<&str> = registry.metas().iter().map(|m| m.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "H001", "H002", "H003", "T001", "T002", "T003", "T004", "T005", "T006", "A001",
                "A002"
            ]
        );
    }
}

//! T006 `legacy-tls-version`: SSL 2/3, TLS 1.0 or TLS 1.1 explicitly allowed.

use maillint_core::{Applicability, FieldChange, Finding, Label, TlsAdvice, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::Site;
use crate::hosts::Hosts;

declare_rule! {
    /// ## What it does
    /// Reports a setting that allows a TLS version older than TLS 1.2. Examples: mutt's
    /// `set ssl_use_sslv2`, `ssl_use_sslv3`, `ssl_use_tlsv1` or `ssl_use_tlsv1_1`, and the
    /// equivalents of other clients.
    ///
    /// ## Why is this bad?
    /// SSL 2.0 is prohibited (RFC 6176), SSL 3.0 deprecated (RFC 7568), TLS 1.0 and 1.1
    /// deprecated (RFC 8996): they have known attacks (POODLE, BEAST) and weak hashes.
    /// Allowing them lets an attacker on the path push the connection down to them. Current
    /// mail servers all speak TLS 1.2 or 1.3.
    ///
    /// ## Example
    /// ```text
    /// set ssl_use_tlsv1 = yes
    /// ```
    /// Use instead:
    /// ```text
    /// unset ssl_use_tlsv1
    /// ```
    ///
    /// ## Fix
    /// Safe: the version is no longer allowed. The client's TLS 1.2 and 1.3 settings are left
    /// as they are.
    pub struct LegacyTlsVersion {
        code: "T006",
        name: "legacy-tls-version",
        group: "transport",
        severity: Warning,
        fix: Always,
    }
}

endpoint_rule!(LegacyTlsVersion);

impl EndpointRule for LegacyTlsVersion {
    fn check_endpoint(&self, site: &Site<'_>, _: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        for version in endpoint.tls_versions.iter().filter(|v| v.value.is_legacy()) {
            let name = version.value.display_name();
            let finding = Finding::new(
                version.span,
                format!("{name} is allowed for {}", site.connection()),
            )
            .why(format!(
                "{name} is deprecated (RFC 8996; SSL by RFC 6176 and RFC 7568) and has known \
                 attacks; allowing it lets an attacker on the path push the connection down \
                 to it."
            ))
            .help(site.tls_help("allow only TLS 1.2 and TLS 1.3", TlsAdvice::ModernTlsOnly))
            .fix(site.fix(
                format!("Stop allowing {name}"),
                Applicability::Safe,
                vec![FieldChange::DisableTlsVersion(version.value)],
            ));
            let also = endpoint.host.as_ref().map(|h| {
                Label::new(
                    h.span,
                    format!(
                        "also applies to the {} connection to `{}`",
                        endpoint.protocol, h.value
                    ),
                )
            });
            out.push_or_label(finding, also);
        }
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, Security, TlsVersion};

    use super::*;
    use crate::testing::{AccountBuilder, EndpointBuilder, check, field_fix, single, span};

    #[test]
    fn each_legacy_version_is_one_finding_with_its_own_fix() {
        let (tls10, sslv3, tls12) = (span(), span(), span());
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "imap.example.net", 993, Security::ImplicitTls)
                .tls_version(TlsVersion::Tls1_0, tls10)
                .tls_version(TlsVersion::Ssl3, sslv3)
                .tls_version(TlsVersion::Tls1_2, tls12),
        );
        let findings = check(&LegacyTlsVersion, &accounts);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].span, tls10);
        assert_eq!(
            findings[0].message,
            "TLS 1.0 is allowed for the IMAP connection to `imap.example.net`"
        );
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::DisableTlsVersion(TlsVersion::Tls1_0)]);
        assert_eq!(applicability, Applicability::Safe);
        assert_eq!(findings[1].span, sslv3);
    }

    #[test]
    fn a_global_setting_shared_by_endpoints_is_one_finding() {
        let tls11 = span();
        let accounts = vec![
            AccountBuilder::new(None)
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Imap,
                        "imap.example.net",
                        993,
                        Security::ImplicitTls,
                    )
                    .tls_version(TlsVersion::Tls1_1, tls11),
                )
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Smtp,
                        "smtp.example.net",
                        465,
                        Security::ImplicitTls,
                    )
                    .tls_version(TlsVersion::Tls1_1, tls11),
                )
                .build(),
        ];
        let findings = check(&LegacyTlsVersion, &accounts);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].labels.len(), 1);
    }

    #[test]
    fn modern_versions_are_clean() {
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "imap.example.net", 993, Security::ImplicitTls)
                .tls_version(TlsVersion::Tls1_2, span())
                .tls_version(TlsVersion::Tls1_3, span()),
        );
        assert!(check(&LegacyTlsVersion, &accounts).is_empty());
    }
}

//! T005 `certificate-verification-disabled`: a setting that turns off the check of the
//! server's certificate.

use maillint_core::model::is_loopback_host;
use maillint_core::{Applicability, FieldChange, Finding, Label, TlsAdvice, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::Site;
use crate::hosts::Hosts;

declare_rule! {
    /// ## What it does
    /// Reports a setting that turns off the verification of the server's certificate. That is
    /// the check of the certificate, its host name or its validity dates: mutt's
    /// `unset ssl_verify_host` or `unset ssl_verify_dates`, msmtp's `tls_certcheck off`,
    /// aerc's `+insecure`.
    ///
    /// Not reported for loopback hosts: a local bridge (ProtonMail Bridge, DavMail) usually has
    /// a self-signed certificate, and nothing on the path can intercept a loopback connection.
    ///
    /// ## Why is this bad?
    /// TLS without verification encrypts the connection to whoever answers. Anyone who can
    /// intercept it (a hostile Wi-Fi, a compromised router, DNS spoofing) presents their own
    /// certificate, reads the password and the mail, and passes everything on.
    ///
    /// ## Example
    /// ```text
    /// set folder = "imaps://jane@imap.example.net/"
    /// unset ssl_verify_host
    /// ```
    /// Use instead:
    /// ```text
    /// set folder = "imaps://jane@imap.example.net/"
    /// set ssl_verify_host = yes
    /// ```
    ///
    /// ## Fix
    /// Safe: verification is turned back on. A server whose certificate does not verify then
    /// fails to connect, which is the behaviour the check exists for; the lasting fix for such
    /// a server is a valid certificate (or trusting its certificate explicitly).
    pub struct CertificateVerificationDisabled {
        code: "T005",
        name: "certificate-verification-disabled",
        group: "transport",
        severity: Error,
        fix: Always,
    }
}

endpoint_rule!(CertificateVerificationDisabled);

impl EndpointRule for CertificateVerificationDisabled {
    fn check_endpoint(&self, site: &Site<'_>, _: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        let Some(disabled) = &endpoint.certificate_verification_disabled else { return };
        if !disabled.value || endpoint.host.as_ref().is_some_and(|h| is_loopback_host(&h.value)) {
            return;
        }
        let protocol = endpoint.protocol;
        let finding = Finding::new(
            disabled.span,
            format!("certificate verification is off for {}", site.connection()),
        )
        .why(
            "Without verification the client accepts any certificate: anyone who can \
             intercept the connection presents their own, reads the password and the mail, \
             and passes everything on.",
        )
        .help(site.tls_help(
            "turn certificate verification back on; for a server with a self-signed certificate, trust that certificate explicitly instead",
            TlsAdvice::VerifyCertificates,
        ))
        .fix(site.fix(
            "Turn certificate verification back on",
            Applicability::Safe,
            vec![FieldChange::EnableCertificateVerification],
        ));
        let finding = match &endpoint.host {
            Some(h) if !h.span.range.is_empty() => {
                finding.label(h.span, "its certificate is not checked")
            }
            _ => finding,
        };
        let also = endpoint.host.as_ref().map(|h| {
            Label::new(
                h.span,
                format!("also applies to the {protocol} connection to `{}`", h.value),
            )
        });
        out.push_or_label(finding, also);
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, Security};

    use super::*;
    use crate::testing::{AccountBuilder, EndpointBuilder, check, field_fix, single, span};

    #[test]
    fn a_disabled_check_is_reported_at_its_setting() {
        let setting = span();
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "imap.example.net", 993, Security::ImplicitTls)
                .certificate_checks_off(setting),
        );
        let findings = check(&CertificateVerificationDisabled, &accounts);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].span, setting);
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::EnableCertificateVerification]);
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn one_global_setting_is_one_finding() {
        let setting = span();
        let accounts = vec![
            AccountBuilder::new(None)
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Imap,
                        "imap.example.net",
                        993,
                        Security::ImplicitTls,
                    )
                    .certificate_checks_off(setting),
                )
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Smtp,
                        "smtp.example.net",
                        465,
                        Security::ImplicitTls,
                    )
                    .certificate_checks_off(setting),
                )
                .build(),
        ];
        let findings = check(&CertificateVerificationDisabled, &accounts);
        assert_eq!(findings.len(), 1);
        // The own host label, plus the other connection.
        assert_eq!(findings[0].labels.len(), 2);
    }

    #[test]
    fn enabled_unset_and_loopback_are_clean() {
        let on = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "imap.example.net", 993, Security::ImplicitTls)
                .certificate_checks_on(),
        );
        assert!(check(&CertificateVerificationDisabled, &on).is_empty());
        let unset = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "imap.example.net", 993, Security::ImplicitTls),
        );
        assert!(check(&CertificateVerificationDisabled, &unset).is_empty());
        let local = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "127.0.0.1", 1143, Security::StarttlsRequired)
                .certificate_checks_off(span()),
        );
        assert!(check(&CertificateVerificationDisabled, &local).is_empty());
    }
}

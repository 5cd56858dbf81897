//! Probes against a real Dovecot (Debian's `dovecot-imapd`, `dovecot-pop3d` and
//! `dovecot-submissiond`, so IMAP, POP3 and SMTP submission) on loopback,
//! with certificates made for the test: a CA-signed leaf, a wrong name, an expired one, one
//! expiring in ten days, one not valid yet, a self-signed one, an address without TLS, and one
//! that still accepts TLS 1.0/1.1 beside TLS 1.3.
//!
//! One Dovecot serves every scenario (starting and stopping it takes about 3 s), and one
//! `verify` call probes all targets concurrently, as the CLI does.

mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use maillint_core::{FileId, Span, TlsVersion};
use maillint_verify::{
    CertificateFailure, ConnectFailure, ProbeMode, ProbeResult, Problem, Protocol, Stage, Target,
    diagnostics_for, verify,
};
use support::certs::{TestPki, self_signed};
use support::dovecot::{Dovecot, Site, installed};

/// The scenarios: host name used by the config, loopback address, and what it serves.
const GOOD: (&str, Ipv4Addr) = ("imap.test", Ipv4Addr::new(127, 0, 0, 2));
const WRONG_NAME: (&str, Ipv4Addr) = ("mail.test", Ipv4Addr::new(127, 0, 0, 3));
const EXPIRED: (&str, Ipv4Addr) = ("expired.test", Ipv4Addr::new(127, 0, 0, 4));
const SELF_SIGNED: (&str, Ipv4Addr) = ("self.test", Ipv4Addr::new(127, 0, 0, 5));
const NO_TLS: (&str, Ipv4Addr) = ("plain.test", Ipv4Addr::new(127, 0, 0, 6));
const EXPIRING: (&str, Ipv4Addr) = ("soon.test", Ipv4Addr::new(127, 0, 0, 7));
const NOT_YET: (&str, Ipv4Addr) = ("future.test", Ipv4Addr::new(127, 0, 0, 8));
const LEGACY: (&str, Ipv4Addr) = ("legacy.test", Ipv4Addr::new(127, 0, 0, 9));

fn only<'a>(result: &'a ProbeResult, what: &str) -> &'a Problem {
    assert_eq!(
        result.problems.len(),
        1,
        "{what}: expected one problem, got {:#?}",
        result.problems
    );
    &result.problems[0]
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "every scenario runs against one Dovecot started once (starting it takes seconds); each step is commented"
)]
fn dovecot_scenarios() {
    if !installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Dovecot's login processes run as unprivileged users and must reach the base dir.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let pki = TestPki::new();
    let ca_file = pki.write_ca(dir.path());
    let site = |(host, address): (&str, Ipv4Addr), identity: support::certs::Identity, tls| {
        let (cert, key) = identity.write(dir.path(), host);
        Site { address, cert, key, tls, legacy_tls: false }
    };
    let sites = vec![
        site(GOOD, pki.good(&["imap.test", "pop.test", "smtp.test"]), true),
        site(WRONG_NAME, pki.good(&["other.test"]), true),
        site(EXPIRED, pki.leaf(&["expired.test"], (2020, 1, 1), (2022, 1, 1)), true),
        site(SELF_SIGNED, self_signed(&["self.test"]), true),
        site(NO_TLS, pki.good(&["plain.test"]), false),
        // The test clock is 2030-01-01: ten days left.
        site(EXPIRING, pki.leaf(&["soon.test"], (2020, 1, 1), (2030, 1, 11)), true),
        site(NOT_YET, pki.leaf(&["future.test"], (2031, 1, 1), (2040, 1, 1)), true),
        Site { legacy_tls: true, ..site(LEGACY, pki.good(&["legacy.test"]), true) },
    ];
    let dovecot = Dovecot::start(dir.path(), &sites);
    let ports = dovecot.ports;

    let mut targets = Vec::new();
    let mut resolve = Vec::new();
    let mut add = |(host, address): (&str, Ipv4Addr), port: u16, protocol, mode| {
        let (target, entry) =
            support::target_at(host, SocketAddr::from((address, port)), protocol, mode);
        if !resolve.contains(&entry) {
            resolve.push(entry);
        }
        targets.push(target.clone());
        target
    };
    use ProbeMode::{ImplicitTls, Starttls};
    use Protocol::{Imap, Pop3, Smtp};
    let good_imaps = add(GOOD, ports.imaps, Imap, ImplicitTls);
    let good_imap = add(GOOD, ports.imap, Imap, Starttls);
    let good_pop3s = add(("pop.test", GOOD.1), ports.pop3s, Pop3, ImplicitTls);
    let good_pop3 = add(("pop.test", GOOD.1), ports.pop3, Pop3, Starttls);
    let good_submissions = add(("smtp.test", GOOD.1), ports.submissions, Smtp, ImplicitTls);
    let good_submission = add(("smtp.test", GOOD.1), ports.submission, Smtp, Starttls);
    let wrong_name = add(WRONG_NAME, ports.imaps, Imap, ImplicitTls);
    let smtp_expired = add(EXPIRED, ports.submission, Smtp, Starttls);
    let expired = add(EXPIRED, ports.imaps, Imap, ImplicitTls);
    let self_signed_target = add(SELF_SIGNED, ports.imaps, Imap, ImplicitTls);
    let no_starttls = add(NO_TLS, ports.imap, Imap, Starttls);
    let no_stls = add(NO_TLS, ports.pop3, Pop3, Starttls);
    let no_smtp_starttls = add(NO_TLS, ports.submission, Smtp, Starttls);
    // The plaintext port configured as implicit TLS (providers.md section 5, M2).
    let plain_as_tls = add(GOOD, ports.imap, Imap, ImplicitTls);
    let expiring = add(EXPIRING, ports.imaps, Imap, ImplicitTls);
    let not_yet = add(NOT_YET, ports.imaps, Imap, ImplicitTls);
    // The implicit-TLS port configured as STARTTLS (M1): the greeting never comes.
    let tls_as_starttls = add(GOOD, ports.imaps, Imap, Starttls);
    let legacy_imaps = add(LEGACY, ports.imaps, Imap, ImplicitTls);
    let legacy_pop3 = add(LEGACY, ports.pop3, Pop3, Starttls);
    let legacy_submission = add(LEGACY, ports.submission, Smtp, Starttls);
    let oauth2 = good_imaps.clone().expecting_oauth2();
    // Same host and port as `good_imaps`, but expecting OAuth2: a separate target.
    targets.push(oauth2.clone());
    let smtp_oauth2 = good_submission.clone().expecting_oauth2();
    targets.push(smtp_oauth2.clone());

    let options = support::options(&ca_file, resolve);
    let started = Instant::now();
    let results = verify(targets.clone(), &options).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(results.len(), targets.len());
    let find =
        |target: &Target| -> &ProbeResult { results.iter().find(|r| &r.target == target).unwrap() };

    // Clean probes: TLS 1.3, the certificate's days counted from the test clock
    // (2030-01-01 to 2045-01-01 is 15 years with 4 leap days).
    for target in
        [&good_imaps, &good_imap, &good_pop3s, &good_pop3, &good_submissions, &good_submission]
    {
        let result = find(target);
        assert!(result.is_clean(), "{target}: {:#?}\nlog:\n{}", result.problems, dovecot.log());
        let session = result.session.as_ref().unwrap();
        assert_eq!(session.tls_version, TlsVersion::Tls1_3, "{target}");
        assert!(session.cipher.starts_with("TLS13_"), "{}", session.cipher);
        assert_eq!(session.days_until_expiry, Some(15 * 365 + 4), "{target}");
        let summary = result.summary();
        assert!(
            summary.contains("TLS 1.3") && summary.contains("expires in 5479 days"),
            "{summary}"
        );
    }
    assert!(find(&good_imaps).session.as_ref().unwrap().greeting.starts_with("* OK"));
    assert!(find(&good_pop3s).session.as_ref().unwrap().greeting.starts_with("+OK"));
    for target in [&good_submissions, &good_submission] {
        let session = find(target).session.as_ref().unwrap();
        assert!(session.greeting.starts_with("smtp.test Dovecot"), "{}", session.greeting);
        // EHLO after TLS lists the SASL mechanisms Dovecot hides before it.
        assert!(session.capabilities.iter().any(|c| c == "AUTH PLAIN LOGIN"), "{target}");
    }
    assert!(
        find(&good_imap).session.as_ref().unwrap().capabilities.iter().any(|c| c == "AUTH=PLAIN"),
        "capabilities after STARTTLS"
    );

    match only(find(&wrong_name), "wrong name") {
        Problem::CertificateInvalid {
            failure: CertificateFailure::WrongName { expected },
            certificate,
        } => {
            assert_eq!(expected, "mail.test");
            assert_eq!(certificate.as_ref().unwrap().names, ["other.test"]);
        }
        other => panic!("wrong name: {other:?}"),
    }
    match only(find(&expired), "expired") {
        Problem::CertificateInvalid { failure: CertificateFailure::Expired, certificate } => {
            let text = certificate.as_ref().unwrap().describe();
            assert!(text.contains("to 2022-01-01 00:00:00 UTC"), "{text}");
        }
        other => panic!("expired: {other:?}"),
    }
    // After STARTTLS on SMTP submission, the same certificate check.
    match only(find(&smtp_expired), "expired, SMTP") {
        Problem::CertificateInvalid { failure: CertificateFailure::Expired, .. } => {}
        other => panic!("expired, SMTP: {other:?}"),
    }
    match only(find(&self_signed_target), "self-signed") {
        Problem::CertificateInvalid { failure, .. } => assert_eq!(failure.kind(), "self-signed"),
        other => panic!("self-signed: {other:?}"),
    }
    match only(find(&not_yet), "not yet valid") {
        Problem::CertificateInvalid { failure: CertificateFailure::NotYetValid, .. } => {}
        other => panic!("not yet valid: {other:?}"),
    }
    for target in [&no_starttls, &no_stls, &no_smtp_starttls] {
        match only(find(target), "no STARTTLS") {
            Problem::StarttlsMissing { refusal: None, capabilities } => {
                assert!(!capabilities.is_empty(), "{target}");
            }
            other => panic!("{target}: {other:?}"),
        }
    }
    match only(find(&plain_as_tls), "plaintext on a TLS port") {
        Problem::NotTls { received } => assert!(received.starts_with("* OK"), "{received}"),
        other => panic!("plaintext: {other:?}"),
    }
    let expiring_result = find(&expiring);
    match only(expiring_result, "expiring") {
        Problem::CertificateExpiring { days_left, .. } => assert_eq!(*days_left, 10),
        other => panic!("expiring: {other:?}"),
    }
    assert!(expiring_result.session.is_some(), "an expiring certificate still connects");
    match only(find(&tls_as_starttls), "STARTTLS on the TLS port") {
        Problem::ConnectFailed {
            failure: ConnectFailure::TimedOut,
            stage: Stage::Greeting,
            waited,
            ..
        } => {
            assert!(*waited >= Duration::from_secs(3), "{waited:?}");
        }
        other => panic!("STARTTLS on TLS port: {other:?}"),
    }
    // TLS 1.3 with a current client, and still TLS 1.1 for a client that offers no more
    // (Dovecot picks the highest version the hello allows), on TLS and after STLS alike.
    for target in [&legacy_imaps, &legacy_pop3, &legacy_submission] {
        let result = find(target);
        match only(result, "legacy TLS accepted") {
            Problem::LegacyTlsAccepted { accepted, negotiated, .. } => {
                assert_eq!(*accepted, Some(TlsVersion::Tls1_1), "{target}");
                assert_eq!(*negotiated, TlsVersion::Tls1_3, "{target}");
            }
            other => panic!("{target}: {other:?}\nlog:\n{}", dovecot.log()),
        }
        assert!(result.session.is_some(), "{target}: the current client still connects");
        let diagnostic = &diagnostics_for(Span::new(FileId(0), 0, 1), result)[0];
        assert_eq!(diagnostic.rule.name, "verify-tls-outdated");
        assert!(diagnostic.message.contains("still accepts TLS 1.1"), "{}", diagnostic.message);
    }

    for target in [&oauth2, &smtp_oauth2] {
        match only(find(target), "OAuth2") {
            Problem::Oauth2Unavailable { mechanisms } => {
                assert_eq!(mechanisms, &["PLAIN", "LOGIN"], "{target}")
            }
            other => panic!("OAuth2 {target}: {other:?}"),
        }
    }

    // All probes ran concurrently: the one that times out (3 s) bounds the run.
    assert!(elapsed < Duration::from_secs(6), "took {elapsed:?}");

    // Diagnostics point at the endpoint's span and carry the certificate's details.
    let span = Span::new(FileId(3), 10, 20);
    let diagnostics = diagnostics_for(span, find(&expired));
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d.rule.name, "verify-certificate-invalid");
    assert_eq!(d.span, span);
    assert!(
        d.message.starts_with(&format!(
            "IMAP server expired.test:{}: the certificate has expired",
            ports.imaps
        )),
        "{}",
        d.message
    );
    assert!(d.message.contains("subject CN=expired.test"), "{}", d.message);
    let wrong = diagnostics_for(span, find(&wrong_name));
    assert!(wrong[0].help.as_deref().unwrap().contains("other.test"), "{:?}", wrong[0].help);

    // Dovecot saw no authentication attempt at all: every login process ended with "no auth
    // attempts" (its words for a client that never sent credentials), or, for the readiness
    // checks and the timed-out probe, before authentication was even ready.
    let log = dovecot.log();
    let disconnects: Vec<&str> = log.lines().filter(|l| l.contains("Disconnected")).collect();
    assert!(
        disconnects.iter().filter(|l| l.contains("no auth attempts")).count() >= 8,
        "log:\n{log}"
    );
    for line in &disconnects {
        assert!(
            line.contains("no auth attempts")
                || line.contains("disconnected before auth was ready"),
            "{line}"
        );
    }
    assert!(!log.contains("auth failed") && !log.contains("Login: user="), "log:\n{log}");
}

//! Probes against in-process servers on 127.0.0.1, for what Dovecot cannot do: plaintext on a
//! TLS port, silence, an endless greeting, STARTTLS missing, refused or followed by injected
//! bytes, a TLS 1.0-only server, SMTP, a refused port, a full accept queue, a failed lookup.

// A skipped or degraded check says so loudly on stderr.
#![allow(clippy::print_stderr)]

mod support;

use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use maillint_core::{FileId, Span, TlsVersion};
use maillint_verify::{
    ConnectFailure, HostResolver, ProbeMode, ProbeResult, Problem, Protocol, ResolveFuture, Stage,
    Target, VerifyOptions, diagnostics_for, verify,
};
use support::certs::TestPki;
use support::servers::{Behaviour, Script, Servers, Speaks};

/// A PKI, its CA file, and a server host.
struct Bench {
    pki: TestPki,
    _dir: tempfile::TempDir,
    ca_file: std::path::PathBuf,
    servers: Servers,
}

impl Bench {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = TestPki::new();
        let ca_file = pki.write_ca(dir.path());
        Self { pki, _dir: dir, ca_file, servers: Servers::new() }
    }

    /// Probes one server as `host` with the given options tweak.
    fn probe_with(
        &self,
        host: &str,
        behaviour: Behaviour,
        protocol: Protocol,
        mode: ProbeMode,
        tweak: impl FnOnce(&mut Target, &mut VerifyOptions),
    ) -> ProbeResult {
        let address = self.servers.start(behaviour);
        let (mut target, entry) = support::target_at(host, address, protocol, mode);
        let mut options = support::options(&self.ca_file, vec![entry]);
        tweak(&mut target, &mut options);
        verify(vec![target], &options).unwrap().remove(0)
    }

    fn probe(
        &self,
        host: &str,
        behaviour: Behaviour,
        protocol: Protocol,
        mode: ProbeMode,
    ) -> ProbeResult {
        self.probe_with(host, behaviour, protocol, mode, |_, _| {})
    }

    fn tls(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        self.pki.good(names).server_config()
    }
}

fn only(result: &ProbeResult) -> &Problem {
    assert_eq!(result.problems.len(), 1, "{:#?}", result.problems);
    &result.problems[0]
}

/// The commands a probe may send, and nothing else: no LOGIN, AUTH, USER, PASS, APOP.
fn assert_no_credentials(commands: &[String]) {
    assert!(!commands.is_empty());
    for command in commands {
        let words: Vec<String> =
            command.split_whitespace().map(|w| w.to_ascii_uppercase()).collect();
        let verb = match words.first().map(String::as_str) {
            // IMAP commands carry a tag first.
            Some(tag) if tag.starts_with('M') && words.len() > 1 => words[1].as_str(),
            Some(verb) => verb,
            None => "",
        };
        assert!(
            ["CAPABILITY", "STARTTLS", "LOGOUT", "CAPA", "STLS", "QUIT", "EHLO"].contains(&verb),
            "unexpected command {command:?}"
        );
    }
}

#[test]
fn smtp_and_pop3_starttls_succeed_and_send_no_credentials() {
    let bench = Bench::new();
    let smtp = Script::new(Speaks::Smtp)
        .with_starttls(bench.tls(&["smtp.test"]))
        .with_tls_capabilities(&["AUTH PLAIN LOGIN XOAUTH2", "SIZE 1000"]);
    let result = bench.probe_with(
        "smtp.test",
        Behaviour::Plain(smtp),
        Protocol::Smtp,
        ProbeMode::Starttls,
        |target, _| target.expect_oauth2 = true,
    );
    assert!(result.is_clean(), "{:#?}", result.problems);
    let session = result.session.as_ref().unwrap();
    assert_eq!(session.tls_version, TlsVersion::Tls1_3);
    assert_eq!(session.capabilities, ["AUTH PLAIN LOGIN XOAUTH2", "SIZE 1000"]);

    let smtps = Script::new(Speaks::Smtp);
    let result = bench.probe(
        "smtp.test",
        Behaviour::ImplicitTls(bench.tls(&["smtp.test"]), smtps),
        Protocol::Smtp,
        ProbeMode::ImplicitTls,
    );
    assert!(result.is_clean(), "{:#?}", result.problems);

    let pop3 = Script::new(Speaks::Pop3).with_starttls(bench.tls(&["pop.test"]));
    let result =
        bench.probe("pop.test", Behaviour::Plain(pop3), Protocol::Pop3, ProbeMode::Starttls);
    assert!(result.is_clean(), "{:#?}", result.problems);

    let commands = bench.servers.commands();
    assert_no_credentials(&commands);
    // EHLO names our own address as an address literal (RFC 5321 section 4.1.3).
    assert!(commands.contains(&"EHLO [127.0.0.1]".to_owned()), "{commands:?}");
    assert!(commands.iter().any(|c| c == "QUIT"), "a polite goodbye: {commands:?}");
}

#[test]
fn plaintext_on_a_tls_port_is_not_tls() {
    let bench = Bench::new();
    let result = bench.probe(
        "imap.test",
        Behaviour::Plain(Script::new(Speaks::Imap)),
        Protocol::Imap,
        ProbeMode::ImplicitTls,
    );
    match only(&result) {
        Problem::NotTls { received } => assert_eq!(received, "* OK test IMAP ready"),
        other => panic!("{other:?}"),
    }
    let diagnostics = diagnostics_for(Span::new(FileId(0), 0, 5), &result);
    assert_eq!(diagnostics[0].rule.code, "V002");
    assert!(diagnostics[0].message.contains("answered in plaintext"), "{}", diagnostics[0].message);
}

#[test]
fn a_silent_server_times_out_and_says_at_which_step() {
    let bench = Bench::new();
    let result = bench.probe_with(
        "imap.test",
        Behaviour::Silent,
        Protocol::Imap,
        ProbeMode::ImplicitTls,
        |_, options| options.overall_timeout = Duration::from_millis(500),
    );
    match only(&result) {
        Problem::ConnectFailed {
            failure: ConnectFailure::TimedOut,
            stage: Stage::TlsHandshake,
            waited,
            ..
        } => {
            assert!(
                *waited >= Duration::from_millis(500) && *waited < Duration::from_secs(2),
                "{waited:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let message = &diagnostics_for(Span::new(FileId(0), 0, 1), &result)[0].message;
    assert!(message.contains("timed out during the TLS handshake after 5"), "{message}");

    // STARTTLS mode: the greeting never comes.
    let result = bench.probe_with(
        "imap.test",
        Behaviour::Silent,
        Protocol::Imap,
        ProbeMode::Starttls,
        |_, options| options.overall_timeout = Duration::from_millis(300),
    );
    assert!(matches!(only(&result), Problem::ConnectFailed { stage: Stage::Greeting, .. }));
}

#[test]
fn an_endless_greeting_is_cut_off_at_the_line_limit() {
    let bench = Bench::new();
    let started = Instant::now();
    let result = bench.probe_with(
        "imap.test",
        Behaviour::Endless,
        Protocol::Imap,
        ProbeMode::Starttls,
        |_, options| options.overall_timeout = Duration::from_secs(10),
    );
    // Stopped by the line limit, not by the 10 s timeout.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    match only(&result) {
        Problem::UnexpectedGreeting { stage: Stage::Greeting, expected, received } => {
            assert_eq!(expected, "a line of at most 8192 bytes");
            assert!(received.starts_with("xxxxxxxx"), "{received}");
            assert!(received.chars().count() <= 121, "excerpt is short");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn starttls_missing_refused_or_followed_by_injected_data() {
    let bench = Bench::new();
    // Not advertised.
    let result = bench.probe(
        "imap.test",
        Behaviour::Plain(Script::new(Speaks::Imap)),
        Protocol::Imap,
        ProbeMode::Starttls,
    );
    match only(&result) {
        Problem::StarttlsMissing { refusal: None, capabilities } => {
            assert_eq!(capabilities, &["IMAP4rev1", "AUTH=PLAIN"]);
        }
        other => panic!("{other:?}"),
    }
    let diagnostics = diagnostics_for(Span::new(FileId(0), 0, 1), &result);
    assert_eq!(diagnostics[0].rule.name, "verify-starttls-missing");

    // Advertised but refused.
    let mut smtp = Script::new(Speaks::Smtp).with_starttls(bench.tls(&["smtp.test"]));
    smtp.refuse_starttls = true;
    let result =
        bench.probe("smtp.test", Behaviour::Plain(smtp), Protocol::Smtp, ProbeMode::Starttls);
    match only(&result) {
        Problem::StarttlsMissing { refusal: Some(answer), .. } => {
            assert_eq!(answer, "TLS not available");
        }
        other => panic!("{other:?}"),
    }

    // Data after the STARTTLS answer (CVE-2011-0411): no upgrade.
    let mut imap = Script::new(Speaks::Imap).with_starttls(bench.tls(&["imap.test"]));
    imap.inject_after_starttls = true;
    let result =
        bench.probe("imap.test", Behaviour::Plain(imap), Protocol::Imap, ProbeMode::Starttls);
    match only(&result) {
        Problem::UnexpectedGreeting { stage: Stage::Starttls, received, .. } => {
            assert_eq!(received, "* CAPABILITY INJECTED");
        }
        other => panic!("{other:?}"),
    }
    assert!(result.session.is_none());
}

#[test]
fn a_refused_port_reports_refused() {
    let bench = Bench::new();
    let address = bench.servers.refused_port();
    let (target, entry) =
        support::target_at("imap.test", address, Protocol::Imap, ProbeMode::ImplicitTls);
    let options = support::options(&bench.ca_file, vec![entry]);
    let result = verify(vec![target], &options).unwrap().remove(0);
    match only(&result) {
        Problem::ConnectFailed {
            failure: ConnectFailure::Refused,
            stage: Stage::Connect,
            address: a,
            ..
        } => {
            assert_eq!(*a, Some(address));
        }
        other => panic!("{other:?}"),
    }
    let d = &diagnostics_for(Span::new(FileId(0), 0, 1), &result)[0];
    assert_eq!(d.rule.code, "V001");
    assert!(d.message.contains("connection refused while connecting after"), "{}", d.message);
    assert!(d.help.as_deref().unwrap().contains("check the port"), "{:?}", d.help);
}

#[test]
fn a_full_accept_queue_times_out_while_connecting() {
    let bench = Bench::new();
    let address = bench.servers.full_backlog();
    let (target, entry) =
        support::target_at("imap.test", address, Protocol::Imap, ProbeMode::ImplicitTls);
    let mut options = support::options(&bench.ca_file, vec![entry]);
    options.connect_timeout = Duration::from_millis(400);
    let result = verify(vec![target], &options).unwrap().remove(0);
    match only(&result) {
        Problem::ConnectFailed {
            failure: ConnectFailure::TimedOut,
            stage: Stage::Connect,
            waited,
            detail,
            ..
        } => {
            assert!(*waited >= Duration::from_millis(400), "{waited:?}");
            assert!(detail.contains("400 ms connect timeout"), "{detail}");
        }
        // Some network stacks accept the connection anyway; then the handshake times out.
        Problem::ConnectFailed {
            failure: ConnectFailure::TimedOut,
            stage: Stage::TlsHandshake,
            ..
        } => {
            eprintln!(
                "NOTE: the kernel accepted beyond the backlog; connect timeout not exercised"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A resolver that knows no name: DNS failures without sending a query anywhere.
struct NoNames;

impl HostResolver for NoNames {
    fn lookup(&self, host: &str) -> ResolveFuture {
        let message = format!("no such host: {host}");
        Box::pin(async move { Err(io::Error::new(io::ErrorKind::NotFound, message)) })
    }
}

/// A resolver that answers every name with loopback.
struct Loopback;

impl HostResolver for Loopback {
    fn lookup(&self, _host: &str) -> ResolveFuture {
        Box::pin(async { Ok(vec![IpAddr::from([127, 0, 0, 1])]) })
    }
}

#[test]
fn a_failed_lookup_is_a_dns_failure_and_resolve_overrides_win() {
    let bench = Bench::new();
    let target =
        Target::new("imap.does-not-exist.test", 993, Protocol::Imap, ProbeMode::ImplicitTls);
    let mut options = support::options(&bench.ca_file, vec![]);
    options.resolver = Arc::new(NoNames);
    let result = verify(vec![target], &options).unwrap().remove(0);
    match only(&result) {
        Problem::ConnectFailed {
            failure: ConnectFailure::Dns,
            stage: Stage::Resolve,
            detail,
            ..
        } => {
            assert!(detail.contains("no such host: imap.does-not-exist.test"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    let message = &diagnostics_for(Span::new(FileId(0), 0, 1), &result)[0].message;
    assert!(
        message.starts_with(
            "IMAP server imap.does-not-exist.test:993: the host name did not resolve after"
        ),
        "{message}"
    );

    // The resolver is consulted only for hosts without a --resolve entry.
    let address = bench
        .servers
        .start(Behaviour::ImplicitTls(bench.tls(&["imap.test"]), Script::new(Speaks::Imap)));
    let (target, entry) =
        support::target_at("imap.test", address, Protocol::Imap, ProbeMode::ImplicitTls);
    options.resolve = vec![entry];
    let result = verify(vec![target.clone()], &options).unwrap().remove(0);
    assert!(result.is_clean(), "{:#?}", result.problems);

    // Without an entry, the resolver's loopback answer is used; SNI and the certificate
    // check still use the host name.
    options.resolve.clear();
    options.resolver = Arc::new(Loopback);
    let result = verify(vec![target], &options).unwrap().remove(0);
    assert!(result.is_clean(), "{:#?}", result.problems);
}

#[test]
fn an_ipv6_loopback_resolve_entry_works_when_ipv6_is_available() {
    let bench = Bench::new();
    let Ok(listener) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("SKIPPED: no IPv6 loopback on this machine");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let entry = format!("imap.test:{port}:[::1]").parse().unwrap();
    let target = Target::new("imap.test", port, Protocol::Imap, ProbeMode::ImplicitTls);
    let options = support::options(&bench.ca_file, vec![entry]);
    let result = verify(vec![target], &options).unwrap().remove(0);
    match only(&result) {
        Problem::ConnectFailed { failure: ConnectFailure::Refused, address: Some(a), .. } => {
            assert!(a.is_ipv6(), "{a}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_tls_1_0_server_is_outdated_and_its_version_is_named() {
    let bench = Bench::new();
    for (behaviour, first) in [
        (Behaviour::Tls10Only, "with an older version"),
        (Behaviour::Tls10OnlyWithAlert, "with a protocol_version alert"),
    ] {
        let result = bench.probe("imap.test", behaviour, Protocol::Imap, ProbeMode::ImplicitTls);
        match only(&result) {
            Problem::TlsOutdated { server_version, detail } => {
                assert_eq!(*server_version, Some(TlsVersion::Tls1_0), "{detail}");
                assert!(detail.contains(first), "{detail}");
                assert!(detail.contains("it chose TLS 1.0"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let d = &diagnostics_for(Span::new(FileId(0), 0, 1), &result)[0];
        assert_eq!(d.rule.name, "verify-tls-outdated");
        assert!(d.message.contains("only speaks TLS 1.0"), "{}", d.message);
    }
}

#[test]
fn an_unanswered_legacy_hello_still_reports_the_outdated_server_in_time() {
    let bench = Bench::new();
    let started = Instant::now();
    let result = bench.probe_with(
        "imap.test",
        Behaviour::Tls10OnlySilentToLegacy,
        Protocol::Imap,
        ProbeMode::ImplicitTls,
        |_, options| options.overall_timeout = Duration::from_secs(2),
    );
    // Within the one 2 s budget, with room for a loaded machine; a second budget for the
    // legacy hello would take 4 s.
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    match only(&result) {
        Problem::TlsOutdated { server_version: None, detail } => {
            assert_eq!(detail, "it answered a TLS 1.2/1.3 hello with an older version");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wrong_protocol_is_an_unexpected_greeting() {
    let bench = Bench::new();
    // An SMTP server where the config says IMAP (providers.md section 5, M6).
    let result = bench.probe(
        "imap.test",
        Behaviour::ImplicitTls(bench.tls(&["imap.test"]), Script::new(Speaks::Smtp)),
        Protocol::Imap,
        ProbeMode::ImplicitTls,
    );
    match only(&result) {
        Problem::UnexpectedGreeting { stage: Stage::Greeting, expected, received } => {
            assert_eq!(expected, "an IMAP greeting (\"* OK\")");
            assert_eq!(received, "220 smtp.test ESMTP ready");
        }
        other => panic!("{other:?}"),
    }
    // A server that refuses clients.
    let result = bench.probe(
        "pop.test",
        Behaviour::Raw(b"-ERR too many connections\r\n".to_vec()),
        Protocol::Pop3,
        ProbeMode::Starttls,
    );
    assert!(matches!(only(&result), Problem::UnexpectedGreeting { .. }), "{:?}", result.problems);
    let d = &diagnostics_for(Span::new(FileId(0), 0, 1), &result)[0];
    assert_eq!(d.rule.code, "V007");
}

#[test]
fn oauth2_is_checked_only_when_expected() {
    let bench = Bench::new();
    let without = Script::new(Speaks::Imap);
    let with = Script::new(Speaks::Imap).with_tls_capabilities(&[
        "IMAP4rev1",
        "AUTH=XOAUTH2",
        "AUTH=OAUTHBEARER",
    ]);
    let expect = |target: &mut Target, _: &mut VerifyOptions| target.expect_oauth2 = true;
    let result = bench.probe_with(
        "imap.test",
        Behaviour::ImplicitTls(bench.tls(&["imap.test"]), without.clone()),
        Protocol::Imap,
        ProbeMode::ImplicitTls,
        expect,
    );
    match only(&result) {
        Problem::Oauth2Unavailable { mechanisms } => assert_eq!(mechanisms, &["PLAIN"]),
        other => panic!("{other:?}"),
    }
    assert_eq!(diagnostics_for(Span::new(FileId(0), 0, 1), &result)[0].rule.code, "V008");
    let result = bench.probe_with(
        "imap.test",
        Behaviour::ImplicitTls(bench.tls(&["imap.test"]), with),
        Protocol::Imap,
        ProbeMode::ImplicitTls,
        expect,
    );
    assert!(result.is_clean(), "{:#?}", result.problems);
    let result = bench.probe(
        "imap.test",
        Behaviour::ImplicitTls(bench.tls(&["imap.test"]), without),
        Protocol::Imap,
        ProbeMode::ImplicitTls,
    );
    assert!(result.is_clean(), "not expected, not reported: {:#?}", result.problems);
}

#[test]
fn a_bad_ca_file_is_a_setup_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let options = VerifyOptions { ca_file: Some(empty.clone()), ..VerifyOptions::default() };
    let err = verify(vec![], &options).unwrap_err();
    assert!(err.to_string().contains("holds no PEM certificate"), "{err}");
    assert!(err.to_string().contains(&empty.display().to_string()), "{err}");
    let missing =
        VerifyOptions { ca_file: Some(dir.path().join("missing.pem")), ..VerifyOptions::default() };
    assert!(verify(vec![], &missing).unwrap_err().to_string().contains("missing.pem"));
}

#[test]
fn silent_servers_cost_one_timeout_not_one_each() {
    let bench = Bench::new();
    let good = bench.tls(&["imap.test"]);
    let mut targets = Vec::new();
    let mut resolve = Vec::new();
    for i in 0..40 {
        let behaviour = if i % 4 == 0 {
            Behaviour::Silent
        } else {
            Behaviour::ImplicitTls(good.clone(), Script::new(Speaks::Imap))
        };
        let address = bench.servers.start(behaviour);
        let (target, entry) =
            support::target_at("imap.test", address, Protocol::Imap, ProbeMode::ImplicitTls);
        targets.push(target);
        resolve.push(entry);
    }
    let mut options = support::options(&bench.ca_file, resolve);
    options.overall_timeout = Duration::from_secs(1);
    let started = Instant::now();
    let results = verify(targets, &options).unwrap();
    let elapsed = started.elapsed();
    let timed_out = results.iter().filter(|r| !r.problems.is_empty()).count();
    assert_eq!(timed_out, 10);
    assert_eq!(results.iter().filter(|r| r.is_clean()).count(), 30);
    // 10 silent servers in sequence would take 10 s; concurrently about 1 s, and the bound
    // leaves room for 30 debug-build handshakes on a loaded machine.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn with_the_system_roots_a_private_ca_is_an_untrusted_issuer() {
    let bench = Bench::new();
    let address = bench
        .servers
        .start(Behaviour::ImplicitTls(bench.tls(&["imap.test"]), Script::new(Speaks::Imap)));
    let (target, entry) =
        support::target_at("imap.test", address, Protocol::Imap, ProbeMode::ImplicitTls);
    let mut options = support::options(&bench.ca_file, vec![entry]);
    options.ca_file = None;
    let results = match verify(vec![target], &options) {
        Ok(results) => results,
        Err(e) => {
            // A machine without ca-certificates: the error must say what to do.
            assert!(e.to_string().contains("--ca-file"), "{e}");
            eprintln!("SKIPPED: no system root certificates ({e})");
            return;
        }
    };
    match only(&results[0]) {
        Problem::CertificateInvalid { failure, certificate } => {
            assert_eq!(failure.kind(), "untrusted-issuer");
            let certificate = certificate.as_ref().unwrap();
            assert_eq!(certificate.issuer, "CN=maillint Test CA");
            assert_eq!(certificate.subject, "CN=imap.test");
        }
        other => panic!("{other:?}"),
    }
    let d = &diagnostics_for(Span::new(FileId(0), 0, 1), &results[0])[0];
    assert!(d.help.as_deref().unwrap().contains("--ca-file"), "{:?}", d.help);
}

/// Loading the trusted roots reads files, which can block (the system store, a `--ca-file` on
/// a slow share). It must not block the executor thread, or every other task on it stalls.
/// The CA file here is a FIFO whose writer waits until a task on the same single-threaded
/// runtime has run: were the roots read on the executor thread, that task could not run until
/// the read finished, and the read waits for the writer (which gives up after 10 s, so that the
/// test fails instead of hanging). The system store takes the same path as `--ca-file`
/// (`TlsSetup::new` on the blocking pool).
#[cfg(unix)]
#[test]
fn the_trusted_roots_are_read_off_the_executor_thread() {
    use std::sync::atomic::{AtomicBool, Ordering};

    let pki = TestPki::new();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ca.pem");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success(), "mkfifo failed");
    let ticked = Arc::new(AtomicBool::new(false));
    let writer = std::thread::spawn({
        let (ticked, fifo, pem) = (Arc::clone(&ticked), fifo.clone(), pki.ca_pem.clone());
        move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !ticked.load(Ordering::SeqCst) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            let ran_during_load = ticked.load(Ordering::SeqCst);
            std::fs::write(&fifo, pem).unwrap();
            ran_during_load
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let options = VerifyOptions { ca_file: Some(fifo), ..VerifyOptions::default() };
    let results = runtime.block_on(async {
        let tick = tokio::spawn({
            let ticked = Arc::clone(&ticked);
            async move { ticked.store(true, Ordering::SeqCst) }
        });
        let results = maillint_verify::verify_async(vec![], &options).await;
        tick.await.unwrap();
        results
    });
    assert!(results.unwrap().is_empty());
    assert!(
        writer.join().unwrap(),
        "another task on the runtime could not run while the roots were read"
    );
}

//! A private Dovecot instance on loopback addresses, one address per certificate scenario, as
//! `test-servers.md` section 1 describes: a standalone config in a temporary directory, started
//! in the foreground, ready when a listener accepts, stopped by its PID on drop.
//!
//! It serves IMAP, POP3 and, through Dovecot's submission service (Debian's
//! `dovecot-submissiond`), SMTP submission with STARTTLS and with implicit TLS, so that SMTP is
//! probed against a real server too.
//!
//! No user can log in: the passdb is an empty file. The probes never try, and no mail is ever
//! submitted, so the relay host the submission service requires is never contacted.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One listener address and the certificate it presents.
pub struct Site {
    /// The loopback address (127.0.0.x).
    pub address: Ipv4Addr,
    /// Certificate chain file (PEM).
    pub cert: PathBuf,
    /// Key file (PEM).
    pub key: PathBuf,
    /// Whether TLS is offered at all on this address (`ssl = no` otherwise: no STARTTLS).
    pub tls: bool,
    /// Whether TLS 1.0 and 1.1 are still accepted beside 1.2 and 1.3 (`ssl_min_protocol =
    /// TLSv1`; OpenSSL 3 also needs security level 0 for them).
    pub legacy_tls: bool,
}

/// The ports every address listens on.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    /// IMAP, plaintext with STARTTLS.
    pub imap: u16,
    /// IMAP, implicit TLS.
    pub imaps: u16,
    /// POP3, plaintext with STLS.
    pub pop3: u16,
    /// POP3, implicit TLS.
    pub pop3s: u16,
    /// SMTP submission, plaintext with STARTTLS.
    pub submission: u16,
    /// SMTP submission, implicit TLS.
    pub submissions: u16,
}

impl Ports {
    fn all(&self) -> [u16; 6] {
        [self.imap, self.imaps, self.pop3, self.pop3s, self.submission, self.submissions]
    }
}

/// A running Dovecot; stops it on drop.
pub struct Dovecot {
    child: Child,
    /// The ports.
    pub ports: Ports,
    dir: PathBuf,
}

/// The Debian packages the tests need.
const PACKAGES: &str = "dovecot-imapd dovecot-pop3d dovecot-submissiond";

/// What to do when Dovecot or one of its services is absent: fail under CI, skip (loudly)
/// elsewhere.
pub fn installed() -> bool {
    let dovecot = Command::new("dovecot")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    // The services are separate packages; their login processes live beside the others.
    let services = ["imap-login", "pop3-login", "submission-login"]
        .iter()
        .all(|service| Path::new("/usr/lib/dovecot").join(service).exists());
    let found = dovecot && services;
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!(
                "dovecot or one of its services is not installed, and CI is set: install {PACKAGES}"
            );
        }
        eprintln!(
            "SKIPPED: dovecot or one of its services not installed (apt-get install {PACKAGES})"
        );
    }
    found
}

/// Six ports free on every address of `sites`.
fn free_ports(sites: &[Site]) -> Ports {
    let mut ports = Vec::new();
    'search: while ports.len() < 6 {
        let probe = TcpListener::bind((sites[0].address, 0)).unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        if ports.contains(&port) {
            continue;
        }
        for site in sites {
            if TcpListener::bind((site.address, port)).is_err() {
                continue 'search;
            }
        }
        ports.push(port);
    }
    Ports {
        imap: ports[0],
        imaps: ports[1],
        pop3: ports[2],
        pop3s: ports[3],
        submission: ports[4],
        submissions: ports[5],
    }
}

impl Dovecot {
    /// Writes the config into `dir` (which must be traversable by Dovecot's unprivileged
    /// users) and starts Dovecot in the foreground.
    #[allow(
        clippy::too_many_lines,
        reason = "writes Dovecot's configuration, one section per service, in the order of dovecot.conf"
    )]
    pub fn start(dir: &Path, sites: &[Site]) -> Self {
        let ports = free_ports(sites);
        let run = dir.join("run");
        std::fs::create_dir_all(dir.join("home")).unwrap();
        let passdb = dir.join("users.passwd");
        std::fs::write(&passdb, "").unwrap();
        let listen: Vec<String> = sites.iter().map(|s| s.address.to_string()).collect();
        let default = &sites[0];
        let mut config = String::new();
        let instance = format!("maillint-verify-{}", std::process::id());
        // Settings and their reasons: test-servers.md section 1.4.
        writeln!(
            config,
            r#"base_dir = {run}
state_dir = {run}/state
instance_name = {instance}
log_path = {dir}/dovecot.log
protocols = imap pop3 submission
listen = {listen}
hostname = smtp.test
submission_relay_host = 127.0.0.1
submission_relay_port = 9
ssl = yes
ssl_min_protocol = TLSv1.2
ssl_cert = <{cert}
ssl_key = <{key}
auth_mechanisms = plain login
disable_plaintext_auth = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {passdb}
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={dir}/home/%u
}}
first_valid_uid = 1
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = {submission}
  }}
  inet_listener submissions {{
    port = {submissions}
    ssl = yes
  }}
}}"#,
            run = run.display(),
            dir = dir.display(),
            listen = listen.join(", "),
            cert = default.cert.display(),
            key = default.key.display(),
            passdb = passdb.display(),
            imap = ports.imap,
            imaps = ports.imaps,
            pop3 = ports.pop3,
            pop3s = ports.pop3s,
            submission = ports.submission,
            submissions = ports.submissions,
        )
        .unwrap();
        if Path::new("/usr/share/dovecot/dh.pem").exists() {
            writeln!(config, "ssl_dh = </usr/share/dovecot/dh.pem").unwrap();
        }
        for site in &sites[1..] {
            if site.tls {
                let legacy = if site.legacy_tls {
                    "  ssl_min_protocol = TLSv1\n  ssl_cipher_list = DEFAULT:@SECLEVEL=0\n"
                } else {
                    ""
                };
                writeln!(
                    config,
                    "local {} {{\n  ssl_cert = <{}\n  ssl_key = <{}\n{legacy}}}",
                    site.address,
                    site.cert.display(),
                    site.key.display()
                )
                .unwrap();
            } else {
                writeln!(config, "local {} {{\n  ssl = no\n}}", site.address).unwrap();
            }
        }
        let config_path = dir.join("dovecot.conf");
        std::fs::write(&config_path, config).unwrap();

        let check = Command::new("dovecot").arg("-c").arg(&config_path).arg("-n").output().unwrap();
        assert!(
            check.status.success(),
            "dovecot rejects the test config: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dovecot");
        let dovecot = Self { child, ports, dir: dir.to_path_buf() };
        dovecot.wait_ready(sites);
        dovecot
    }

    /// Polls every listener every 20 ms until it accepts (test-servers.md section 1.6).
    fn wait_ready(&self, sites: &[Site]) {
        let deadline = Instant::now() + Duration::from_secs(10);
        for site in sites {
            for port in self.ports.all() {
                let address = SocketAddr::new(IpAddr::V4(site.address), port);
                while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
                    assert!(
                        Instant::now() < deadline,
                        "dovecot did not listen on {address} within 10 s; log:\n{}",
                        self.log()
                    );
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }

    /// Dovecot's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    /// SIGTERM to the master by its PID, then wait for it to reap its children (2.5–2.9 s,
    /// test-servers.md section 1.6). Never by process name.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
    }
}

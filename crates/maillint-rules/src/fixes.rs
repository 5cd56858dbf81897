//! Choosing the provider server that fits an endpoint, and the field changes that get there.
//!
//! A fix never sets a port without the security that belongs to it (providers.md section 5: a
//! port with the wrong security hangs or fails the handshake), and it changes as little as it
//! can: an endpoint that uses STARTTLS keeps STARTTLS on 587 when the provider offers it, rather
//! than moving to 465.

use maillint_core::providers::{Provider, Server};
use maillint_core::{
    Applicability, Endpoint, FieldChange, Finding, ProposedFix, Protocol, Security,
};

use crate::findings::{Site, label_text};

/// The security an endpoint means to use, for choosing among a provider's servers: STARTTLS
/// "if available" means STARTTLS; no security or an unknown one expresses no preference.
fn intended_security(security: Security) -> Option<Security> {
    match security {
        Security::ImplicitTls => Some(Security::ImplicitTls),
        Security::StarttlsOptional | Security::StarttlsRequired => Some(Security::StarttlsRequired),
        Security::None | Security::Unknown => None,
    }
}

/// The provider's server for the endpoint's protocol that is closest to what the endpoint has:
/// the same port and security; else the same kind of security (STARTTLS stays STARTTLS); else
/// the same port; else the provider's first (preferred) server. `None` when the provider does
/// not offer the protocol.
pub(crate) fn fitting_server<'a>(
    provider: &'a Provider,
    protocol: Protocol,
    endpoint: &Endpoint,
) -> Option<&'a Server> {
    fitting_server_on(provider, protocol, None, endpoint)
}

/// Like [`fitting_server`], among the servers named `host` when the provider has any for the
/// protocol (Yahoo's `export.imap.mail.yahoo.com` is a second IMAP host).
pub(crate) fn fitting_server_on<'a>(
    provider: &'a Provider,
    protocol: Protocol,
    host: Option<&str>,
    endpoint: &Endpoint,
) -> Option<&'a Server> {
    let port = endpoint.port.as_ref().map(|p| p.value);
    let security = intended_security(endpoint.security.value);
    let all: Vec<&Server> = provider.servers_for(protocol).collect();
    let on_host: Vec<&Server> = match host {
        Some(h) => all.iter().copied().filter(|s| s.host.eq_ignore_ascii_case(h)).collect(),
        None => Vec::new(),
    };
    let servers = if on_host.is_empty() { all } else { on_host };
    let exact = servers.iter().find(|s| Some(s.port) == port && Some(s.security) == security);
    let same_security = || servers.iter().find(|s| Some(s.security) == security);
    let same_port = || servers.iter().find(|s| Some(s.port) == port);
    exact.or_else(same_security).or_else(same_port).or(servers.first()).copied()
}

/// The port and security changes that make the endpoint use `server`'s port and security.
///
/// The port is set when it differs, and also when the security changes while the port was not
/// written (a defaulted port follows the security, e.g. Thunderbird's 143 becomes 993 with
/// SSL/TLS, so it is pinned to keep the result certain). The security is set when it differs,
/// so a new port always comes with the security that belongs to it; a security that already
/// matches is left alone rather than rewritten with the same value.
pub(crate) fn port_security_changes(endpoint: &Endpoint, server: &Server) -> Vec<FieldChange> {
    let port_differs = endpoint.port.as_ref().is_none_or(|p| p.value != server.port);
    let port_written = endpoint.port.as_ref().is_some_and(|p| !p.is_default());
    let security_differs = endpoint.security.value != server.security;
    let mut changes = Vec::new();
    if port_differs || (security_differs && !port_written) {
        changes.push(FieldChange::Port(server.port));
    }
    if security_differs {
        changes.push(FieldChange::Security(server.security));
    }
    changes
}

/// "imap.gmail.com on port 993 with SSL/TLS (implicit TLS)".
pub(crate) fn describe_server(server: &Server) -> String {
    format!("{} on port {} with {}", server.host, server.port, server.security.describe())
}

/// The ports a provider serves for a protocol, for messages ("465 with SSL/TLS (implicit
/// TLS) or 587 with STARTTLS").
pub(crate) fn served_ports(provider: &Provider, protocol: Protocol) -> String {
    let mut ports: Vec<String> = Vec::new();
    for server in provider.servers_for(protocol) {
        let text = format!("{} with {}", server.port, server.security.describe());
        if !ports.contains(&text) {
            ports.push(text);
        }
    }
    match ports.len() {
        0 => "none".to_owned(),
        1 => ports.remove(0),
        _ => {
            let last = ports.pop().unwrap_or_default();
            format!("{} or {last}", ports.join(", "))
        }
    }
}

/// Title for a fix that moves an endpoint to a server: "Use smtp.gmail.com on port 587 with
/// STARTTLS".
pub(crate) fn use_server_title(server: &Server) -> String {
    format!("Use {}", describe_server(server))
}

/// Attaches to `finding` a fix that moves the endpoint to `server`: its host, and its port and
/// security where they differ, with labels on the port and security that change.
pub(crate) fn move_to_server(
    site: &Site<'_>,
    server: &Server,
    applicability: Applicability,
    finding: Finding,
) -> Finding {
    let endpoint = site.endpoint;
    let mut changes = vec![FieldChange::Host(server.host.clone())];
    let port_and_security = port_security_changes(endpoint, server);
    let mut finding = finding;
    for change in &port_and_security {
        match change {
            FieldChange::Port(port) => {
                if let Some(current) = &endpoint.port {
                    finding = label_text(
                        finding,
                        current.span,
                        format!("port {} changes to {port} with the host", current.value),
                    );
                }
            }
            FieldChange::Security(security) => {
                finding = label_text(
                    finding,
                    endpoint.security.span,
                    format!(
                        "{} changes to {} with the host",
                        endpoint.security.value.describe(),
                        security.describe()
                    ),
                );
            }
            _ => {}
        }
    }
    let title = if port_and_security.is_empty() {
        format!("Replace `{}` with `{}`", site.host_text(), server.host)
    } else {
        use_server_title(server)
    };
    changes.extend(port_and_security);
    finding.fix(site.fix(title, applicability, changes))
}

/// A described, never applied, fix (for changes that need a person).
pub(crate) fn describe_only(title: impl Into<String>) -> ProposedFix {
    ProposedFix {
        title: title.into(),
        applicability: Applicability::DisplayOnly,
        action: maillint_core::FixAction::Describe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin_providers;
    use crate::testing::EndpointBuilder;

    #[test]
    fn starttls_on_587_is_kept_and_implicit_tls_is_preferred_otherwise() {
        let db = builtin_providers();
        let gmail = db.by_mail_domain("gmail.com").unwrap();
        let starttls = EndpointBuilder::server(
            Protocol::Smtp,
            "smtp.google.com",
            25,
            Security::StarttlsOptional,
        )
        .build();
        assert_eq!(fitting_server(gmail, Protocol::Smtp, &starttls).unwrap().port, 587);
        let plain =
            EndpointBuilder::server(Protocol::Smtp, "smtp.google.com", 25, Security::None).build();
        assert_eq!(fitting_server(gmail, Protocol::Smtp, &plain).unwrap().port, 465);
        let plain_587 = EndpointBuilder::server(Protocol::Smtp, "x", 587, Security::None).build();
        assert_eq!(fitting_server(gmail, Protocol::Smtp, &plain_587).unwrap().port, 587);
        let icloud = db.by_mail_domain("icloud.com").unwrap();
        assert!(fitting_server(icloud, Protocol::Pop3, &plain).is_none());
    }

    #[test]
    fn a_port_never_changes_without_its_security() {
        let server = Server {
            protocol: Protocol::Imap,
            host: "imap.gmail.com".into(),
            port: 993,
            security: Security::ImplicitTls,
        };
        let wrong_pair =
            EndpointBuilder::server(Protocol::Imap, "x", 143, Security::StarttlsRequired).build();
        assert_eq!(
            port_security_changes(&wrong_pair, &server),
            [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]
        );
        let right =
            EndpointBuilder::server(Protocol::Imap, "x", 993, Security::ImplicitTls).build();
        assert!(port_security_changes(&right, &server).is_empty());
        // A defaulted port is pinned when the security changes.
        let defaulted = EndpointBuilder::new(Protocol::Imap)
            .default_port(993, "default")
            .security(Security::None)
            .build();
        assert_eq!(
            port_security_changes(&defaulted, &server),
            [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]
        );
    }

    #[test]
    fn served_ports_reads_naturally() {
        let db = builtin_providers();
        let gmail = db.by_mail_domain("gmail.com").unwrap();
        assert_eq!(
            served_ports(gmail, Protocol::Smtp),
            "465 with SSL/TLS (implicit TLS) or 587 with STARTTLS"
        );
        assert_eq!(served_ports(gmail, Protocol::Imap), "993 with SSL/TLS (implicit TLS)");
    }
}

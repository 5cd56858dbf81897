//! Passwords that no account uses: in a hook whose regex matches none of the accounts, or in
//! a macro. NeoMutt may never send them, but they are on disk all the same, so each becomes an
//! endpoint of its own (protocol from the setting, no server) and `plaintext-password` reports
//! it through the common model.

use maillint_core::{
    Account, AuthMethod, Endpoint, Located, Protocol, SecretKind, Security, Sources, Span,
    StoredSecret,
};

use crate::accounts::{self, EndpointEdit};
use crate::url::Scheme;

/// A command whose text holds settings NeoMutt may run later: a hook or a macro.
pub(crate) struct Holder {
    /// What the account is called (`account-hook imaps://old.example.net`, `macro`).
    pub name: String,
    /// The whole command.
    pub span: Span,
}

/// One account per holder with a password that no endpoint in `accounts` carries.
pub(crate) fn accounts(
    holders: &[Holder],
    swept: &[Span],
    accounts: &[Account],
    sources: &Sources,
) -> Vec<(Account, Vec<EndpointEdit>)> {
    let carried: Vec<Span> = accounts
        .iter()
        .flat_map(|a| &a.endpoints)
        .flat_map(|e| &e.secrets)
        .map(|s| s.span)
        .collect();
    let mut out = Vec::new();
    for holder in holders {
        let endpoints: Vec<Endpoint> = swept
            .iter()
            .filter(|s| {
                s.file == holder.span.file && holder.span.range.cover(&s.range) == holder.span.range
            })
            .filter(|s| !carried.contains(s))
            .filter_map(|s| endpoint(holder, *s, sources))
            .collect();
        if endpoints.is_empty() {
            continue;
        }
        let edits = endpoints.iter().map(|e| EndpointEdit::none(e.protocol)).collect();
        let account = Account {
            client: crate::CLIENT,
            name: holder.name.clone(),
            email: None,
            span: holder.span,
            endpoints,
        };
        out.push((account, edits));
    }
    out
}

/// An endpoint for a password at `secret`, when the text before it says the protocol.
fn endpoint(holder: &Holder, secret: Span, sources: &Sources) -> Option<Endpoint> {
    let text = sources.get(secret.file).text();
    let before = &text[..secret.range.start as usize];
    let (protocol, setting) = setting_before(before)?;
    let secret = without_macro_keys(secret, text);
    let reason =
        format!("the password is in `{}`, which names no server maillint read", holder.name);
    Some(Endpoint {
        protocol,
        host: None,
        port: None,
        security: Located::default(Security::Unknown, holder.span, reason.clone()),
        auth: Located::derived(AuthMethod::PasswordCleartext, secret, reason),
        username: None,
        certificate_verification_disabled: None,
        secrets: vec![StoredSecret { kind: SecretKind::Password, setting, span: secret }],
        tls_versions: Vec::new(),
        span: holder.span,
        locator: holder.name.clone(),
    })
}

/// A value in a macro ends before the next `<function>` key (`<enter>`), which the lenient
/// sweep reads as part of an unquoted value.
fn without_macro_keys(secret: Span, text: &str) -> Span {
    let value = &text[secret.range.start as usize..secret.range.end as usize];
    let key = value.match_indices('<').map(|(i, _)| i).find(|&i| {
        let rest = &value[i + 1..];
        rest.find('>').is_some_and(|end| {
            end > 0 && rest[..end].bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        })
    });
    match key {
        Some(end) if end > 0 => {
            Span::new(secret.file, secret.range.start as usize, secret.range.start as usize + end)
        }
        _ => secret,
    }
}

/// The protocol and setting of the value that ends `before`: `imap_pass=`, `smtp_pass "`,
/// or the password of a `smtps://user:` URL.
fn setting_before(before: &str) -> Option<(Protocol, String)> {
    let line = before.rsplit('\n').next().unwrap_or(before);
    // A URL password: `scheme://user:` right before it.
    if let Some(colon) = line.strip_suffix(':')
        && let Some(at) = colon.rfind("://")
    {
        let scheme_start =
            colon[..at].rfind(|c: char| !c.is_ascii_alphanumeric()).map_or(0, |i| i + 1);
        let scheme = Scheme::from_name(&colon[scheme_start..at])?;
        let (protocol, _) = accounts::protocol_of(scheme)?;
        return Some((protocol, format!("{} URL", &colon[scheme_start..at])));
    }
    let name_end = line.trim_end_matches(['"', '\'', ' ', '\t', '=', '+']);
    let name_start =
        name_end.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    let name = &name_end[name_start..];
    let protocol = match name.split('_').next()? {
        "imap" => Protocol::Imap,
        "pop" => Protocol::Pop3,
        "smtp" => Protocol::Smtp,
        _ => return None,
    };
    Some((protocol, name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_before_a_value_names_its_protocol() {
        let setting = setting_before;
        assert_eq!(setting("set imap_pass="), Some((Protocol::Imap, "imap_pass".to_owned())));
        assert_eq!(setting("x\n'set smtp_pass = \""), Some((Protocol::Smtp, "smtp_pass".into())));
        assert_eq!(setting("set pop_host=pops://me:"), Some((Protocol::Pop3, "pops URL".into())));
        assert_eq!(setting("set my_pass="), None);
    }
}

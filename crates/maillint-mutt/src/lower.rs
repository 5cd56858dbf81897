//! Turning a rule's field changes into edits of muttrc text.
//!
//! Host, port and scheme are edited inside every URL written for the endpoint; booleans are
//! changed where the deciding assignment is written (`set x=no` → `set x=yes`,
//! `set nox` → `set x`, `unset x` → `set x`), and only when that cannot be done in place (an
//! `unset` that also names other variables) is a new `set x=yes` line inserted after it.
//! Quotes and every other byte stay as they are.

use std::collections::BTreeMap;

use maillint_core::{
    AuthMethod, Edit, FieldChange, LowerError, Protocol, Security, Sources, Span, TlsVersion,
};

use crate::accounts::{BoolDecider, EndpointEdit};
use crate::state::{AssignForm, Commands, SetCommand};

fn scheme_name(protocol: Protocol, implicit_tls: bool) -> &'static str {
    match (protocol, implicit_tls) {
        (Protocol::Imap, false) => "imap",
        (Protocol::Imap, true) => "imaps",
        (Protocol::Pop3, false) => "pop",
        (Protocol::Pop3, true) => "pops",
        (Protocol::Smtp, false) => "smtp",
        (Protocol::Smtp, true) => "smtps",
    }
}

/// Lowers `changes` for one endpoint.
pub(crate) fn lower(
    edit: &EndpointEdit,
    commands: &Commands,
    sources: &Sources,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut bools: Vec<(&BoolDecider, bool)> = Vec::new();
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                if edit.urls.is_empty() || edit.urls.iter().any(|u| u.host.is_none()) {
                    return Err(LowerError(
                        "the host is not written as plain text in the URL (it comes from a \
                         command, an unknown variable or a value built from several places)"
                            .to_owned(),
                    ));
                }
                // The host span excludes the brackets of an IPv6 address, which stay.
                for url in edit.urls.iter() {
                    if let Some(span) = url.host {
                        push(&mut edits, Edit::replace(span, host.clone()));
                    }
                }
            }
            FieldChange::Port(port) => {
                for url in &edit.urls {
                    match (url.port, url.port_insert) {
                        (Some(span), _) => push(&mut edits, Edit::replace(span, port.to_string())),
                        (None, Some(at)) => push(&mut edits, Edit::insert(at, format!(":{port}"))),
                        (None, None) => {
                            return Err(LowerError(
                                "the URL is not written as plain text, so no port can be set in \
                                 it"
                                .to_owned(),
                            ));
                        }
                    }
                }
                if edit.urls.is_empty() {
                    return Err(LowerError("no URL is written for this server".to_owned()));
                }
            }
            FieldChange::Security(security) => {
                if let Some(force_tls) = lower_security(edit, sources, *security, &mut edits)? {
                    bools.push((force_tls, true));
                }
            }
            FieldChange::Auth(method) => {
                return Err(LowerError(match method {
                    AuthMethod::Oauth2 => "OAuth2 in mutt and NeoMutt needs a command that \
                        fetches tokens (`imap_oauth_refresh_command`/`smtp_oauth_refresh_command`, \
                        e.g. mutt's contrib script `mutt_oauth2.py` with a registered client) and \
                        `imap_authenticators=\"oauthbearer:xoauth2\"`; maillint writes neither a \
                        command nor a secret into a configuration file, so set them up by hand"
                        .to_owned(),
                    other => format!(
                        "maillint does not change the authentication method (to `{}`) in a \
                         muttrc: it depends on `*_authenticators` and credentials only you can \
                         choose",
                        other.as_str()
                    ),
                }));
            }
            FieldChange::EnableCertificateVerification => {
                for decider in &edit.verify {
                    bools.push((decider, true));
                }
            }
            FieldChange::DisableTlsVersion(version) => {
                let decider = edit
                    .tls_versions
                    .iter()
                    .find(|(v, _)| v == version)
                    .map(|(_, d)| d)
                    .ok_or_else(|| {
                        LowerError(format!("no setting controls {}", version_name(*version)))
                    })?;
                bools.push((decider, false));
            }
        }
    }
    lower_bools(&bools, commands, sources, &mut edits)?;
    Ok(edits)
}

/// A `set VAR=yes` line inserted before the logical line that writes the endpoint's first
/// URL: for a default that only mutt leaves off, there is no assignment to edit.
fn set_before_urls(edit: &EndpointEdit, sources: &Sources, var: &str) -> Result<Edit, LowerError> {
    let scheme = edit.first_url.or_else(|| edit.urls.iter().find_map(|u| u.scheme));
    let scheme = scheme.ok_or_else(|| {
        LowerError(format!("`{var}` is at its default and no URL is written to set it before"))
    })?;
    let source = sources.get(scheme.file);
    let text = source.text();
    let mut start = text[..scheme.range.start as usize].rfind('\n').map_or(0, |i| i + 1);
    // Go back over continued lines: the line must start a command.
    while start > 0 {
        let previous = text[..start - 1].trim_end_matches('\r');
        if !previous.ends_with('\\') {
            break;
        }
        start = previous.rfind('\n').map_or(0, |i| i + 1);
    }
    let eol = source.line_ending().as_str();
    Ok(Edit::insert(Span::point(scheme.file, start), format!("set {var}=yes{eol}")))
}

/// Edits the schemes for `security`; returns `ssl_force_tls` when it must be set where it
/// was written.
fn lower_security<'a>(
    edit: &'a EndpointEdit,
    sources: &Sources,
    security: Security,
    edits: &mut Vec<Edit>,
) -> Result<Option<&'a BoolDecider>, LowerError> {
    let implicit = match security {
        Security::ImplicitTls => true,
        Security::StarttlsRequired => false,
        other => {
            return Err(LowerError(format!(
                "maillint only writes secure settings, not `{}`",
                other.as_str()
            )));
        }
    };
    if edit.urls.is_empty() {
        return Err(LowerError("no URL is written for this server".to_owned()));
    }
    for url in &edit.urls {
        if url.implicit_tls == implicit {
            continue;
        }
        let Some(span) = url.scheme else {
            return Err(LowerError("the URL scheme is not written as plain text".to_owned()));
        };
        push(edits, Edit::replace(span, scheme_name(edit.protocol, implicit)));
    }
    if implicit {
        return Ok(None);
    }
    if edit.tunnel {
        return Err(LowerError(
            "the connection goes through `tunnel`: STARTTLS depends on `tunnel_is_secure`, \
             which maillint does not change"
                .to_owned(),
        ));
    }
    if edit.force_tls.mutt_default {
        push(edits, set_before_urls(edit, sources, "ssl_force_tls")?);
        return Ok(None);
    }
    Ok(Some(&edit.force_tls))
}

fn version_name(version: TlsVersion) -> &'static str {
    version.display_name()
}

fn push(edits: &mut Vec<Edit>, edit: Edit) {
    if !edits.contains(&edit) {
        edits.push(edit);
    }
}

/// Makes each boolean have the wanted value, editing the assignment that decided it.
fn lower_bools(
    wanted: &[(&BoolDecider, bool)],
    commands: &Commands,
    sources: &Sources,
    edits: &mut Vec<Edit>,
) -> Result<(), LowerError> {
    // Assignments made by `unset`/`toggle`/`reset` commands, grouped by command: one word
    // replacement fixes them all when every name in the command wants the same value.
    let mut by_command: BTreeMap<usize, Vec<(&BoolDecider, bool)>> = BTreeMap::new();
    for &(decider, want) in wanted {
        match decider.value {
            Some(value) if value == want => continue,
            None => {
                return Err(LowerError(format!(
                    "`{}` comes from a value maillint does not know (a command or an unknown \
                     variable)",
                    decider.var
                )));
            }
            Some(_) => {}
        }
        let Some(assignment) = &decider.assignment else {
            // The default already differs from what is wanted: write the setting.
            return Err(LowerError(format!(
                "`{}` is at its default; maillint only edits settings written in the file",
                decider.var
            )));
        };
        let word = if want { "yes" } else { "no" };
        let missing = || LowerError(format!("the `{}` setting is not plain text", decider.var));
        match &assignment.form {
            AssignForm::Equals { inner, relative: false, .. } => {
                push(edits, Edit::replace(inner.ok_or_else(missing)?, word));
            }
            AssignForm::Equals { relative: true, .. } => return Err(missing()),
            AssignForm::Bare => {
                // `set x` (yes); want no: `set nox`.
                let name = assignment.name.ok_or_else(missing)?;
                push(edits, Edit::insert(name, "no"));
            }
            AssignForm::No(prefix) | AssignForm::Inv(prefix) | AssignForm::Amp(prefix) => {
                let prefix = prefix.ok_or_else(missing)?;
                if want {
                    push(edits, Edit::delete(prefix));
                } else {
                    push(edits, Edit::replace(prefix, "no"));
                }
            }
            AssignForm::Command => {
                by_command.entry(assignment.command).or_default().push((decider, want));
            }
        }
    }
    for (command_index, deciders) in by_command {
        let command = commands.get(command_index);
        let all_same = deciders.iter().all(|(_, w)| *w == deciders[0].1);
        let covers_all = (commands.names(command_index).iter())
            .all(|name| deciders.iter().any(|(d, _)| d.var == *name));
        let want = deciders[0].1;
        if all_same && covers_all && command.command != SetCommand::Set {
            let word = command.word.ok_or_else(|| {
                LowerError(format!("the `{}` command is not plain text", command.command.word()))
            })?;
            push(edits, Edit::replace(word, if want { "set" } else { "unset" }));
            continue;
        }
        for (decider, want) in deciders {
            let assignment = decider.assignment.as_ref().expect("grouped assignments exist");
            if assignment.hook.is_some() {
                return Err(LowerError(format!(
                    "`{}` is changed inside a hook together with other variables; maillint does \
                     not rewrite hook bodies, change it by hand",
                    decider.var
                )));
            }
            let Some(at) = assignment.line_end else {
                return Err(LowerError(format!("no place to write `{}`", decider.var)));
            };
            let eol = sources.get(at.file).line_ending().as_str();
            let setting = format!("set {}={}", decider.var, if want { "yes" } else { "no" });
            let text = if assignment.line_terminated {
                format!("{setting}{eol}")
            } else {
                format!("{eol}{setting}")
            };
            push(edits, Edit::insert(at, text));
        }
    }
    Ok(())
}

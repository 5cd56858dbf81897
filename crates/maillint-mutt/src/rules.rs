//! Rules only the mutt parser can report: they concern muttrc syntax and the differences
//! between mutt and NeoMutt, not the account model. Each comes from mutt.md section 7.

use std::sync::Arc;

use maillint_core::{RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `#` glued to an unquoted value, such as `set smtp_pass=abc#def`.
    ///
    /// ## Why is this bad?
    /// mutt and NeoMutt start a comment at an unquoted `#` even in the middle of a word
    /// (mutt.md section 1, verified: `set smtp_pass=abc#def` sets `abc`). The rest of the
    /// value is silently dropped: a password is cut short, a URL loses its port or path.
    ///
    /// ## Example
    /// ```muttrc
    /// set imap_pass=pa#ss
    /// ```
    ///
    /// Use instead:
    /// ```muttrc
    /// set imap_pass="pa#ss"
    /// ```
    ///
    /// ## Fix
    /// None: quote the value if the `#` belongs to it, or put a space before the comment.
    pub struct CommentTruncatesValue {
        code: "K201",
        name: "comment-truncates-value",
        group: "syntax",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports NeoMutt-only syntax (`ifdef`, `ifndef`, `finish`, `+=`, `-=`,
    /// `named-mailboxes`) in a file that mutt also reads (any file whose path does not name
    /// NeoMutt).
    ///
    /// ## Why is this bad?
    /// mutt does not know these commands (mutt.md sections 2 and 3, verified with mutt
    /// 2.2.12): it reports an error and goes on. An `ifndef ... finish` guard therefore does
    /// not stop mutt, and the lines after it, meant for another program, are applied.
    ///
    /// ## Example
    /// ```muttrc
    /// ifndef sidebar_visible finish
    /// set ssl_force_tls=no
    /// ```
    ///
    /// ## Fix
    /// None: keep NeoMutt-only lines in a file only NeoMutt reads (`~/.config/neomutt/`).
    pub struct NeomuttOnlySyntax {
        code: "K202",
        name: "neomutt-only-syntax",
        group: "compatibility",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `source` with a relative path in a file that mutt also reads.
    ///
    /// ## Why is this bad?
    /// NeoMutt resolves a relative `source` path against the folder of the file that
    /// contains it; mutt resolves it against the current directory of the process (mutt.md
    /// section 3, verified). Started from another directory, mutt reads a different file or
    /// none, and the settings in it (server, TLS, credentials) do not apply.
    ///
    /// ## Example
    /// ```muttrc
    /// source accounts/work.rc
    /// ```
    ///
    /// Use instead:
    /// ```muttrc
    /// source ~/.mutt/accounts/work.rc
    /// ```
    ///
    /// ## Fix
    /// None: write the path from `~` or `/`.
    pub struct RelativeSource {
        code: "K203",
        name: "relative-source",
        group: "compatibility",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports configuration that turns off both TLS 1.2 and TLS 1.3
    /// (`unset ssl_use_tlsv1_2` and `unset ssl_use_tlsv1_3`).
    ///
    /// ## Why is this bad?
    /// With both off, only the deprecated TLS 1.0/1.1 (RFC 8996) or nothing remains, and
    /// current mail servers refuse the handshake (mutt.md section 7: "TLS cannot work").
    ///
    /// ## Example
    /// ```muttrc
    /// unset ssl_use_tlsv1_2
    /// unset ssl_use_tlsv1_3
    /// ```
    ///
    /// ## Fix
    /// None: remove the lines; both versions are on by default.
    pub struct TlsModernVersionsDisabled {
        code: "K204",
        name: "tls-modern-versions-disabled",
        group: "tls",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `tunnel` command while `tunnel_is_secure` keeps its default (set).
    ///
    /// ## Why is this bad?
    /// With `tunnel_is_secure` set, mutt and NeoMutt assume the tunnel already encrypts the
    /// connection and do not use STARTTLS over it (mutt.md section 4). That is right for
    /// `ssh host imapd`, wrong for a tunnel that forwards plaintext over the network.
    ///
    /// ## Example
    /// ```muttrc
    /// set tunnel="nc mail.example.org 143"
    /// ```
    ///
    /// ## Fix
    /// None: `unset tunnel_is_secure` when the tunnel does not encrypt.
    pub struct TunnelAssumedSecure {
        code: "K205",
        name: "tunnel-assumed-secure",
        group: "tls",
        severity: Info,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `$variable` inside single quotes in the value of a setting that defines an
    /// account (`imap_pass`, `folder`, `smtp_url`, ...).
    ///
    /// ## Why is this bad?
    /// Single quotes are literal in a muttrc (mutt.md section 1): mutt and NeoMutt expand
    /// `$name` only outside quotes and inside double quotes. `set imap_pass = '$my_pass'`
    /// sends the eight characters `$my_pass` as the password, and a URL with `'$my_host'`
    /// names a server that does not exist.
    ///
    /// ## Example
    /// ```muttrc
    /// set imap_pass = '$my_pass'
    /// ```
    /// Use instead:
    /// ```muttrc
    /// set imap_pass = "$my_pass"
    /// ```
    ///
    /// ## Fix
    /// None: whether the text was meant literally only the author knows.
    pub struct SingleQuotedVariable {
        code: "K206",
        name: "single-quoted-variable",
        group: "syntax",
        severity: Warning,
        fix: None,
    }
}

/// Every rule this crate reports, for `Parser::rules`.
pub fn all() -> Vec<Arc<RuleMeta>> {
    vec![
        Arc::clone(CommentTruncatesValue::metadata()),
        Arc::clone(NeomuttOnlySyntax::metadata()),
        Arc::clone(RelativeSource::metadata()),
        Arc::clone(TlsModernVersionsDisabled::metadata()),
        Arc::clone(TunnelAssumedSecure::metadata()),
        Arc::clone(SingleQuotedVariable::metadata()),
    ]
}

//! The Outlook-specific rules. The parsers report them while reading, because each concerns the
//! file's own structure (which keys the PRF maps, which namespace an Autodiscover element is in,
//! how a registry value is typed) rather than the account model that the generic rules check.

use std::sync::Arc;

use maillint_core::{RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an `[AccountN]` key of a PRF file that the file's own mapping section
    /// (`[I_Mail]` for POP3, `[IMAP_I_Mail]` for IMAP) does not map to a MAPI property.
    ///
    /// ## Why is this bad?
    /// The mapping sections tell Outlook which property each key sets. Two generations of
    /// them exist: older ones map `SMTPUseSSL=PT_LONG,0x0202`, newer ones
    /// `SMTPSecureConnection=PT_LONG,0x020A`. Outlook reportedly ignores a key its mapping
    /// section does not name, so a security setting written for the other generation silently
    /// does not apply (outlook.md 1.3).
    ///
    /// ## Example
    /// ```ini
    /// [Account1]
    /// SMTPSecureConnection=2
    ///
    /// [IMAP_I_Mail]
    /// SMTPUseSSL=PT_LONG,0x0202
    /// ```
    ///
    /// ## Fix
    /// Adds the key's mapping line (`SMTPSecureConnection=PT_LONG,0x020A`) to the mapping
    /// section when the key is one outlook.md documents. Unsafe: the value starts to apply.
    pub struct PrfUnmappedKey {
        code: "K301",
        name: "prf-unmapped-key",
        group: "outlook",
        severity: Warning,
        fix: Sometimes,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a PRF section that another section refers to but that does not exist: an
    /// `[AccountN]` named in `[Internet Account List]`, the mapping section (`[I_Mail]`,
    /// `[IMAP_I_Mail]`) an account type names, or a `[ServiceN]` named in `[Service List]`.
    ///
    /// ## Why is this bad?
    /// Without the account section the account has no settings; without the mapping section
    /// Outlook cannot tell which property any account key sets (outlook.md 1.2).
    ///
    /// ## Example
    /// ```ini
    /// [Internet Account List]
    /// Account1=IMAP_I_Mail
    /// ; no [IMAP_I_Mail] section follows
    /// ```
    ///
    /// ## Fix
    /// None: add the section (the Office Customization Tool writes the mapping sections).
    pub struct PrfMissingSection {
        code: "K302",
        name: "prf-missing-section",
        group: "outlook",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a line of a PRF file that is neither a `[Section]`, a `Key=Value` line nor a
    /// `;` comment, such as `--- POP3 Account Settings ---` in a mapping section.
    ///
    /// ## Why is this bad?
    /// Hand-written and script-generated PRF files contain such lines (outlook.md 1.1). Windows'
    /// INI reader skips them, but a setting written on such a line (a missing `=`) is lost.
    ///
    /// ## Example
    /// ```ini
    /// [I_Mail]
    /// --- POP3 Account Settings ---
    /// ```
    ///
    /// ## Fix
    /// Turns the line into a `;` comment, which keeps its text and changes nothing Outlook
    /// reads.
    pub struct PrfStrayLine {
        code: "K303",
        name: "prf-stray-line",
        group: "outlook",
        severity: Warning,
        fix: Always,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a non-empty `Password=` in a `[ServiceN]` section of a PRF file.
    ///
    /// ## Why is this bad?
    /// `[Personal Folders]` maps `Password` to the PST password and some generators write an
    /// Exchange password there (outlook.md 1.1). A PRF file is plain text that is copied to
    /// every machine it configures: the password is readable by anyone who gets the file.
    ///
    /// ## Example
    /// ```ini
    /// [Service1]
    /// Password=...
    /// ```
    ///
    /// ## Fix
    /// None: remove the value and let Outlook ask for the password.
    pub struct PrfServicePassword {
        code: "K304",
        name: "prf-service-password",
        group: "outlook",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an SMTP account where both `SMTPUseSSL` and `SMTPSecureConnection` (PRF) or
    /// `SMTP Use SSL` and `SMTP Secure Connection` (registry) are set and disagree.
    ///
    /// ## Why is this bad?
    /// The two keys belong to two generations of Outlook (outlook.md 1.3, 2.2). Which one wins
    /// when both are read is not documented, so the account's outgoing security depends on the
    /// Outlook version. maillint checks `SMTPSecureConnection`, the documented property.
    ///
    /// ## Example
    /// ```ini
    /// SMTPUseSSL=0
    /// SMTPSecureConnection=2
    /// ```
    ///
    /// ## Fix
    /// None: remove the older `SMTPUseSSL`, or make both say the same.
    pub struct SmtpSecurityFlagsConflict {
        code: "K305",
        name: "smtp-security-flags-conflict",
        group: "outlook",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an Autodiscover `<Protocol>` with `<SSL>on</SSL>` (written or by default) on a
    /// STARTTLS or plaintext port (143, 110, 587, 25) and no `<Encryption>` element.
    ///
    /// ## Why is this bad?
    /// `<SSL>` only says that a secure logon is required; on a STARTTLS port it is unclear
    /// whether Outlook should start TLS at once or upgrade with STARTTLS, and real
    /// deployments fail to log in with this pairing (outlook.md 4).
    ///
    /// ## Example
    /// ```xml
    /// <Type>SMTP</Type>
    /// <Port>587</Port>
    /// <SSL>on</SSL>
    /// ```
    ///
    /// ## Fix
    /// Adds `<Encryption>TLS</Encryption>` (STARTTLS), which Outlook 2010 and later read in
    /// preference to `<SSL>`. Unsafe: the port might instead be the mistake.
    pub struct AutodiscoverAmbiguousSsl {
        code: "K306",
        name: "autodiscover-ambiguous-ssl",
        group: "outlook",
        severity: Warning,
        fix: Always,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an Autodiscover element outside the namespace Outlook reads it in: the root
    /// `<Autodiscover>` must be in
    /// `http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006`, `<Response>`
    /// and everything in it in
    /// `http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a`.
    ///
    /// ## Why is this bad?
    /// XML readers match elements by namespace, not by prefix or name alone (outlook.md 4).
    /// A `<Response>` without its `xmlns` inherits the root's namespace, and Outlook finds no
    /// settings in the response. maillint still reads the settings, so the other rules apply.
    ///
    /// ## Example
    /// ```xml
    /// <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
    ///   <Response>
    /// ```
    ///
    /// ## Fix
    /// Adds the `xmlns` attribute Outlook expects to the element's start tag.
    pub struct AutodiscoverNamespace {
        code: "K307",
        name: "autodiscover-namespace",
        group: "outlook",
        severity: Error,
        fix: Sometimes,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an Outlook account value in a `.reg` file that is not stored the way Outlook
    /// stores it: a server, user or address written as a string (`"..."`) instead of
    /// `hex:` UTF-16LE bytes, a `hex:` string without its `00,00` terminator, or a port or
    /// flag that is not a `dword:`.
    ///
    /// ## Why is this bad?
    /// Outlook profiles keep account strings as REG_BINARY UTF-16LE text with a NUL
    /// terminator, and numbers as REG_DWORD (outlook.md 2.2). Readers drop the last two bytes
    /// of a string value, so a missing terminator cuts off a character; a value of the wrong
    /// type may not be read at all.
    ///
    /// ## Example
    /// ```text
    /// "IMAP Server"="imap.example.net"
    /// ```
    ///
    /// ## Fix
    /// Rewrites the value as Outlook stores it (`hex:` UTF-16LE with terminator, or `dword:`).
    /// Unsafe: the value starts to apply as written.
    pub struct RegUnexpectedValueType {
        code: "K308",
        name: "reg-unexpected-value-type",
        group: "outlook",
        severity: Warning,
        fix: Sometimes,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a PRF key written twice in one section, or a section written twice.
    ///
    /// ## Why is this bad?
    /// Windows' profile-string functions return the first occurrence and never see the
    /// second, so an edit made further down the file has no effect. maillint reads the first
    /// occurrence too (how the PRF importer treats duplicates is unverified).
    ///
    /// ## Example
    /// ```ini
    /// IMAPPort=143
    /// IMAPPort=993
    /// ```
    ///
    /// ## Fix
    /// None: delete the copy you do not mean.
    pub struct PrfDuplicateEntry {
        code: "K309",
        name: "prf-duplicate-entry",
        group: "outlook",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an Autodiscover element whose value is not one Outlook reads: a `<Port>` that is
    /// not a TCP port (1 to 65535), a switch (`<SSL>`, `<SPA>`, `<AuthRequired>`,
    /// `<DomainRequired>`, `<UsePOPAuth>`, `<SMTPLast>`) other than `on` or `off`, an
    /// `<Encryption>` other than `None`, `SSL`, `TLS` or `Auto`, an unknown `<Type>`, or a
    /// `<TTL>` that is not a whole number of hours (outlook.md 4). The finding points at the
    /// value, with its line and column.
    ///
    /// ## Why is this bad?
    /// Outlook does not guess: a value outside the documented set is ignored or makes the
    /// response unusable, so the account is set up with a default (SSL on, for example) or
    /// not at all, and what the file says is not what users get.
    ///
    /// ## Example
    /// ```xml
    /// <Port>imaps</Port>
    /// <SSL>yes</SSL>
    /// ```
    ///
    /// ## Fix
    /// None is written: the intended value is not known. Write the documented value.
    pub struct AutodiscoverInvalidValue {
        code: "K310",
        name: "autodiscover-invalid-value",
        group: "outlook",
        severity: Error,
        fix: None,
    }
}

/// The rules the PRF parser reports. `smtp-security-flags-conflict` is listed here only,
/// although the registry reader reports it too, so that registering every parser's rules
/// never registers one twice.
pub(crate) fn for_prf() -> Vec<Arc<RuleMeta>> {
    vec![
        Arc::clone(PrfUnmappedKey::metadata()),
        Arc::clone(PrfMissingSection::metadata()),
        Arc::clone(PrfStrayLine::metadata()),
        Arc::clone(PrfServicePassword::metadata()),
        Arc::clone(SmtpSecurityFlagsConflict::metadata()),
        Arc::clone(PrfDuplicateEntry::metadata()),
    ]
}

/// The rules the registry reader reports besides `smtp-security-flags-conflict`.
pub(crate) fn for_reg() -> Vec<Arc<RuleMeta>> {
    vec![Arc::clone(RegUnexpectedValueType::metadata())]
}

/// The rules the Autodiscover reader reports.
pub(crate) fn for_autodiscover() -> Vec<Arc<RuleMeta>> {
    vec![
        Arc::clone(AutodiscoverAmbiguousSsl::metadata()),
        Arc::clone(AutodiscoverNamespace::metadata()),
        Arc::clone(AutodiscoverInvalidValue::metadata()),
    ]
}

/// Every Outlook-specific rule, each once.
pub fn all() -> Vec<Arc<RuleMeta>> {
    vec![
        Arc::clone(PrfUnmappedKey::metadata()),
        Arc::clone(PrfMissingSection::metadata()),
        Arc::clone(PrfStrayLine::metadata()),
        Arc::clone(PrfServicePassword::metadata()),
        Arc::clone(SmtpSecurityFlagsConflict::metadata()),
        Arc::clone(AutodiscoverAmbiguousSsl::metadata()),
        Arc::clone(AutodiscoverNamespace::metadata()),
        Arc::clone(RegUnexpectedValueType::metadata()),
        Arc::clone(PrfDuplicateEntry::metadata()),
        Arc::clone(AutodiscoverInvalidValue::metadata()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let rules = all();
        let per_parser = for_prf().len() + for_reg().len() + for_autodiscover().len();
        assert_eq!(per_parser, rules.len(), "every rule belongs to exactly one parser");
        let mut registry = maillint_core::RuleRegistry::new();
        for rule in &rules {
            registry.register_meta(Arc::clone(rule)).expect("unique name and code");
            assert!(rule.code.starts_with("K3"), "{}", rule.code);
            for section in ["## What it does", "## Why is this bad?", "## Fix"] {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.name);
            }
            assert!(!rule.summary.is_empty());
        }
    }
}

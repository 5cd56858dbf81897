//! Rules that belong to the core because parsers and the engine report them directly.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file, or a statement in it, that cannot be parsed.
    ///
    /// ## Why is this bad?
    /// The mail client skips what it cannot parse. Thunderbird, for example, drops the broken
    /// statement and, when `;` is missing, the statement after it too; a security setting in
    /// that text silently does not apply.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.socketType", 3)
    /// user_pref("mail.server.server1.port", 993);
    /// ```
    /// Both statements are lost: the first has no `;`, and recovery consumes the second.
    ///
    /// ## Fix
    /// None: the message says what the parser expected, at the line and column where it stopped.
    pub struct ParseError {
        code: "P001",
        name: "parse-error",
        group: "syntax",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a file that was found but could not be read (permissions, a broken link, an
    /// I/O error).
    ///
    /// ## Why is this bad?
    /// A file maillint cannot read is a file it cannot check: its accounts are not covered by
    /// the report.
    ///
    /// ## Fix
    /// None: make the file readable to the user running maillint.
    pub struct IoError {
        code: "P002",
        name: "io-error",
        group: "syntax",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports configuration that maillint read but did not follow: a command whose output
    /// would become a value (muttrc backticks, `source "cmd |"`), an environment variable, a
    /// file outside reach.
    ///
    /// ## Why is this bad?
    /// maillint never executes anything a config file names, and its output must not depend
    /// on who runs it. Values that need a command or the environment are unknown, so the
    /// settings they carry are not checked.
    ///
    /// ## Fix
    /// None: this is information about the coverage of the check.
    pub struct NotFollowed {
        code: "P003",
        name: "not-followed",
        group: "syntax",
        severity: Info,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports that a parser or a rule crashed on a file: the message names which one. The
    /// other rules and files are still checked.
    ///
    /// ## Why is this bad?
    /// The crashed parser or rule produced nothing for this file, so the findings it would have
    /// reported are missing: the file is not fully checked. This is a bug in maillint (or in
    /// the plugin or rule crate named), not in the file.
    ///
    /// ## Fix
    /// None: please report it, with the file if you can share it.
    pub struct InternalError {
        code: "P004",
        name: "internal-error",
        group: "syntax",
        severity: Error,
        fix: None,
    }
}

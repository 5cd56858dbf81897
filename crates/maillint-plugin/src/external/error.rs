//! What can go wrong when maillint talks to an external plugin, as values: a request that got
//! no usable answer ([`CallError`]) and an answer whose contents do not fit ([`AnswerError`],
//! with the place in the answer, such as `accounts[0].endpoints[1].port`, as its context).
//!
//! The messages complete a sentence that names the plugin (`the `x` parser plugin <message>`),
//! so that the user sees which plugin failed, how, and where in its answer.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitStatus;

use super::digest::DigestError;
use super::process::RunError;
use super::wire::PROTOCOL_VERSION;

/// Why a request got no usable answer (the plugin's name comes before the message).
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The request could not be serialised.
    #[error("the request could not be encoded: {0}")]
    Encode(serde_json::Error),
    /// The command file no longer has its digest (or cannot be read).
    #[error("{0}")]
    Command(DigestError),
    /// The process could not be started.
    #[error("{error} (`{}`)", command.display())]
    Spawn {
        /// Why.
        error: RunError,
        /// The command file.
        command: PathBuf,
    },
    /// The process timed out, wrote too much, or could not be waited for.
    #[error("{0}")]
    Run(RunError),
    /// The process exited with an error.
    #[error("failed ({status}){}{stderr}", own.as_deref().map(|e| format!(": {e}")).unwrap_or_default())]
    Failed {
        /// Its exit status.
        status: ExitStatus,
        /// The `error` its answer carried, if it wrote one (control characters cleaned).
        own: Option<String>,
        /// Its standard error.
        stderr: Stderr,
    },
    /// Nothing but white space on standard output.
    #[error("answered nothing on standard output{stderr}")]
    Silent {
        /// Its standard error.
        stderr: Stderr,
    },
    /// JSON without a numeric `protocol` field.
    #[error("answered without a numeric `protocol` field ({error}){stderr}")]
    NoProtocol {
        /// The decoder's complaint.
        error: serde_json::Error,
        /// Its standard error.
        stderr: Stderr,
    },
    /// Not JSON.
    #[error("answered with invalid JSON ({error}){stderr}")]
    InvalidJson {
        /// The decoder's complaint.
        error: serde_json::Error,
        /// Its standard error.
        stderr: Stderr,
    },
    /// Another protocol version.
    #[error(
        "answered in protocol version {0}, but this maillint speaks version {PROTOCOL_VERSION}"
    )]
    Protocol(u32),
    /// The answer's `error` field: the plugin says it failed.
    #[error("reported an error: {0}")]
    Reported(String),
    /// JSON of protocol 1 that is not the answer to this request.
    #[error("answered with JSON that does not fit protocol {PROTOCOL_VERSION}: {0}")]
    Shape(serde_json::Error),
}

/// The tail of a message about the plugin's standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stderr {
    /// It wrote nothing there.
    Empty,
    /// It is not shown, because the request held a file's text (passwords included).
    Hidden,
    /// Its last non-empty line, control characters cleaned, at most 300 characters.
    Last(String),
}

impl fmt::Display for Stderr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stderr::Empty => Ok(()),
            Stderr::Hidden => f.write_str(
                "; its standard error is not shown because the request held the file's text, \
                 which may contain passwords (run the plugin by hand to see it)",
            ),
            Stderr::Last(line) => write!(f, "; standard error: {line}"),
        }
    }
}

/// An answer that is JSON of the right shape but whose contents do not fit: `at` is the place
/// in the answer (`diagnostics[2]`, `accounts[0].endpoints[1].port`, `describe answer,
/// rules[0]`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// A span of a parse answer names another file than the parsed one.
    #[error("{at}: span names file {file}, but a parse response covers only the parsed file (0)")]
    ForeignFile {
        /// Where.
        at: String,
        /// The file it names.
        file: u32,
    },
    /// A span whose end comes before its start.
    #[error("{at}: span {start}..{end} ends before it starts")]
    Reversed {
        /// Where.
        at: String,
        /// Its start.
        start: usize,
        /// Its end.
        end: usize,
    },
    /// A span past the end of the text.
    #[error("{at}: span {start}..{end} lies outside the text ({len} bytes)")]
    Outside {
        /// Where.
        at: String,
        /// Its start.
        start: usize,
        /// Its end.
        end: usize,
        /// The text's length in bytes.
        len: usize,
    },
    /// A span that starts or ends inside a UTF-8 character.
    #[error(
        "{at}: span {start}..{end} cuts a UTF-8 character (offsets are bytes of the UTF-8 text)"
    )]
    CutsCharacter {
        /// Where.
        at: String,
        /// Its start.
        start: usize,
        /// Its end.
        end: usize,
    },
    /// Two edits of a lower answer overlap.
    #[error("edits[{edit}] overlaps edits[{other}]")]
    Overlap {
        /// The later edit.
        edit: usize,
        /// The earlier one it overlaps.
        other: usize,
    },
    /// A diagnostic or finding of a rule the plugin did not declare.
    #[error("{at} is of the rule `{rule}`, which the plugin did not declare")]
    UndeclaredRule {
        /// Where.
        at: String,
        /// The rule it names.
        rule: String,
    },
    /// A finding with an empty message.
    #[error("{at} has an empty message")]
    EmptyMessage {
        /// Where.
        at: String,
    },
    /// A fix with changes that names no endpoint.
    #[error("{at}: a fix with changes needs `at.endpoint`")]
    FixWithoutEndpoint {
        /// Where.
        at: String,
    },
    /// A location that names no account of the unit.
    #[error("{at}: account {account} does not exist ({count} accounts)")]
    NoAccount {
        /// Where.
        at: String,
        /// The account index.
        account: usize,
        /// How many accounts the unit has.
        count: usize,
    },
    /// A location that names no endpoint of its account.
    #[error("{at}: account {account} has no endpoint {endpoint} ({count} endpoints)")]
    NoEndpoint {
        /// Where.
        at: String,
        /// The account index.
        account: usize,
        /// The endpoint index.
        endpoint: usize,
        /// How many endpoints the account has.
        count: usize,
    },
    /// A location with an endpoint field but no endpoint.
    #[error("{at}: `field = \"{field}\"` needs `endpoint`")]
    FieldWithoutEndpoint {
        /// Where.
        at: String,
        /// The field.
        field: &'static str,
    },
    /// A location that names a value its account or endpoint does not have.
    #[error(
        "{at}: points at the {field} of account {account}{}, which has none",
        endpoint.map(|e| format!(" endpoint {e}")).unwrap_or_default()
    )]
    NoValue {
        /// Where.
        at: String,
        /// The field.
        field: &'static str,
        /// The account index.
        account: usize,
        /// The endpoint index, if any.
        endpoint: Option<usize>,
    },
    /// A parser plugin's describe answer names no client.
    #[error("describe answer: a parser plugin must name its `client`")]
    NoClient,
    /// A client name that is not kebab-case.
    #[error("describe answer: `{0}` is not a kebab-case client name")]
    ClientName(String),
    /// An empty comment leader.
    #[error("describe answer: an empty comment leader")]
    EmptyCommentLeader,
    /// A declared rule name that is not kebab-case.
    #[error("{at}: `{name}` is not a kebab-case rule name")]
    RuleName {
        /// Where.
        at: String,
        /// The name.
        name: String,
    },
    /// A declared rule code that is not one.
    #[error("{at}: `{code}` is not a rule code (one to three upper-case letters and three digits)")]
    RuleCode {
        /// Where.
        at: String,
        /// The code.
        code: String,
    },
    /// A declared rule without a summary.
    #[error("{at}: the summary is empty")]
    EmptySummary {
        /// Where.
        at: String,
    },
    /// A declared group name that is not kebab-case.
    #[error("{at}: `{group}` is not a kebab-case group name")]
    GroupName {
        /// Where.
        at: String,
        /// The group.
        group: String,
    },
    /// A rule name or code declared twice.
    #[error("{at}: the name `{name}` or code `{code}` is declared twice")]
    DeclaredTwice {
        /// Where.
        at: String,
        /// The name.
        name: String,
        /// The code.
        code: String,
    },
    /// A rule plugin that declares no rule.
    #[error("the plugin declares no rules")]
    NoRules,
    /// A file-name glob that does not compile (checked by the table's validation already).
    #[error("{0}")]
    Glob(String),
}

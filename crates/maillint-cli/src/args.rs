//! Command-line arguments (clap). Every flag's help text is its documentation; the man page and
//! shell completions are generated from these definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find, explain, fix and verify mistakes in mail-client configuration (Thunderbird, mutt,
/// Outlook).
#[derive(Debug, Parser)]
#[command(name = "maillint", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check configuration files and folders.
    Check(CheckArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show a rule's documentation.
    Rule {
        /// The rule's name or code (`wrong-provider-host`, `H001`).
        name: String,
        /// Configuration file and extensions (for rules from packs and plugins).
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List the rule packs, provider files and plugins loaded, with their rules.
    Plugins {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Configuration file and extensions.
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List the file formats maillint reads.
    Formats,
    /// List the mail providers maillint knows, or show what it knows for one domain (exit 1
    /// when it knows none).
    Providers(crate::commands::providers::ProvidersArgs),
    /// Find and check every mail client's configuration in home folders.
    Scan(crate::commands::scan::ScanArgs),
    /// Work with scan reports: merge the reports of many hosts.
    Report {
        /// What to do.
        #[command(subcommand)]
        command: crate::commands::report::ReportCommand,
    },
}

/// Rule selection and configuration, shared by `check` and `scan`.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleArgs {
    /// Rules to run, replacing the default set: names, codes or code prefixes, comma-separated
    /// (`H`, `T002`, `tls-disabled`, `ALL`).
    #[arg(long, value_delimiter = ',', value_name = "RULE", help_heading = "Rule selection")]
    pub select: Option<Vec<String>>,

    /// Rules to add to the selected set.
    #[arg(long, value_delimiter = ',', value_name = "RULE", help_heading = "Rule selection")]
    pub extend_select: Vec<String>,

    /// Rules to turn off.
    #[arg(long, value_delimiter = ',', value_name = "RULE", help_heading = "Rule selection")]
    pub ignore: Vec<String>,

    /// Configuration file and extensions.
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Apply `exclude` to files named on the command line too (as pre-commit passes them).
    #[arg(long, help_heading = "Configuration")]
    pub force_exclude: bool,

    /// Ignore inline `maillint: ignore[...]` comments.
    #[arg(long, help_heading = "Configuration")]
    pub no_inline_suppressions: bool,
}

/// Where configuration and extensions come from; shared by every command that lists or runs
/// rules.
#[derive(Debug, Args, Clone, Default)]
pub struct ConfigArgs {
    /// Use this configuration file instead of the closest `maillint.toml`.
    #[arg(long, value_name = "FILE", help_heading = "Configuration", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long, help_heading = "Configuration")]
    pub isolated: bool,

    /// Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable;
    /// added to the configuration's `rule-packs`.
    #[arg(long = "rule-pack", value_name = "FILE", help_heading = "Configuration")]
    pub rule_packs: Vec<PathBuf>,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormatArg {
    /// A graphical report with the source snippet (default).
    Full,
    /// One line per finding: `path:line:col: severity[code/name] message`.
    Concise,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0 (GitHub code scanning and other dashboards).
    Sarif,
    /// JUnit XML (CI test reports).
    Junit,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
}

impl OutputFormatArg {
    /// The report crate's format.
    pub fn format(self) -> maillint_report::OutputFormat {
        use maillint_report::OutputFormat as F;
        match self {
            OutputFormatArg::Full => F::Full,
            OutputFormatArg::Concise => F::Concise,
            OutputFormatArg::Json => F::Json,
            OutputFormatArg::JsonLines => F::JsonLines,
            OutputFormatArg::Github => F::Github,
            OutputFormatArg::Sarif => F::Sarif,
            OutputFormatArg::Junit => F::Junit,
            OutputFormatArg::Gitlab => F::Gitlab,
        }
    }
}

/// When to use colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour output that goes to a terminal when `to_terminal` (`NO_COLOR`, when
    /// set and not empty, turns `auto` off: no-color.org).
    pub fn enabled(self, to_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and folders to check (folders are walked; there a file whose extension names
    /// another format, such as `.md`, `.json` or `.sqlite`, is known by its name only, never
    /// read). Default: the current folder. `-` reads standard input (see --stdin-filename).
    pub paths: Vec<PathBuf>,

    /// The file standard input stands for (`maillint check - --stdin-filename prefs.js`): it
    /// decides the format, the configuration and where referenced files are found. With
    /// --fix, the fixed text is written to standard output and the remaining findings to
    /// standard error.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormatArg::Full)]
    pub output_format: OutputFormatArg,

    /// Write the findings to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Print how many findings each rule produced instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// `--baseline` and `--write-baseline`.
    #[command(flatten)]
    pub baseline: BaselineArgs,

    /// Rule selection and configuration.
    #[command(flatten)]
    pub rules: RuleArgs,

    /// The home folder `~` stands for in the checked files (mutt's `source ~/...`), relative to
    /// the current folder (`--home .` at the root of a dotfiles repository). It overrides
    /// `home` in maillint.toml. maillint never reads the environment of the process, so
    /// without either such paths are not followed.
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Apply safe fixes to the files (atomically; encoding, BOM, line endings and
    /// permissions are kept).
    #[arg(long)]
    pub fix: bool,

    /// With `--fix` or `--diff`, also apply unsafe fixes (switching to OAuth2, replacing a
    /// look-alike host); alone, count them as fixable in the summary.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what the fixes would change and write nothing (exit 1 when
    /// anything would change).
    #[arg(long)]
    pub diff: bool,

    /// List the fixes that were applied.
    #[arg(long)]
    pub show_fixes: bool,

    /// With `--fix`, exit with 1 when a file was changed, even if no finding remains (as a
    /// pre-commit hook does, so that the fixed files are reviewed before they are committed).
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,

    /// Print the findings and errors only: no summary footer, no notices, no warning that
    /// no file was recognised.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Exit with 2 instead of 0 when no file maillint recognises was found in the paths
    /// given (a warning is printed either way).
    #[arg(long)]
    pub error_on_no_files: bool,

    /// Print the settings that hold for the first path (in sorted order: `maillint check
    /// --show-settings FILE`), each with the configuration files (or the command line) that
    /// set it, and the rules that run; check nothing.
    #[arg(long, help_heading = "Configuration", conflicts_with = "show_files")]
    pub show_settings: bool,

    /// Print the files that would be checked, one per line with the format detected
    /// (`path<TAB>format`), after `exclude`; check nothing.
    #[arg(long, help_heading = "Configuration")]
    pub show_files: bool,

    /// Live verification of the servers the files name.
    #[command(flatten)]
    pub live: VerifyArgs,

    /// Exit code, colour and threads.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Baselines, shared by `check` and `scan`.
#[derive(Debug, Args, Clone, Default)]
pub struct BaselineArgs {
    /// Report only the findings this baseline (written by --write-baseline) does not list;
    /// the ones it lists that are gone are counted as fixed.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub baseline: Option<PathBuf>,

    /// Write every finding of this run to FILE as the baseline of later runs (keyed on the
    /// file, rule, account, host and port, and the user for `scan`: not on lines).
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub write_baseline: Option<PathBuf>,
}

/// How a run behaves besides what it checks: exit code, colour, threads. Shared by `check`
/// and `scan`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Exit with 0 even when findings remain (2 still reports errors).
    #[arg(long)]
    pub exit_zero: bool,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,

    /// The largest file to read, in bytes (default: `max-file-size` in maillint.toml, or 32
    /// MiB). A larger file is reported, not read.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_size: Option<u64>,
}

impl RunArgs {
    /// The reading limits for this run: `--max-file-size`, else the configuration's, else
    /// the default. A unit may always read at least one file of the largest size.
    pub fn read_limits(&self, configured: Option<u64>) -> maillint_core::ReadLimits {
        let mut limits = maillint_core::ReadLimits::default();
        if let Some(max) = self.max_file_size.or(configured) {
            limits.max_file_bytes = max;
            limits.max_unit_bytes = limits.max_unit_bytes.max(max);
        }
        limits
    }
}

/// The limits of `scan` on what one home may read, all its units together.
#[derive(Debug, Args)]
pub struct HomeLimitArgs {
    /// The most bytes read in one home (default: `max-home-size` in maillint.toml, or 128
    /// MiB). Past it, nothing more of the home is read, a problem says so, and the scan goes
    /// on with the next home.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_home_size: Option<u64>,

    /// The most files opened in one home (default: `max-home-files` in maillint.toml, or
    /// 10000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_home_files: Option<u64>,
}

impl HomeLimitArgs {
    /// The options of a scan whose files may each be `max_file_size` bytes: the flags, else
    /// the configuration's values, else the defaults (the default size grows to fit one file
    /// of the largest size; a size given is taken as it is).
    pub fn scan_options(
        &self,
        settings: &maillint_config::Settings,
        max_file_size: u64,
    ) -> maillint_scan::ScanOptions {
        let defaults = maillint_scan::ScanOptions::default();
        let max_home_bytes = self.max_home_size.or(settings.max_home_size);
        let max_home_files = self.max_home_files.map(|n| n as usize).or(settings.max_home_files);
        maillint_scan::ScanOptions {
            max_file_size,
            max_home_bytes: max_home_bytes
                .unwrap_or_else(|| defaults.max_home_bytes.max(max_file_size)),
            max_home_files: max_home_files.unwrap_or(defaults.max_home_files),
            ..defaults
        }
    }
}

/// `--verify` and its settings, shared by `check` and `scan`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Connect to every server the files name and check TLS, the certificate, the greeting
    /// and the capabilities. Never sends a credential. Off unless given.
    #[arg(long, help_heading = "Live verification")]
    pub verify: bool,

    /// How many servers to probe at once.
    #[arg(long, default_value_t = 32, value_name = "N", help_heading = "Live verification")]
    pub verify_concurrency: usize,

    /// Seconds allowed for one probe (connect, TLS, greeting, capabilities).
    #[arg(
        long,
        default_value_t = 10.0,
        value_name = "SECONDS",
        help_heading = "Live verification"
    )]
    pub verify_timeout: f64,

    /// Use ADDRESS for HOST:PORT instead of DNS, as curl does; SNI and the certificate check
    /// still use HOST. Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDRESS", help_heading = "Live verification")]
    pub resolve: Vec<String>,

    /// Trust only the certificates in this PEM file (instead of the system's roots).
    #[arg(long, value_name = "PEM", help_heading = "Live verification")]
    pub ca_file: Option<PathBuf>,

    /// Say more: with --verify, a line for every server that passed.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Arguments of `rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Configuration file and extensions (for rules from packs and plugins).
    #[command(flatten)]
    pub config: ConfigArgs,
}

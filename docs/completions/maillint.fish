# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_maillint_global_optspecs
    string join \n h/help V/version
end

function __fish_maillint_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_maillint_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_maillint_using_subcommand
    set -l cmd (__fish_maillint_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c maillint -n "__fish_maillint_needs_command" -s h -l help -d 'Print help'
complete -c maillint -n "__fish_maillint_needs_command" -s V -l version -d 'Print version'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "check" -d 'Check configuration files and folders'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "rules" -d 'List every rule'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "rule" -d 'Show a rule\'s documentation'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "plugins" -d 'List the rule packs, provider files and plugins loaded, with their rules'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "formats" -d 'List the file formats maillint reads'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "providers" -d 'List the mail providers maillint knows, or show what it knows for one domain (exit 1 when it knows none)'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "scan" -d 'Find and check every mail client\'s configuration in home folders'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "report" -d 'Work with scan reports: merge the reports of many hosts'
complete -c maillint -n "__fish_maillint_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l stdin-filename -d 'The file standard input stands for (`maillint check - --stdin-filename prefs.js`): it decides the format, the configuration and where referenced files are found. With --fix, the fixed text is written to standard output and the remaining findings to standard error' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l output-format -d 'How to print findings' -r -f -a "full\t'A graphical report with the source snippet (default)'
concise\t'One line per finding: `path:line:col: severity[code/name] message`'
json\t'One JSON array'
json-lines\t'One JSON object per line'
github\t'GitHub Actions workflow annotations'
sarif\t'SARIF 2.1.0 (GitHub code scanning and other dashboards)'
junit\t'JUnit XML (CI test reports)'
gitlab\t'GitLab Code Quality JSON (`artifacts: reports: codequality`)'"
complete -c maillint -n "__fish_maillint_using_subcommand check" -s o -l output-file -d 'Write the findings to FILE instead of standard output' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l baseline -d 'Report only the findings this baseline (written by --write-baseline) does not list; the ones it lists that are gone are counted as fixed' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l write-baseline -d 'Write every finding of this run to FILE as the baseline of later runs (keyed on the file, rule, account, host and port, and the user for `scan`: not on lines)' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l select -d 'Rules to run, replacing the default set: names, codes or code prefixes, comma-separated (`H`, `T002`, `tls-disabled`, `ALL`)' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l extend-select -d 'Rules to add to the selected set' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l ignore -d 'Rules to turn off' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l config -d 'Use this configuration file instead of the closest `maillint.toml`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l rule-pack -d 'Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable; added to the configuration\'s `rule-packs`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l home -d 'The home folder `~` stands for in the checked files (mutt\'s `source ~/...`), relative to the current folder (`--home .` at the root of a dotfiles repository). It overrides `home` in maillint.toml. maillint never reads the environment of the process, so without either such paths are not followed' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l verify-concurrency -d 'How many servers to probe at once' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l verify-timeout -d 'Seconds allowed for one probe (connect, TLS, greeting, capabilities)' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l resolve -d 'Use ADDRESS for HOST:PORT instead of DNS, as curl does; SNI and the certificate check still use HOST. Repeatable' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l ca-file -d 'Trust only the certificates in this PEM file (instead of the system\'s roots)' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand check" -l color -d 'When to use colour' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c maillint -n "__fish_maillint_using_subcommand check" -s j -l threads -d 'Worker threads (0: one per core)' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l max-file-size -d 'The largest file to read, in bytes (default: `max-file-size` in maillint.toml, or 32 MiB). A larger file is reported, not read' -r
complete -c maillint -n "__fish_maillint_using_subcommand check" -l statistics -d 'Print how many findings each rule produced instead of the findings'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l isolated -d 'Ignore every configuration file'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l force-exclude -d 'Apply `exclude` to files named on the command line too (as pre-commit passes them)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l no-inline-suppressions -d 'Ignore inline `maillint: ignore[...]` comments'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l fix -d 'Apply safe fixes to the files (atomically; encoding, BOM, line endings and permissions are kept)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l unsafe-fixes -d 'With `--fix` or `--diff`, also apply unsafe fixes (switching to OAuth2, replacing a look-alike host); alone, count them as fixable in the summary'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l diff -d 'Print a unified diff of what the fixes would change and write nothing (exit 1 when anything would change)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l show-fixes -d 'List the fixes that were applied'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l exit-non-zero-on-fix -d 'With `--fix`, exit with 1 when a file was changed, even if no finding remains (as a pre-commit hook does, so that the fixed files are reviewed before they are committed)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -s q -l quiet -d 'Print the findings and errors only: no summary footer, no notices, no warning that no file was recognised'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l error-on-no-files -d 'Exit with 2 instead of 0 when no file maillint recognises was found in the paths given (a warning is printed either way)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l show-settings -d 'Print the settings that hold for the first path (in sorted order: `maillint check --show-settings FILE`), each with the configuration files (or the command line) that set it, and the rules that run; check nothing'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l show-files -d 'Print the files that would be checked, one per line with the format detected (`path<TAB>format`), after `exclude`; check nothing'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l verify -d 'Connect to every server the files name and check TLS, the certificate, the greeting and the capabilities. Never sends a credential. Off unless given'
complete -c maillint -n "__fish_maillint_using_subcommand check" -s v -l verbose -d 'Say more: with --verify, a line for every server that passed'
complete -c maillint -n "__fish_maillint_using_subcommand check" -l exit-zero -d 'Exit with 0 even when findings remain (2 still reports errors)'
complete -c maillint -n "__fish_maillint_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c maillint -n "__fish_maillint_using_subcommand rules" -l config -d 'Use this configuration file instead of the closest `maillint.toml`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand rules" -l rule-pack -d 'Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable; added to the configuration\'s `rule-packs`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand rules" -l json -d 'Print JSON instead of a table'
complete -c maillint -n "__fish_maillint_using_subcommand rules" -l isolated -d 'Ignore every configuration file'
complete -c maillint -n "__fish_maillint_using_subcommand rules" -s h -l help -d 'Print help'
complete -c maillint -n "__fish_maillint_using_subcommand rule" -l config -d 'Use this configuration file instead of the closest `maillint.toml`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand rule" -l rule-pack -d 'Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable; added to the configuration\'s `rule-packs`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand rule" -l isolated -d 'Ignore every configuration file'
complete -c maillint -n "__fish_maillint_using_subcommand rule" -s h -l help -d 'Print help'
complete -c maillint -n "__fish_maillint_using_subcommand plugins" -l config -d 'Use this configuration file instead of the closest `maillint.toml`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand plugins" -l rule-pack -d 'Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable; added to the configuration\'s `rule-packs`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand plugins" -l json -d 'Print JSON instead of text'
complete -c maillint -n "__fish_maillint_using_subcommand plugins" -l isolated -d 'Ignore every configuration file'
complete -c maillint -n "__fish_maillint_using_subcommand plugins" -s h -l help -d 'Print help'
complete -c maillint -n "__fish_maillint_using_subcommand formats" -s h -l help -d 'Print help'
complete -c maillint -n "__fish_maillint_using_subcommand providers" -l output-format -d 'Output format' -r -f -a "text\t'Aligned text (default)'
json\t'One JSON document'"
complete -c maillint -n "__fish_maillint_using_subcommand providers" -l config -d 'Use this configuration file instead of the closest `maillint.toml`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand providers" -l rule-pack -d 'Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable; added to the configuration\'s `rule-packs`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand providers" -l isolated -d 'Ignore every configuration file'
complete -c maillint -n "__fish_maillint_using_subcommand providers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l all-users -d 'Scan every folder under ROOT as a user\'s home. Without ROOT: `/home`, and `/Users` where it exists' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l output-format -d 'How to print findings' -r -f -a "full\t'A header per user, then graphical reports with the source snippet (default)'
concise\t'One line per finding: `[user/client] path:line:col: severity[code/name] message`'
json\t'One JSON array; each object has `user` and `client`'
json-lines\t'One JSON object per line; each has `user` and `client`'
github\t'GitHub Actions workflow annotations'
sarif\t'SARIF 2.1.0 (GitHub code scanning and other dashboards)'
junit\t'JUnit XML (CI test reports)'
report-json\t'The scan report as one JSON document: totals, users, servers, rules, problems and the findings (schema: docs/schemas/scan-report.schema.json)'
csv\t'One CSV row per finding (user, client, path, line, column, severity, code, rule, message, and the account, protocol, host and port it is about), for a spreadsheet'
html\t'The scan report as one self-contained HTML page (charts, sortable tables, each finding with its explanation and fix); use with `-o report.html`'"
complete -c maillint -n "__fish_maillint_using_subcommand scan" -s o -l output-file -d 'Write the output to FILE instead of standard output' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l baseline -d 'Report only the findings this baseline (written by --write-baseline) does not list; the ones it lists that are gone are counted as fixed' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l write-baseline -d 'Write every finding of this run to FILE as the baseline of later runs (keyed on the file, rule, account, host and port, and the user for `scan`: not on lines)' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l select -d 'Rules to run, replacing the default set: names, codes or code prefixes, comma-separated (`H`, `T002`, `tls-disabled`, `ALL`)' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l extend-select -d 'Rules to add to the selected set' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l ignore -d 'Rules to turn off' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l config -d 'Use this configuration file instead of the closest `maillint.toml`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l rule-pack -d 'Load a rule pack (TOML rules over the account model; see docs/plugins.md). Repeatable; added to the configuration\'s `rule-packs`' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l color -d 'When to use colour' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c maillint -n "__fish_maillint_using_subcommand scan" -s j -l threads -d 'Worker threads (0: one per core)' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l max-file-size -d 'The largest file to read, in bytes (default: `max-file-size` in maillint.toml, or 32 MiB). A larger file is reported, not read' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l max-home-size -d 'The most bytes read in one home (default: `max-home-size` in maillint.toml, or 128 MiB). Past it, nothing more of the home is read, a problem says so, and the scan goes on with the next home' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l max-home-files -d 'The most files opened in one home (default: `max-home-files` in maillint.toml, or 10000)' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l verify-concurrency -d 'How many servers to probe at once' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l verify-timeout -d 'Seconds allowed for one probe (connect, TLS, greeting, capabilities)' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l resolve -d 'Use ADDRESS for HOST:PORT instead of DNS, as curl does; SNI and the certificate check still use HOST. Repeatable' -r
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l ca-file -d 'Trust only the certificates in this PEM file (instead of the system\'s roots)' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l summary-only -d 'Print the report without the findings: the summary (full, concise), or report-json without its `findings`'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l statistics -d 'Print how many findings each rule produced instead of the findings'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -s q -l quiet -d 'Print the findings and errors only: no summary at the end, no notices'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l isolated -d 'Ignore every configuration file'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l force-exclude -d 'Apply `exclude` to files named on the command line too (as pre-commit passes them)'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l no-inline-suppressions -d 'Ignore inline `maillint: ignore[...]` comments'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l exit-zero -d 'Exit with 0 even when findings remain (2 still reports errors)'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -l verify -d 'Connect to every server the files name and check TLS, the certificate, the greeting and the capabilities. Never sends a credential. Off unless given'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -s v -l verbose -d 'Say more: with --verify, a line for every server that passed'
complete -c maillint -n "__fish_maillint_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c maillint -n "__fish_maillint_using_subcommand report; and not __fish_seen_subcommand_from merge help" -s h -l help -d 'Print help'
complete -c maillint -n "__fish_maillint_using_subcommand report; and not __fish_seen_subcommand_from merge help" -f -a "merge" -d 'Merge the scan reports (report-json) of many hosts into one, with the host as a column'
complete -c maillint -n "__fish_maillint_using_subcommand report; and not __fish_seen_subcommand_from merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c maillint -n "__fish_maillint_using_subcommand report; and __fish_seen_subcommand_from merge" -l output-format -d 'What to write' -r -f -a "report-json\t'The merged report as one JSON document (the same schema as a scan\'s)'
html\t'The merged report as one self-contained HTML page'
summary\t'The one-screen text summary'
json\t'The findings as one JSON array, each with its `host` and `user`'
json-lines\t'The findings, one JSON object per line'"
complete -c maillint -n "__fish_maillint_using_subcommand report; and __fish_seen_subcommand_from merge" -s o -l output-file -d 'Write to FILE instead of standard output' -r -F
complete -c maillint -n "__fish_maillint_using_subcommand report; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c maillint -n "__fish_maillint_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Merge the scan reports (report-json) of many hosts into one, with the host as a column'
complete -c maillint -n "__fish_maillint_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "check" -d 'Check configuration files and folders'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "rules" -d 'List every rule'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "rule" -d 'Show a rule\'s documentation'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "plugins" -d 'List the rule packs, provider files and plugins loaded, with their rules'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "formats" -d 'List the file formats maillint reads'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "providers" -d 'List the mail providers maillint knows, or show what it knows for one domain (exit 1 when it knows none)'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "scan" -d 'Find and check every mail client\'s configuration in home folders'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "report" -d 'Work with scan reports: merge the reports of many hosts'
complete -c maillint -n "__fish_maillint_using_subcommand help; and not __fish_seen_subcommand_from check rules rule plugins formats providers scan report help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c maillint -n "__fish_maillint_using_subcommand help; and __fish_seen_subcommand_from report" -f -a "merge" -d 'Merge the scan reports (report-json) of many hosts into one, with the host as a column'

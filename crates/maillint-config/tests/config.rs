//! End-to-end tests of the configuration: discovery on a real folder tree, error positions,
//! precedence of the command line, rule resolution, globs and provider files.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use maillint_config::{
    ConfigFinder, ConfigSource, Overrides, RuleError, Settings, find_config, json_schema,
    options::KEYS,
};
use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{RuleRegistry, Severity, declare_rule};

declare_rule! {
    /// ## What it does
    /// Test rule.
    pub struct TlsDisabled { code: "T001", name: "tls-disabled", group: "tls", severity: Error, fix: Always }
}
declare_rule! {
    /// ## What it does
    /// Test rule.
    pub struct StarttlsOptional { code: "T002", name: "starttls-optional", group: "tls", severity: Warning, fix: Sometimes }
}
declare_rule! {
    /// ## What it does
    /// Test rule.
    pub struct WrongHost { code: "H001", name: "wrong-provider-host", group: "host", severity: Error, fix: Sometimes }
}

fn registry() -> RuleRegistry {
    let mut r = RuleRegistry::new();
    for meta in [
        ParseError::metadata(),
        IoError::metadata(),
        NotFollowed::metadata(),
        TlsDisabled::metadata(),
        StarttlsOptional::metadata(),
        WrongHost::metadata(),
    ] {
        r.register_meta(Arc::clone(meta)).unwrap();
    }
    r
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn settings_from(
    dir: &Path,
    text: &str,
    overrides: &Overrides,
) -> Result<Settings, maillint_config::ConfigError> {
    write(&dir.join("maillint.toml"), text);
    Settings::resolve(&ConfigSource::Discover(dir.join("muttrc")), overrides)
}

#[test]
fn the_closest_file_wins_and_plain_name_beats_dotted() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(&root.join("maillint.toml"), "ignore = [\"T\"]\n");
    write(&root.join("a/b/.maillint.toml"), "ignore = [\"H\"]\n");
    write(&root.join("a/b/c/muttrc"), "set x = 1\n");
    let found = find_config(&root.join("a/b/c/muttrc")).unwrap().unwrap();
    assert_eq!(found, root.join("a/b/.maillint.toml"));
    assert_eq!(find_config(&root.join("a/muttrc")).unwrap().unwrap(), root.join("maillint.toml"));
    // A folder is searched itself first.
    assert_eq!(find_config(&root.join("a/b")).unwrap().unwrap(), root.join("a/b/.maillint.toml"));
    write(&root.join("a/b/maillint.toml"), "");
    assert_eq!(
        find_config(&root.join("a/b/c/muttrc")).unwrap().unwrap(),
        root.join("a/b/maillint.toml")
    );

    // The settings come from the closest file only (no merging): H is ignored, T is not.
    let settings = Settings::resolve(
        &ConfigSource::Discover(root.join("a/b/c/muttrc")),
        &Overrides::default(),
    )
    .unwrap();
    let rules = settings.rules(&registry()).unwrap();
    assert!(rules.enabled.contains("tls-disabled"));
    assert_eq!(settings.root, root.join("a/b"));
}

#[test]
fn the_finder_answers_as_find_config_in_any_order_and_remembers_each_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(&root.join("maillint.toml"), "");
    write(&root.join("a/b/.maillint.toml"), "");
    write(&root.join("a/b/maillint.toml"), "");
    write(&root.join("a/b/c/d/.maillint.toml"), "");
    let paths = [
        "a/b/c/d/e/muttrc",
        "a/b/c/muttrc",
        "a/muttrc",
        "a/b/c/d",
        "x/y/muttrc",
        "a/b/c/d/muttrc",
        "a/b",
        "a/b/c/x/muttrc",
    ];
    let expected: Vec<_> = paths.iter().map(|p| find_config(&root.join(p)).unwrap()).collect();
    assert_eq!(expected[0], Some(root.join("a/b/c/d/.maillint.toml")));
    assert_eq!(expected[1], Some(root.join("a/b/maillint.toml")));
    assert_eq!(expected[4], Some(root.join("maillint.toml")));
    // Forwards, backwards and deepest-first: the nearest file wins whatever was asked before.
    for order in [paths.to_vec(), paths.iter().rev().copied().collect()] {
        let mut finder = ConfigFinder::new();
        for path in &order {
            let at = paths.iter().position(|p| p == path).unwrap();
            assert_eq!(finder.find(&root.join(path)).unwrap(), expected[at], "{path}");
        }
    }
    // A folder's answer is remembered: the folders above a unit are searched once per run.
    let mut finder = ConfigFinder::new();
    assert_eq!(finder.find(&root.join("a/b/c/muttrc")).unwrap(), expected[1]);
    std::fs::remove_file(root.join("a/b/maillint.toml")).unwrap();
    assert_eq!(finder.find(&root.join("a/b/c/other")).unwrap(), expected[1]);
    assert_eq!(
        find_config(&root.join("a/b/c/other")).unwrap(),
        Some(root.join("a/b/.maillint.toml"))
    );
}

/// A folder a walk listed (and saw no configuration file in) is not looked into: the answer
/// comes from above it. Every other folder is looked into as by `find`.
#[test]
fn the_finder_skips_only_the_folders_a_walk_vouches_for() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(&root.join("maillint.toml"), "");
    write(&root.join("a/b/maillint.toml"), "");
    let file = root.join("a/b/c/muttrc");
    let asked = std::cell::RefCell::new(Vec::new());
    let vouched = |folder: &Path| {
        asked.borrow_mut().push(folder.to_path_buf());
        folder == root.join("a/b/c") || folder == root.join("a/b")
    };
    let mut finder = ConfigFinder::new();
    // `a/b` is vouched for as holding none, so the search goes on to the top file: what a
    // walk's listing says is taken as it is, for every folder it vouches for.
    assert_eq!(finder.find_for_file(&file, vouched).unwrap(), Some(root.join("maillint.toml")));
    assert_eq!(asked.borrow()[..2], [root.join("a/b/c"), root.join("a/b")]);
    // Nothing vouched for: the same answer as `find`, and a file that does not exist is
    // searched from its folder.
    for path in [file.clone(), root.join("a/b/c/gone.rc")] {
        let mut finder = ConfigFinder::new();
        let found = finder.find_for_file(&path, |_| false).unwrap();
        assert_eq!(found, find_config(&path).unwrap());
        assert_eq!(found, Some(root.join("a/b/maillint.toml")));
    }
}

#[test]
fn isolated_and_explicit_files() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("maillint.toml"), "ignore = [\"ALL\"]\n");
    let isolated = Settings::resolve(&ConfigSource::Isolated, &Overrides::default()).unwrap();
    assert!(isolated.config_file.is_none());
    assert!(isolated.rules(&registry()).unwrap().enabled.contains("tls-disabled"));

    let elsewhere = tmp.path().join("conf/custom.toml");
    write(&elsewhere, "select = [\"H001\"]\n");
    let explicit =
        Settings::resolve(&ConfigSource::File(elsewhere.clone()), &Overrides::default()).unwrap();
    assert_eq!(explicit.root, tmp.path().join("conf"));
    let enabled = explicit.rules(&registry()).unwrap().enabled;
    assert_eq!(enabled.names().collect::<Vec<_>>(), ["wrong-provider-host"]);

    let missing =
        Settings::resolve(&ConfigSource::File(tmp.path().join("nope.toml")), &Overrides::default())
            .unwrap_err();
    assert!(
        missing.to_string().contains("nope.toml: cannot read the configuration file"),
        "{missing}"
    );
}

#[test]
fn unknown_keys_name_file_line_column_and_the_closest_key() {
    let tmp = tempfile::tempdir().unwrap();
    let err = settings_from(
        tmp.path(),
        "# comment\nignore = []\nextend_select = [\"T\"]\n",
        &Overrides::default(),
    )
    .unwrap_err();
    assert_eq!((err.line, err.column), (Some(3), Some(1)));
    assert_eq!(err.field.as_deref(), Some("extend_select"));
    assert!(err.message.contains("unknown field `extend_select`"), "{}", err.message);
    assert!(err.message.contains("did you mean `extend-select`?"), "{}", err.message);
    assert!(err.to_string().contains("maillint.toml:3:1: extend_select: unknown field"), "{err}");
}

#[test]
fn wrong_types_and_values_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let err = settings_from(tmp.path(), "select = \"T\"\n", &Overrides::default()).unwrap_err();
    assert_eq!((err.line, err.column, err.field.as_deref()), (Some(1), Some(10), Some("select")));

    let err =
        settings_from(tmp.path(), "[severity]\ntls-disabled = \"warn\"\n", &Overrides::default())
            .unwrap_err();
    assert_eq!((err.line, err.field.as_deref()), (Some(2), Some("severity.tls-disabled")));
    assert!(err.message.contains("unknown variant `warn`"), "{}", err.message);

    let err = settings_from(tmp.path(), "exclude = [\"ok\", \"a[b\"]\n", &Overrides::default())
        .unwrap_err();
    assert_eq!((err.line, err.column), (Some(1), Some(18)));
    assert!(err.message.contains("invalid glob `a[b`"), "{}", err.message);

    let err = settings_from(tmp.path(), "select = [\n", &Overrides::default()).unwrap_err();
    assert!(err.line.is_some(), "syntax errors are located too: {err}");
}

#[test]
fn unknown_rules_in_the_file_are_config_errors_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_from(
        tmp.path(),
        "select = [\"T\"]\n\n[severity]\ntls-disabld = \"info\"\n",
        &Overrides::default(),
    )
    .unwrap();
    match settings.rules(&registry()).unwrap_err() {
        RuleError::Config(e) => {
            assert_eq!(
                (e.line, e.column, e.field.as_deref()),
                (Some(4), Some(1), Some("severity"))
            );
            assert!(e.message.contains("did you mean `tls-disabled`?"), "{}", e.message);
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    // The same mistake on the command line is a usage error.
    let cli = Overrides { ignore: vec!["wrong-providr-host".into()], ..Overrides::default() };
    let settings = settings_from(tmp.path(), "", &cli).unwrap();
    match settings.rules(&registry()).unwrap_err() {
        RuleError::CommandLine(e) => {
            assert_eq!(e.suggestion.as_deref(), Some("wrong-provider-host"))
        }
        other => panic!("expected a usage error, got {other:?}"),
    }
}

#[test]
fn command_line_select_replaces_the_file_and_other_flags_add_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "select = [\"T\"]\nextend-select = [\"H\"]\nignore = [\"T002\"]\n";
    let names = |overrides: &Overrides| {
        let settings = settings_from(tmp.path(), text, overrides).unwrap();
        let enabled = settings.rules(&registry()).unwrap().enabled;
        enabled.names().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(names(&Overrides::default()), ["tls-disabled", "wrong-provider-host"]);
    assert_eq!(
        names(&Overrides {
            ignore: vec!["tls-disabled".into()],
            extend_select: vec!["P001".into()],
            ..Default::default()
        }),
        ["parse-error", "wrong-provider-host"]
    );
    assert_eq!(
        names(&Overrides { select: Some(vec!["T002".into()]), ..Default::default() }),
        ["starttls-optional"]
    );
}

#[test]
fn specific_severity_overrides_beat_broad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "[severity]\nT001 = \"info\"\nT = \"warning\"\nALL = \"error\"\n";
    let settings = settings_from(tmp.path(), text, &Overrides::default()).unwrap();
    let overrides = settings.rules(&registry()).unwrap().severity_overrides;
    assert_eq!(overrides["tls-disabled"], Severity::Info);
    assert_eq!(overrides["starttls-optional"], Severity::Warning);
    assert_eq!(overrides["wrong-provider-host"], Severity::Error);
}

#[test]
fn per_file_ignores_match_names_anywhere_and_paths_from_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let text =
        "[per-file-ignores]\n\"legacy/*.prf\" = [\"T\"]\n\"user.js\" = [\"wrong-provider-host\"]\n";
    let settings = settings_from(root, text, &Overrides::default()).unwrap();
    let ignores = settings.rules(&registry()).unwrap().per_file_ignores;
    assert!(ignores.is_ignored(&root.join("legacy/a.prf"), "tls-disabled"));
    assert!(ignores.is_ignored(&root.join("legacy/a.prf"), "starttls-optional"));
    assert!(!ignores.is_ignored(&root.join("legacy/a.prf"), "wrong-provider-host"));
    assert!(!ignores.is_ignored(&root.join("other/a.prf"), "tls-disabled"));
    assert!(ignores.is_ignored(&root.join("profiles/x/user.js"), "wrong-provider-host"));
    assert_eq!(
        ignores.ignored(&root.join("legacy/a.prf")).into_iter().collect::<Vec<_>>(),
        ["starttls-optional", "tls-disabled"]
    );

    let err =
        settings_from(root, "[per-file-ignores]\n\"a/*\" = [\"T9\"]\n", &Overrides::default())
            .unwrap()
            .rules(&registry())
            .unwrap_err();
    assert!(
        err.to_string().contains("maillint.toml:2:10: per-file-ignores: unknown rule or code `T9`"),
        "{err}"
    );
}

#[test]
fn exclude_applies_to_named_files_only_with_force_exclude() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let settings = settings_from(
        root,
        "exclude = [\"backup\"]\nextend-exclude = [\"old/*.reg\"]\n",
        &Overrides::default(),
    )
    .unwrap();
    assert!(settings.is_excluded(&root.join("backup/muttrc")));
    assert!(settings.is_excluded(&root.join("old/a.reg")));
    assert!(!settings.is_excluded(&root.join("muttrc")));
    assert!(settings.should_check(&root.join("backup/muttrc"), true), "named files are checked");
    assert!(!settings.should_check(&root.join("backup/muttrc"), false), "walked files are not");

    let forced = settings_from(
        root,
        "exclude = [\"backup\"]\n",
        &Overrides { force_exclude: true, ..Default::default() },
    )
    .unwrap();
    assert!(!forced.should_check(&root.join("backup/muttrc"), true));
    let in_file = settings_from(
        root,
        "exclude = [\"backup\"]\nforce-exclude = true\n",
        &Overrides::default(),
    )
    .unwrap();
    assert!(!in_file.should_check(&root.join("backup/muttrc"), true));
}

#[test]
fn provider_files_and_rule_packs_are_relative_to_the_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        &root.join("providers/corp.toml"),
        "id = \"corp\"\nname = \"Corp\"\nmail-domains = [\"corp.example\"]\n\n[[server]]\nprotocol = \"imap\"\nhost = \"imap.corp.example\"\nport = 993\nsecurity = \"implicit-tls\"\n",
    );
    let text = "provider-files = [\"providers/corp.toml\"]\nrule-packs = [\"packs/site.toml\"]\ntrusted-hosts = [\"relay.corp.example\"]\n";
    let settings = settings_from(root, text, &Overrides::default()).unwrap();
    assert_eq!(settings.providers.len(), 1);
    let mut db = maillint_core::ProviderDb::new();
    settings.add_providers_to(&mut db);
    assert_eq!(db.by_mail_domain("corp.example").unwrap().id, "corp");
    assert_eq!(settings.rule_packs, [root.join("packs/site.toml")]);
    assert_eq!(settings.rule_settings.trusted_hosts, ["relay.corp.example"]);

    // A broken provider file is reported at its own line.
    write(
        &root.join("providers/bad.toml"),
        "id = \"bad\"\nname = \"Bad\"\n[[server]]\nprotocol = \"imapx\"\n",
    );
    let err =
        settings_from(root, "provider-files = [\"providers/bad.toml\"]\n", &Overrides::default())
            .unwrap_err();
    assert!(err.path.ends_with("providers/bad.toml"), "{err}");
    assert_eq!(err.line, Some(4));
    // A missing one is reported at the config line that names it.
    let err = settings_from(
        root,
        "\nprovider-files = [\"providers/none.toml\"]\n",
        &Overrides::default(),
    )
    .unwrap_err();
    assert_eq!(
        (err.line, err.column, err.field.as_deref()),
        (Some(2), Some(19), Some("provider-files"))
    );
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/maillint.schema.json");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == json_schema(),
        "{} is stale or missing: run `cargo xtask docs`",
        path.display()
    );
}

#[test]
fn the_key_list_matches_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    let mut properties: Vec<&str> =
        schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    properties.sort_unstable();
    let mut keys = KEYS.to_vec();
    keys.sort_unstable();
    assert_eq!(properties, keys);
    assert_eq!(schema["additionalProperties"], false);
}

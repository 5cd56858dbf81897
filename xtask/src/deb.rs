//! `cargo xtask deb [--profile NAME] [--install-check]`: the `.deb` of maillint, built with
//! `dpkg-deb --build` from the cargo-deb metadata (`[package.metadata.deb]` in
//! crates/maillint-cli/Cargo.toml), so `cargo deb` would build the same package.
//!
//! Why not cargo-deb itself: it is not on a fresh machine, and `cargo install cargo-deb` would
//! compile it on every CI run, while `dpkg-deb` and `dpkg-shlibdeps` come with Debian. One
//! code path serves CI (the release binary, `--install-check`) and the release workflow
//! (`--profile dist`), so the package CI installs is built the way the released one is.
//!
//! `--install-check` installs the package with `dpkg -i`, runs the installed
//! `/usr/bin/maillint --version`, checks that the man pages and completions are where the
//! package says, and removes the package again (`dpkg -r`). It needs root.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One `assets` entry of the metadata: source (relative to the crate folder, or
/// `target/release/...` for a built file), destination, octal mode.
struct Asset {
    source: String,
    destination: String,
    mode: u32,
}

/// The fields of `[package.metadata.deb]` this task reads.
struct Metadata {
    name: String,
    maintainer: String,
    section: String,
    priority: String,
    summary: String,
    extended: String,
    assets: Vec<Asset>,
}

/// Runs the task with its arguments.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut profile = "release".to_owned();
    let mut install_check = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--profile" => profile = args.next().ok_or("--profile needs a value")?.clone(),
            "--install-check" => install_check = true,
            other => return Err(format!("deb: unknown argument `{other}`")),
        }
    }
    let deb = build(root, &profile)?;
    println!("{}", deb.display());
    if install_check {
        check_installed(&deb)?;
    }
    Ok(())
}

/// Builds the package from the binary of `profile` and returns its path (in `target/debian`).
pub fn build(root: &Path, profile: &str) -> Result<PathBuf, String> {
    let crate_dir = root.join("crates/maillint-cli");
    let metadata = read_metadata(&crate_dir.join("Cargo.toml"))?;
    let version = workspace_version(root)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    let profile_dir = if profile == "dev" { "debug" } else { profile };
    let staging = target.join("debian").join(format!("{}-{version}", metadata.name));
    let _ = std::fs::remove_dir_all(&staging);
    for asset in &metadata.assets {
        let source = match asset.source.strip_prefix("target/release/") {
            Some(built) => target.join(profile_dir).join(built),
            None => crate_dir.join(&asset.source),
        };
        for file in expand(&source)? {
            install_asset(&file, &staging, asset)?;
        }
    }
    let arch = output(Command::new("dpkg").arg("--print-architecture"))?.trim().to_owned();
    let binary = staging.join("usr/bin").join(&metadata.name);
    let depends = depends(&binary, &target.join("debian/shlibdeps"))?;
    let control = control_file(&metadata, &version, &arch, &depends, &staging)?;
    std::fs::create_dir_all(staging.join("DEBIAN")).map_err(|e| e.to_string())?;
    std::fs::write(staging.join("DEBIAN/control"), control).map_err(|e| e.to_string())?;
    let deb = target.join("debian").join(format!("{}_{version}_{arch}.deb", metadata.name));
    output(
        Command::new("dpkg-deb").args(["--root-owner-group", "--build"]).arg(&staging).arg(&deb),
    )?;
    Ok(deb)
}

/// `dpkg -i`, the installed binary runs, the documented files are there, `dpkg -r`.
fn check_installed(deb: &Path) -> Result<(), String> {
    output(Command::new("dpkg").arg("-i").arg(deb))?;
    let result = installed_package_works();
    output(Command::new("dpkg").args(["-r", "maillint"]))?;
    result
}

fn installed_package_works() -> Result<(), String> {
    let version = output(Command::new("/usr/bin/maillint").arg("--version"))?;
    if !version.starts_with("maillint ") {
        return Err(format!("the installed maillint printed `{version}` for --version"));
    }
    let files = output(Command::new("dpkg").args(["-L", "maillint"]))?;
    for expected in [
        "/usr/share/man/man1/maillint.1.gz",
        "/usr/share/man/man1/maillint-check.1.gz",
        "/usr/share/bash-completion/completions/maillint",
        "/usr/share/zsh/vendor-completions/_maillint",
        "/usr/share/fish/vendor_completions.d/maillint.fish",
    ] {
        if !files.lines().any(|line| line == expected) || !Path::new(expected).is_file() {
            return Err(format!("the installed package has no {expected}:\n{files}"));
        }
    }
    eprintln!("xtask deb: installed; `{}`; man pages and completions in place", version.trim());
    Ok(())
}

fn read_metadata(manifest: &Path) -> Result<Metadata, String> {
    let text =
        std::fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let value: toml::Value =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let package = &value["package"];
    let deb = package
        .get("metadata")
        .and_then(|m| m.get("deb"))
        .ok_or(format!("{}: no [package.metadata.deb]", manifest.display()))?;
    let field = |name: &str| -> Result<String, String> {
        deb.get(name)
            .and_then(toml::Value::as_str)
            .map(str::to_owned)
            .ok_or(format!("[package.metadata.deb] has no `{name}`"))
    };
    let mut assets = Vec::new();
    for entry in deb.get("assets").and_then(toml::Value::as_array).into_iter().flatten() {
        let parts: Vec<&str> =
            entry.as_array().into_iter().flatten().filter_map(toml::Value::as_str).collect();
        let [source, destination, mode] = parts[..] else {
            return Err(format!(
                "[package.metadata.deb] assets: `{entry}` is not [source, destination, mode]"
            ));
        };
        let mode = u32::from_str_radix(mode, 8).map_err(|e| format!("asset mode `{mode}`: {e}"))?;
        assets.push(Asset { source: source.to_owned(), destination: destination.to_owned(), mode });
    }
    let summary = package
        .get("description")
        .and_then(toml::Value::as_str)
        .ok_or("crates/maillint-cli has no description")?
        .trim_end_matches('.')
        .to_owned();
    Ok(Metadata {
        name: field("name")?,
        maintainer: field("maintainer")?,
        section: field("section")?,
        priority: field("priority")?,
        summary,
        extended: field("extended-description")?,
        assets,
    })
}

fn workspace_version(root: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let value: toml::Value = toml::from_str(&text).map_err(|e| e.to_string())?;
    value["workspace"]["package"]["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or("Cargo.toml has no workspace.package.version".to_owned())
}

/// The files a source names: itself, or those matching a `*` in its file name (`*.1`).
fn expand(source: &Path) -> Result<Vec<PathBuf>, String> {
    let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let Some((prefix, suffix)) = name.split_once('*') else {
        return Ok(vec![source.to_path_buf()]);
    };
    let folder = source.parent().unwrap_or(Path::new("."));
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(prefix)
                && name.ends_with(suffix)
                && name.len() >= prefix.len() + suffix.len()
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no file matches {}", source.display()));
    }
    Ok(files)
}

/// Copies one file into the package tree; man pages are gzipped as Debian policy (12.1) and
/// cargo-deb do.
fn install_asset(file: &Path, staging: &Path, asset: &Asset) -> Result<(), String> {
    let name = file.file_name().ok_or(format!("{}: no file name", file.display()))?;
    let mut destination = staging.join(&asset.destination);
    if asset.destination.ends_with('/') {
        destination.push(name);
    }
    std::fs::create_dir_all(destination.parent().unwrap_or(staging)).map_err(|e| e.to_string())?;
    std::fs::copy(file, &destination).map_err(|e| format!("{}: {e}", file.display()))?;
    std::fs::set_permissions(&destination, std::fs::Permissions::from_mode(asset.mode))
        .map_err(|e| e.to_string())?;
    if asset.destination.starts_with("usr/share/man/") {
        output(Command::new("gzip").args(["-9n", "--force"]).arg(&destination))?;
    }
    Ok(())
}

/// The `Depends` of the binary, from the shared libraries it links (`dpkg-shlibdeps`, as
/// cargo-deb's `$auto` does).
fn depends(binary: &Path, scratch: &Path) -> Result<String, String> {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch.join("debian")).map_err(|e| e.to_string())?;
    std::fs::write(
        scratch.join("debian/control"),
        "Source: maillint\n\nPackage: maillint\nArchitecture: any\n",
    )
    .map_err(|e| e.to_string())?;
    let out = output(Command::new("dpkg-shlibdeps").arg("-O").arg(binary).current_dir(scratch))?;
    let _ = std::fs::remove_dir_all(scratch);
    Ok(out.trim().strip_prefix("shlibs:Depends=").unwrap_or("").to_owned())
}

fn control_file(
    metadata: &Metadata,
    version: &str,
    arch: &str,
    depends: &str,
    staging: &Path,
) -> Result<String, String> {
    let size = output(Command::new("du").args(["-sk", "--exclude=DEBIAN"]).arg(staging))?;
    let kib = size.split_whitespace().next().unwrap_or("0");
    // Debian policy 5.6.13: continuation lines start with a space, an empty line is ` .`.
    let extended: Vec<String> = metadata
        .extended
        .lines()
        .map(|line| if line.trim().is_empty() { " .".to_owned() } else { format!(" {line}") })
        .collect();
    let mut control = format!(
        "Package: {}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: {}\nSection: {}\nPriority: {}\nInstalled-Size: {kib}\n",
        metadata.name, metadata.maintainer, metadata.section, metadata.priority
    );
    if !depends.is_empty() {
        control.push_str(&format!("Depends: {depends}\n"));
    }
    control.push_str(&format!("Description: {}\n{}\n", metadata.summary, extended.join("\n")));
    Ok(control)
}

fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metadata_of_the_cli_crate_reads_and_every_asset_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let crate_dir = root.join("crates/maillint-cli");
        let metadata = read_metadata(&crate_dir.join("Cargo.toml")).unwrap();
        assert_eq!(metadata.name, "maillint");
        assert!(metadata.assets.iter().any(|a| a.source == "target/release/maillint"));
        for asset in metadata.assets.iter().filter(|a| !a.source.starts_with("target/")) {
            assert!(!expand(&crate_dir.join(&asset.source)).unwrap().is_empty());
        }
    }
}

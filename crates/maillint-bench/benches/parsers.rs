//! Every parser on real-size inputs, in bytes per second (`cargo xtask bench --micro`, or
//! `cargo bench -p maillint-bench`; divan's options follow `--`, e.g. `-- prefs`).
//!
//! `prefs_tokenizer` is libpref's grammar alone; the `*_unit` benches run a parser as the
//! engine does (decode the bytes into a [`SourceFile`], parse the unit, build the account
//! model and the parser's own findings). One thread: the numbers are per core.

use std::path::{Path, PathBuf};

use divan::Bencher;
use divan::counter::BytesCount;
use maillint_bench::{configs, parse_unit, parser, registry};
use maillint_core::SourceFile;
use maillint_thunderbird::prefs::{self, FileKind};

fn main() {
    divan::main();
}

/// Sizes of a real `prefs.js`: small, the typical profile, and a large one.
const PREFS_SIZES: [usize; 3] = [20_000, 63_000, 120_000];

#[divan::bench(args = PREFS_SIZES)]
fn prefs_tokenizer(bencher: Bencher, size: usize) {
    let text = maillint_bench::prefs_js(size);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| prefs::parse(divan::black_box(text.as_bytes()), FileKind::User));
}

#[divan::bench(args = PREFS_SIZES)]
fn source_file(bencher: Bencher, size: usize) {
    let text = maillint_bench::prefs_js(size);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| SourceFile::from_bytes("prefs.js", divan::black_box(text.as_bytes())));
}

#[divan::bench(args = PREFS_SIZES)]
fn thunderbird_unit(bencher: Bencher, size: usize) {
    let home = tempfile::tempdir().expect("temporary folder");
    let path = home.path().join(".thunderbird/abcd1234.default/prefs.js");
    unit(bencher, "thunderbird", &path, maillint_bench::prefs_js(size).as_bytes(), home.path());
}

#[divan::bench]
fn mutt_unit(bencher: Bencher) {
    let home = tempfile::tempdir().expect("temporary folder");
    let (main, total) = maillint_bench::mutt_home(home.path()).expect("mutt files written");
    let bytes = std::fs::read(&main).expect("muttrc written");
    let parser = parser(&registry(), "mutt");
    // The counter is every file of the unit: the parser reads the sourced ones from disk.
    bencher
        .counter(BytesCount::new(total))
        .bench(|| parse_unit(&*parser, &main, &bytes, home.path()));
}

#[divan::bench]
fn outlook_reg_unit(bencher: Bencher) {
    unit(bencher, "outlook-reg", Path::new("outlook.reg"), &maillint_bench::reg_export(), &home());
}

#[divan::bench]
fn autodiscover_unit(bencher: Bencher) {
    let xml = configs::autodiscover();
    unit(bencher, "outlook-autodiscover", Path::new("autodiscover.xml"), xml.as_bytes(), &home());
}

#[divan::bench]
fn msmtp_unit(bencher: Bencher) {
    unit(bencher, "msmtp", Path::new(".msmtprc"), configs::msmtprc().as_bytes(), &home());
}

#[divan::bench]
fn offlineimap_unit(bencher: Bencher) {
    let text = configs::offlineimaprc();
    unit(bencher, "offlineimap", Path::new(".offlineimaprc"), text.as_bytes(), &home());
}

#[divan::bench]
fn evolution_unit(bencher: Bencher) {
    let text = configs::evolution_source();
    unit(bencher, "evolution", Path::new(configs::EVOLUTION_PATH), text.as_bytes(), &home());
}

/// Detection of an unrelated file, as `check` does for every file it walks: every
/// registered parser looks at the name and the first KiB.
#[divan::bench(args = [false, true])]
fn detect_noise(bencher: Bencher, mentions_mail: bool) {
    let registry = registry();
    let heads: Vec<(PathBuf, Vec<u8>)> = (0..64)
        .map(|seed| {
            let path = PathBuf::from(format!("/home/zoe/.local/share/app{seed}/settings.conf"));
            (path, maillint_bench::noise_head(seed, mentions_mail))
        })
        .collect();
    let bytes: usize = heads.iter().map(|(_, head)| head.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        heads.iter().filter(|(path, head)| registry.detect(path, head).is_some()).count()
    });
}

/// A folder for parsers that expand `~` (nothing is read from it).
fn home() -> PathBuf {
    PathBuf::from("/home/zoe")
}

fn unit(bencher: Bencher, name: &str, path: &Path, bytes: &[u8], home: &Path) {
    let parser = parser(&registry(), name);
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| parse_unit(&*parser, path, divan::black_box(bytes), home));
}

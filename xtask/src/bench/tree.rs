//! The synthetic tree: `homes` home folders, generated the same on every run and machine.
//!
//! Two shapes share the layout (a Thunderbird profile with `profiles.ini`, a muttrc, `--noise`
//! unrelated files in nested folders) and differ in the mail configuration inside it:
//! [`Shape::Real`] has files of the sizes real users have (a 20–120 KB `prefs.js`, a muttrc that
//! sources account, colour and binding files, Outlook `.reg` exports; see [`super::prefs`],
//! [`super::mutt`], [`super::outlook`]), [`Shape::Legacy`] the small files of the first version
//! of this benchmark ([`super::legacy`]), kept as a second data point.

use std::fs;
use std::io;
use std::path::Path;

use super::{legacy, mutt, outlook, prefs};

/// Which configuration files the homes get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Real-size profiles.
    Real,
    /// The small profiles of the first version of the benchmark.
    Legacy,
}

/// What was written.
#[derive(Clone, Copy, Default)]
pub struct TreeStats {
    /// Files written.
    pub files: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Bytes of mail-client configuration (`prefs.js`, `user.js`, muttrc and what it sources,
    /// `.reg`): what maillint parses.
    pub config_bytes: u64,
    /// Bytes of `prefs.js` files alone.
    pub prefs_bytes: u64,
    /// Mistakes planted in the real-size `prefs.js` files.
    pub planted: prefs::Planted,
}

impl TreeStats {
    fn add(&mut self, other: TreeStats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.config_bytes += other.config_bytes;
        self.prefs_bytes += other.prefs_bytes;
        self.planted.plaintext += other.planted.plaintext;
        self.planted.opportunistic += other.planted.opportunistic;
    }
}

/// What a written file is, for [`TreeStats`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `prefs.js`.
    Prefs,
    /// Other mail-client configuration.
    Config,
    /// Anything else.
    Other,
}

/// SplitMix64: a tiny, well-mixed generator, so the tree is the same on every run.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Generates `homes` homes of `shape` under `dir`, on as many threads as there are cores.
pub fn generate(dir: &Path, homes: usize, noise: usize, shape: Shape) -> Result<TreeStats, String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results: Vec<Result<TreeStats, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut stats = TreeStats::default();
                    for index in (t..homes).step_by(threads) {
                        let home = dir.join(format!("user{index:05}"));
                        write_home(&home, index, noise, shape, &mut stats)
                            .map_err(|e| format!("{}: {e}", home.display()))?;
                    }
                    Ok(stats)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("generator panicked".into())))
            .collect()
    });
    let mut total = TreeStats::default();
    for result in results {
        total.add(result?);
    }
    Ok(total)
}

/// Writes `content` to `path`, creating its folder, and counts it.
pub fn put(path: &Path, content: &[u8], kind: Kind, stats: &mut TreeStats) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, content)?;
    stats.files += 1;
    stats.bytes += content.len() as u64;
    if kind != Kind::Other {
        stats.config_bytes += content.len() as u64;
    }
    if kind == Kind::Prefs {
        stats.prefs_bytes += content.len() as u64;
    }
    Ok(())
}

pub const WORDS: &[&str] = &[
    "the", "of", "and", "report", "meeting", "budget", "draft", "notes", "project", "review",
    "client", "server", "update", "version", "release", "config", "value", "option", "cache",
    "session", "window", "theme", "font", "layout", "summary", "invoice", "travel", "photo",
    "backup", "archive", "schedule", "agenda", "lorem", "ipsum", "dolor", "amet", "network",
    "printer", "calendar", "contact", "address", "phone", "office", "team", "quarter", "plan",
];

const APPS: &[&str] = &[
    "chromium",
    "libreoffice",
    "gimp",
    "vlc",
    "gnome-shell",
    "pulse",
    "fontconfig",
    "mesa",
    "evince",
    "nautilus",
    "code",
    "pip",
    "npm",
    "gtk-3.0",
    "dconf",
    "keepassxc",
];

/// Text of about `size` bytes: words, and now and then a line that mentions a mail protocol,
/// as notes, logs and settings of other programs do.
pub fn text(rng: &mut Rng, size: usize, mentions_mail: bool) -> Vec<u8> {
    let mut out = String::with_capacity(size + 64);
    let mail_line = if mentions_mail { rng.below(size / 64 + 1) } else { usize::MAX };
    let mut line = 0;
    while out.len() < size {
        if line == mail_line {
            out.push_str(if rng.chance(50) {
                "server: imap.example.net port 993 (see the smtp settings below)\n"
            } else {
                "mail relay smtp.example.net:587, fetch via imaps\n"
            });
        } else {
            for _ in 0..(6 + rng.below(8)) {
                out.push_str(rng.pick(WORDS));
                out.push(' ');
            }
            out.push('\n');
        }
        line += 1;
    }
    out.into_bytes()
}

/// A profile folder name as Thunderbird makes them: 8 random characters and a suffix.
pub fn profile_name(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut name: String = (0..8).map(|_| rng.pick(ALPHABET) as char).collect();
    name.push_str(rng.pick(&[".default-release", ".default", ".default-esr"]));
    name
}

/// Writes one home: Thunderbird, mutt (and, for real homes, Outlook), then the noise.
#[allow(
    clippy::too_many_lines,
    reason = "writes one home's files in order (Thunderbird, mutt, Outlook, noise); the parts share the home's random state"
)]
fn write_home(
    home: &Path,
    index: usize,
    noise: usize,
    shape: Shape,
    stats: &mut TreeStats,
) -> io::Result<()> {
    let mut rng = Rng::new(index as u64);
    let user = format!("user{index:05}");

    // Thunderbird.
    let profile = profile_name(&mut rng);
    let thunderbird = home.join(".thunderbird");
    put(
        &thunderbird.join("profiles.ini"),
        format!(
            "[Profile0]\nName=default-release\nIsRelative=1\nPath={profile}\nDefault=1\n\n\
             [General]\nStartWithLastProfile=1\nVersion=2\n\n\
             [Install6F193CCC56814779]\nDefault={profile}\nLocked=1\n\n"
        )
        .as_bytes(),
        Kind::Other,
        stats,
    )?;
    let profile_dir = thunderbird.join(&profile);
    match shape {
        Shape::Legacy => {
            let text = legacy::prefs_js(&mut rng, &user);
            put(&profile_dir.join("prefs.js"), text.as_bytes(), Kind::Prefs, stats)?;
        }
        Shape::Real => {
            let (text, planted) = prefs::prefs_js(&mut rng, &user);
            put(&profile_dir.join("prefs.js"), text.as_bytes(), Kind::Prefs, stats)?;
            stats.planted.plaintext += planted.plaintext;
            stats.planted.opportunistic += planted.opportunistic;
            if rng.chance(25) {
                let text = prefs::user_js(&mut rng);
                put(&profile_dir.join("user.js"), text.as_bytes(), Kind::Config, stats)?;
            }
        }
    }
    put(
        &thunderbird.join("installs.ini"),
        format!("[6F193CCC56814779]\nDefault={profile}\nLocked=1\n\n").as_bytes(),
        Kind::Other,
        stats,
    )?;

    // mutt, and Outlook's registry exports.
    match shape {
        Shape::Legacy => put(
            &home.join(".muttrc"),
            legacy::muttrc(&mut rng, &user).as_bytes(),
            Kind::Config,
            stats,
        )?,
        Shape::Real => {
            for (path, text) in mutt::files(&mut rng, &user) {
                put(&home.join(path), text.as_bytes(), Kind::Config, stats)?;
            }
            if rng.chance(30) {
                let (path, bytes) = outlook::reg_export(&mut rng, &user);
                put(&home.join(path), &bytes, Kind::Config, stats)?;
            }
        }
    }

    // Noise: files a profile holds besides its prefs, caches and settings of other programs,
    // documents, source code.
    const PROFILE_FILES: &[&str] = &[
        "times.json",
        "compatibility.ini",
        "extensions.json",
        "xulstore.json",
        "session.json",
        "containers.json",
        "handlers.json",
        "search.json.mozlz4",
        "datareporting/state.json",
        "ImapMail/imap.example.com/INBOX.msf",
        "ImapMail/imap.example.com/Sent.msf",
        "ImapMail/imap.example.com/Drafts.msf",
        "Mail/Local Folders/Trash.msf",
    ];
    const TOP: &[&str] = &[
        ".cache",
        ".cache",
        ".config",
        ".config",
        ".local/share",
        "Documents",
        "Documents",
        "Downloads",
        "src",
        "Pictures",
        "Music",
    ];
    const EXTENSIONS: &[&str] =
        &["txt", "md", "json", "conf", "log", "rs", "py", "csv", "xml", "html"];
    const SIZES: &[usize] = &[200, 400, 700, 1000, 1500, 2000, 3000, 5000, 8000, 16000];
    for n in 0..noise {
        let path = if let Some(name) = PROFILE_FILES.get(n).filter(|_| n < noise / 8) {
            profile_dir.join(name)
        } else {
            let mut path = home.join(rng.pick(TOP));
            path.push(rng.pick(APPS));
            for _ in 0..rng.below(3) {
                path.push(rng.pick(WORDS));
            }
            path.push(format!("{}-{n}.{}", rng.pick(WORDS), rng.pick(EXTENSIONS)));
            path
        };
        let size = rng.pick(SIZES);
        let mentions_mail = rng.chance(3);
        put(&path, &text(&mut rng, size, mentions_mail), Kind::Other, stats)?;
    }
    Ok(())
}

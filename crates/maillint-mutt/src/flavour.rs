//! Which program reads a muttrc: mutt, NeoMutt, or either of them.
//!
//! The two share the syntax but not every default. The one that decides security is
//! `ssl_force_tls`: NeoMutt sets it (since 2019-10-25, mutt.md section 4), upstream mutt sets
//! it since 2.0.0 (`init.h`: `{ "ssl_force_tls", DT_BOOL, R_NONE, {.l=OPTSSLFORCETLS},
//! {.l=1} }`), but mutt before 2.0.0 left it unset (1.13.0 set it, 1.13.4 reverted it,
//! mutt.md section 4), and Fedora's and Azure Linux's mutt 2.x still ship
//! `mutt_disable_ssl_enforce.patch`, which turns the default back to `{.l=0}`
//! (microsoft/azurelinux `SPECS-EXTENDED/mutt/mutt_disable_ssl_enforce.patch`). So a file mutt
//! may read is checked with both readings, and the weaker one is reported.
//!
//! NeoMutt reads `~/.muttrc`, `~/.mutt/muttrc` and `~/.config/mutt/muttrc` too (its
//! `find_cfg` order, see [`crate::client`]), so a file whose path does not name NeoMutt may be
//! read by either program; only a path that names NeoMutt (`neomuttrc`, `~/.neomutt/`,
//! `~/.config/neomutt/`) is NeoMutt's alone.

use std::path::Path;

/// The program that reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// mutt only.
    Mutt,
    /// NeoMutt only.
    NeoMutt,
    /// Either program: every default that differs is checked both ways.
    Either,
}

impl Flavour {
    /// The flavour a file's name and location say.
    pub fn of_path(path: &Path) -> Flavour {
        if path.to_string_lossy().to_ascii_lowercase().contains("neomutt") {
            Flavour::NeoMutt
        } else {
            Flavour::Either
        }
    }

    /// Whether mutt may read the file (mutt's own rules and defaults apply).
    pub fn read_by_mutt(self) -> bool {
        self != Flavour::NeoMutt
    }

    /// The name a `maillint.toml` uses for the flavour.
    pub fn from_name(name: &str) -> Option<Flavour> {
        match name {
            "mutt" => Some(Flavour::Mutt),
            "neomutt" => Some(Flavour::NeoMutt),
            "either" => Some(Flavour::Either),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_names_neomutt_is_neomutts_alone() {
        for path in ["/h/.neomuttrc", "/h/.config/neomutt/neomuttrc", "/h/.neomutt/a.rc"] {
            assert_eq!(Flavour::of_path(Path::new(path)), Flavour::NeoMutt, "{path}");
        }
        for path in ["/h/.muttrc", "/h/.mutt/muttrc", "/h/.config/mutt/muttrc", "/x/a.rc"] {
            assert_eq!(Flavour::of_path(Path::new(path)), Flavour::Either, "{path}");
        }
        assert!(Flavour::Mutt.read_by_mutt() && Flavour::Either.read_by_mutt());
        assert!(!Flavour::NeoMutt.read_by_mutt());
    }
}

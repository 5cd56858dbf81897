//! What the interpreter does besides storing a value, by variable: whether it defines an
//! account, changes one, holds a password, or may be a URL with a password in it.
//!
//! The lists are in [`super`] (`ACCOUNT_VARS`, ...). Every `set` item asked up to four of
//! them, each a run of string comparisons; the answer for each variable is computed once,
//! by the same `contains` of the variable's canonical name, and read by its index.

use std::sync::OnceLock;

use crate::vars::{self, VarDef};

use super::{ACCOUNT_DEFINING_VARS, ACCOUNT_VARS, PASSWORD_VARS, URL_VARS};

/// One list a variable can be on (a bit of [`roles`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// `ACCOUNT_DEFINING_VARS`: a sourced file that sets it is an account file.
    DefinesAccount = 1,
    /// `ACCOUNT_VARS`: a hook that sets it switches accounts.
    ChangesAccount = 2,
    /// `PASSWORD_VARS`.
    Password = 4,
    /// `URL_VARS`: a URL that may hold a password.
    Url = 8,
}

impl Role {
    const ALL: [Role; 4] = [Role::DefinesAccount, Role::ChangesAccount, Role::Password, Role::Url];

    /// The list, as the interpreter spells it.
    fn names(self) -> &'static [&'static str] {
        match self {
            Role::DefinesAccount => &ACCOUNT_DEFINING_VARS,
            Role::ChangesAccount => &ACCOUNT_VARS,
            Role::Password => &PASSWORD_VARS,
            Role::Url => &URL_VARS,
        }
    }
}

/// Whether `def` is on `role`'s list: `role.names().contains(&def.name)`, read from a table.
/// Inlined: asked four or five times per `set` item, the call cost more than the lookup.
#[inline]
pub(super) fn has(def: &'static VarDef, role: Role) -> bool {
    static ROLES: OnceLock<Vec<u8>> = OnceLock::new();
    let roles = ROLES.get_or_init(|| {
        (0..vars::count())
            .map(|index| {
                let name = vars::by_index(index).name;
                Role::ALL.iter().filter(|r| r.names().contains(&name)).map(|&r| r as u8).sum()
            })
            .collect()
    });
    roles[vars::index(def)] & role as u8 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_says_what_the_lists_say_for_every_variable() {
        let mut on_a_list = 0;
        for index in 0..vars::count() {
            let def = vars::by_index(index);
            for role in Role::ALL {
                let listed = role.names().contains(&def.name);
                assert_eq!(has(def, role), listed, "{} {role:?}", def.name);
                on_a_list += usize::from(listed);
            }
        }
        // Every name on the lists is a variable's canonical name (no synonym slips through).
        let listed: usize = Role::ALL.iter().map(|r| r.names().len()).sum();
        assert_eq!(on_a_list, listed);
    }
}

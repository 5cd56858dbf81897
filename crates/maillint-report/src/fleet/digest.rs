//! What the scan summary prints about users, servers and problems, folded one row at a time:
//! [`Digest`].
//!
//! A scan whose output is not the report itself (full, concise, json-lines, github, csv, json,
//! SARIF, JUnit) keeps only this, never a row per home, so its memory does not grow with the
//! number of homes (issue 19: peak RSS at 20,000 homes within 1.5x of 2,000). The summary is
//! the same whether a scan kept every row or only the digest: [`Digest::of`] folds a whole
//! report's rows the way [`ReportBuilder`](super::ReportBuilder) folds them as homes arrive.

use std::collections::BTreeMap;

use super::model::{ProblemRow, ScanReport, ServerRow, UserRow};
use super::summary::TABLE_ROWS;

/// A server's identity: protocol, normalised host, port.
pub(crate) type ServerKey = (String, String, Option<u16>);

/// The key of a server row.
pub(crate) fn key_of(server: &ServerRow) -> ServerKey {
    (server.protocol.clone(), server.host.clone(), server.port)
}

/// The summary's numbers and its bounded tables. What it holds grows with the distinct clients,
/// servers and problem kinds, never with the homes: of the users and the problems it keeps the
/// [`TABLE_ROWS`] rows the summary shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digest {
    /// Users per client.
    pub clients: BTreeMap<String, usize>,
    /// Users where something could not be checked.
    pub users_with_problems: usize,
    /// Users with an error or a warning.
    pub affected: usize,
    /// The affected users with the most errors, then warnings (scan order among equals), at
    /// most [`TABLE_ROWS`] of them.
    pub worst: Vec<UserRow>,
    /// Users per server (a server's `users` list, counted).
    pub server_users: BTreeMap<ServerKey, usize>,
    /// Problems met.
    pub problems: usize,
    /// The first [`TABLE_ROWS`] problems, in the order met.
    pub first_problems: Vec<ProblemRow>,
    /// The kinds of the others, counted.
    pub later_problem_kinds: BTreeMap<String, usize>,
}

impl Digest {
    /// The digest of a whole report (`report merge`, or a report read back).
    pub fn of(report: &ScanReport) -> Self {
        let mut digest = Digest::default();
        report.users.iter().for_each(|user| digest.add_user(user));
        report.problems.iter().for_each(|problem| digest.add_problem(problem));
        for server in &report.servers {
            digest.add_server_users(server, server.users.len());
        }
        digest
    }

    /// Counts one user's row; keeps a copy only while it is among the worst.
    pub fn add_user(&mut self, user: &UserRow) {
        for client in &user.clients {
            match self.clients.get_mut(client) {
                Some(n) => *n += 1,
                None => {
                    self.clients.insert(client.clone(), 1);
                }
            }
        }
        self.users_with_problems += usize::from(user.problems > 0);
        if !user.counts.failing() {
            return;
        }
        self.affected += 1;
        // A stable sort's first rows: a user goes after every earlier one it does not beat.
        let rank = |u: &UserRow| (u.counts.errors, u.counts.warnings);
        let at = self.worst.partition_point(|kept| rank(kept) >= rank(user));
        if at < TABLE_ROWS {
            self.worst.insert(at, user.clone());
            self.worst.truncate(TABLE_ROWS);
        }
    }

    /// Counts one problem; keeps it when it is among the first.
    pub fn add_problem(&mut self, problem: &ProblemRow) {
        self.problems += 1;
        if self.first_problems.len() < TABLE_ROWS {
            self.first_problems.push(problem.clone());
        } else {
            *self.later_problem_kinds.entry(problem.kind.clone()).or_default() += 1;
        }
    }

    /// Adds `users` users of `server`.
    pub fn add_server_users(&mut self, server: &ServerRow, users: usize) {
        *self.server_users.entry(key_of(server)).or_default() += users;
    }

    /// The users of `server`.
    pub fn users_of(&self, server: &ServerRow) -> usize {
        self.server_users.get(&key_of(server)).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::Counts;
    use super::*;

    fn user(name: &str, errors: usize, warnings: usize) -> UserRow {
        let counts = Counts { findings: errors + warnings, errors, warnings, ..Counts::default() };
        UserRow { user: name.into(), counts, clients: vec!["mutt".into()], ..UserRow::default() }
    }

    /// The worst users are the first rows of a stable sort by errors, then warnings, of every
    /// affected user: the same table as sorting all of them.
    #[test]
    fn worst_users_are_a_stable_sorts_first_rows() {
        let users: Vec<UserRow> = (0..40)
            .map(|i| user(&format!("u{i:02}"), (i * 7) % 5, (i * 3) % 4))
            .chain([user("clean", 0, 0)])
            .collect();
        let mut digest = Digest::default();
        users.iter().for_each(|u| digest.add_user(u));

        let mut sorted: Vec<&UserRow> = users.iter().filter(|u| u.counts.failing()).collect();
        sorted.sort_by(|a, b| {
            (b.counts.errors, b.counts.warnings).cmp(&(a.counts.errors, a.counts.warnings))
        });
        let expected: Vec<&str> = sorted.iter().take(TABLE_ROWS).map(|u| u.user.as_str()).collect();
        let kept: Vec<&str> = digest.worst.iter().map(|u| u.user.as_str()).collect();
        assert_eq!(kept, expected);
        assert_eq!(digest.affected, sorted.len());
        assert_eq!(digest.clients["mutt"], 41);
    }

    /// Problems past the first rows are only counted by kind.
    #[test]
    fn later_problems_are_counted_by_kind() {
        let mut digest = Digest::default();
        for i in 0..TABLE_ROWS + 3 {
            let kind = if i.is_multiple_of(2) { "broken symlink" } else { "unreadable folder" };
            let problem = ProblemRow {
                host: None,
                user: format!("u{i}"),
                path: format!("/home/u{i}/.muttrc"),
                kind: kind.into(),
                message: "m".into(),
            };
            digest.add_problem(&problem);
        }
        assert_eq!(digest.problems, TABLE_ROWS + 3);
        assert_eq!(digest.first_problems.len(), TABLE_ROWS);
        assert_eq!(digest.first_problems[TABLE_ROWS - 1].user, format!("u{}", TABLE_ROWS - 1));
        let later: usize = digest.later_problem_kinds.values().sum();
        assert_eq!(later, 3);
    }
}

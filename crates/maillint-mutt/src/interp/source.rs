//! `source` (followed through the one safe read, `Sources::load`) and `ifdef`/`ifndef`.

use std::path::PathBuf;

use maillint_core::Span;
use maillint_core::builtin::NotFollowed;

use super::{AccountFile, Interpreter, LineCtx, MAX_SOURCE_DEPTH, Outcome, parent_dir};
use crate::lexer::{Cursor, Flags};
use crate::rules::RelativeSource;
use crate::vars::{self, Availability};

/// `path` read component by component, without `.` components: `a/./b` reads as `a/b` (no
/// `..` is resolved: that needs the file system).
fn without_cur_dirs(path: PathBuf) -> PathBuf {
    // A path without `.` components, repeated or trailing separators is its own components
    // joined again: rebuilding it component by component cost ~2,100 instructions for each
    // of the bench's 393 `source` commands.
    if is_clean(path.as_os_str().as_encoded_bytes()) {
        return path;
    }
    path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

/// Whether a path has no `.` component and no repeated or trailing separator.
fn is_clean(bytes: &[u8]) -> bool {
    if bytes.is_empty() || bytes == b"." || bytes.starts_with(b"./") {
        return false;
    }
    memchr::memchr_iter(b'/', bytes).all(|at| match bytes.get(at + 1) {
        None | Some(b'/') => false,
        Some(b'.') => !matches!(bytes.get(at + 2), None | Some(b'/')),
        Some(_) => true,
    })
}

impl Interpreter<'_> {
    pub(super) fn cmd_source(&mut self, cursor: &mut Cursor<'_>, ctx: &LineCtx) -> Outcome {
        // The sourced file's run is not the sourcing file's to replay.
        self.taint_journal();
        let line = cursor.line();
        loop {
            self.quiet_expansion = true;
            let token = cursor.extract(Flags::NONE, self);
            self.quiet_expansion = false;
            let span = token.span(line);
            if token.broken {
                return self.error(span, ctx, "`source`: the path cannot be read".to_owned());
            }
            let path_text = self.expand_path(&token.value);
            if let Some((kind, _)) = path_text.first_unknown() {
                let message =
                    format!("`source` not followed: its path depends on {}", kind.describe());
                self.report(NotFollowed::metadata(), None, span, ctx, message);
            } else if path_text.as_str().ends_with('|') {
                self.report(
                    NotFollowed::metadata(),
                    None,
                    span,
                    ctx,
                    "`source` of a command's output (`cmd |`) is never run: the settings it \
                     prints are not checked"
                        .to_owned(),
                );
            } else {
                let written = token.value.as_str();
                let relative = !written.starts_with('/')
                    && !written.starts_with('~')
                    && !written.starts_with('$')
                    && !written.starts_with(['+', '=', '!', '<', '>', '@', '^', '-']);
                if relative && self.read_by_mutt {
                    self.report(
                        RelativeSource::metadata(),
                        None,
                        span,
                        ctx,
                        "relative `source` path: NeoMutt reads it from this file's folder, mutt \
                         from the directory it was started in"
                            .to_owned(),
                    );
                }
                let outcome = self.source_file(path_text.as_str(), span, ctx);
                if outcome != Outcome::Success {
                    return outcome;
                }
            }
            if !cursor.more_args() {
                return Outcome::Success;
            }
        }
    }

    fn source_file(&mut self, path: &str, span: Option<Span>, ctx: &LineCtx) -> Outcome {
        let mut full = PathBuf::from(path);
        if full.is_relative() {
            full = ctx.dir.join(full);
        }
        let full = without_cur_dirs(full);
        if self.stack.len() >= MAX_SOURCE_DEPTH {
            return self.error(
                span,
                ctx,
                format!("`source` nested more than {MAX_SOURCE_DEPTH} files deep: not followed"),
            );
        }
        // The one safe read (`Sources::load`): a regular file, within the size limits and
        // the owner's rights, read once however many paths lead to it.
        let file = match self.sources.load(&full) {
            Ok(file) => file,
            Err(error) => {
                return self.error(
                    span,
                    ctx,
                    format!(
                        "`source`: file {} could not be read ({})",
                        full.display(),
                        io_reason(&error)
                    ),
                );
            }
        };
        if self.stack.contains(&file) {
            return self.error(
                span,
                ctx,
                format!("cyclic `source` of {}: NeoMutt refuses to read it again", full.display()),
            );
        }
        if !self.run_in_pass.insert(file) {
            // Run already in this pass: running it again would repeat its findings, and
            // repeated `source` lines would multiply the work.
            return Outcome::Success;
        }
        self.stack.push(file);
        self.files_run.push(file);
        let record = self.first_pass && self.hook.is_none();
        if record {
            self.start_journal(file);
        }
        let errors = self.run_file(file, &parent_dir(&full));
        if record {
            self.finish_journal();
        }
        self.stack.pop();
        if self.first_pass
            && self.hook.is_none()
            && self.account_assignments.binary_search(&file).is_ok()
            && !self.out.account_files.iter().any(|a| a.file == file)
        {
            self.out.account_files.push(AccountFile { file, dir: parent_dir(&full) });
        }
        if errors > 0 {
            // NeoMutt: "source: errors in FILE" makes the `source` command fail too.
            return Outcome::Error;
        }
        Outcome::Success
    }

    pub(super) fn cmd_ifdef(
        &mut self,
        negate: bool,
        word: Option<Span>,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Outcome {
        self.neomutt_only(word, ctx, if negate { "`ifndef`" } else { "`ifdef`" });
        // Whether a symbol is defined may depend on `my_` variables, which journals leave out.
        self.taint_journal();
        let line = cursor.line();
        let symbol = cursor.extract(Flags::NONE, self);
        let name = symbol.value.as_str().to_owned();
        if !cursor.more_args() {
            return self.warn(
                word,
                ctx,
                "`ifdef`/`ifndef` needs a symbol and a command".to_owned(),
            );
        }
        let command = cursor.extract(Flags::SPACE, self);
        let defined = if !symbol.value.is_known() {
            None
        } else if matches!(vars::lookup(&name), Some((_, Availability::ThisBuild)))
            || vars::is_command(&name)
            || vars::is_other_symbol(&name)
            || self.state.my_var(&name).is_some()
            || (name == "HOME" && self.state.home().is_some())
        {
            Some(true)
        } else {
            // Only the environment is left, and maillint does not read it.
            let span = symbol.span(line);
            self.report(
                NotFollowed::metadata(),
                None,
                span,
                ctx,
                format!(
                    "`{name}` is not a NeoMutt variable, command or feature; it could only be an \
                     environment variable, which maillint does not read: treated as undefined"
                ),
            );
            Some(false)
        };
        match defined {
            Some(defined) if defined != negate => {
                let outcome = self.run_line(&command.value, ctx);
                match outcome {
                    Outcome::Warning => Outcome::Success,
                    other => other,
                }
            }
            Some(_) => Outcome::Success,
            None => {
                self.report(
                    NotFollowed::metadata(),
                    None,
                    symbol.span(line),
                    ctx,
                    "the symbol of this `ifdef` comes from a value maillint does not know: the \
                     command is not followed"
                        .to_owned(),
                );
                Outcome::Success
            }
        }
    }
}

fn io_reason(err: &std::io::Error) -> String {
    if let Some(reason) = err.get_ref() {
        // maillint's own reasons (too large, not a regular file, another owner's file).
        return reason.to_string();
    }
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::without_cur_dirs;

    #[test]
    fn clean_paths_are_kept_as_their_components_would_rebuild_them() {
        // Every path of up to seven bytes of `a`, `.` and `/`, alone and after a folder.
        let mut paths = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..7 {
            last = last.iter().flat_map(|p| ["a", ".", "/"].map(|b| format!("{p}{b}"))).collect();
            paths.extend(last.iter().cloned());
        }
        let mut kept = 0;
        for path in &paths {
            for full in [PathBuf::from(path), PathBuf::from("/home/u/.mutt").join(path)] {
                let rebuilt: PathBuf = full
                    .components()
                    .filter(|c| !matches!(c, std::path::Component::CurDir))
                    .collect();
                let fast = without_cur_dirs(full.clone());
                assert_eq!(fast.as_os_str(), rebuilt.as_os_str(), "{full:?}");
                kept += usize::from(fast.as_os_str() == full.as_os_str());
            }
        }
        assert!(kept > 1000, "{kept}");
    }
}

#!/usr/bin/env python3
"""Generates src/neomutt_tables.rs: NeoMutt's variables (name, type, default), the old names
it accepts as synonyms, and its command names, by asking the installed `neomutt` binary.

Why probe the binary instead of copying its source: the oracle test compares maillint with
this very binary, so the tables must describe exactly what it accepts. Every probe runs
`neomutt -n -F FILE` with an empty environment, a throw-away HOME and stdin closed; the probe
files contain only `set`/`reset`/bare command names, never a backtick or a `source`.

Usage (from crates/maillint-mutt, about a minute):
    python3 tools/gen_neomutt_tables.py > src/neomutt_tables.rs && cargo fmt -p maillint-mutt
The oracle test fails when the installed NeoMutt is not the version the tables name.
"""

import os
import re
import subprocess
import sys
import tempfile

WORK = tempfile.mkdtemp(prefix="maillint-gen-")
HOME_A = os.path.join(WORK, "home-a")
HOME_B = os.path.join(WORK, "home-b")
for d in (HOME_A, HOME_B):
    os.makedirs(d)

ENV_A = {"PATH": "/usr/bin:/bin", "HOME": HOME_A}
ENV_B = {
    "PATH": "/usr/bin:/bin", "HOME": HOME_B, "USER": "someone", "LOGNAME": "someone",
    "MAIL": "/x/mailfile", "EDITOR": "ed-b", "VISUAL": "vis-b", "SHELL": "/bin/zsh",
    "TMPDIR": "/tmp/tmp-b", "REPLYTO": "r@example.org", "EMAIL": "e@example.org",
    "NNTPSERVER": "news.example.org", "ORGANIZATION": "org-b", "LANG": "C.UTF-8",
    "TERM": "xterm", "PAGER": "less",
}


def run(rc_text, args, env=ENV_A):
    path = os.path.join(WORK, "probe.rc")
    with open(path, "w") as f:
        f.write(rc_text)
    p = subprocess.run(["neomutt", "-n", "-F", path] + args, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=30, cwd=WORK)
    return p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), path


def unescape(s):
    out, i = [], 0
    table = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "e": "\x1b", "g": "\x07",
             '"': '"', "\\": "\\"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(table.get(s[i + 1], "\\" + s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


LINE = re.compile(r'^set (\S+) = (.*)$')


def parse_dump(text):
    values = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        name, raw = m.group(1), m.group(2)
        if raw.startswith('"') and raw.endswith('"'):
            values[name] = ("quoted", unescape(raw[1:-1]))
        else:
            values[name] = ("bare", raw)
    return values


def query(name, rc_text="", env=ENV_A):
    out, err, _ = run(rc_text, ["-Q", name], env)
    vals = parse_dump(out)
    return vals, err


def errors_by_line(err, path):
    result = {}
    for line in err.splitlines():
        m = re.match(r'^(?:Error|Warning) in ' + re.escape(path) + r', line (\d+): (.*)$', line)
        if m:
            result[int(m.group(1))] = m.group(2)
    return result


def batch(lines, size=100):
    for i in range(0, len(lines), size):
        yield lines[i:i + size]


def main():
    version = subprocess.run(["neomutt", "-v"], capture_output=True, env=ENV_A,
                             stdin=subprocess.DEVNULL).stdout.decode().splitlines()[0]
    dump, _, _ = run("", ["-D"])
    canonical = sorted(parse_dump(dump).keys())

    # Defaults as -Q prints them (the same string `$name` expands to), in two environments.
    defaults = {}
    for name in canonical:
        a, _ = query(name, env=ENV_A)
        b, _ = query(name, env=ENV_B)
        defaults[name] = (a.get(name), b.get(name))

    # Defaults that name the -F file or come from the password database / host name.
    always_env = {
        "alias_file": "the configuration file neomutt was started with",
        "hostname": "the machine's host name",
        "real_name": "the user's name in the password database",
        "spool_file": "$MAIL, $MAILDIR or /var/mail/$USER",
    }

    # Bool or quad: a quad accepts ask-yes.
    yes_no = [n for n in canonical if defaults[n][0] and defaults[n][0][0] == "bare"
              and defaults[n][0][1] in ("yes", "no", "ask-yes", "ask-no")]
    bools = set()
    for chunk in batch(yes_no):
        text = "".join(f"set {n}=ask-yes\n" for n in chunk)
        _, err, path = run(text, [])
        errs = errors_by_line(err, path)
        for i, n in enumerate(chunk, start=1):
            if i in errs and "boolean" in errs[i].lower():
                bools.add(n)

    kinds = {}
    for n in canonical:
        kind_a = defaults[n][0]
        if n in bools:
            kinds[n] = "Bool"
        elif n in yes_no:
            kinds[n] = "Quad"
        elif kind_a and kind_a[0] == "bare":
            kinds[n] = "Number"
        else:
            # A string: how does `set` transform it, and does it validate? -Q prettifies path
            # values (home shown as `~`), so read the stored value back through `$NAME`, which
            # expands to exactly what `set` stored.
            probe = "ts_icon_format" if n == "status_format" else "status_format"
            vals, err = query(probe, f"set {n}=+zz\nset {probe}=\"${n}\"\n")
            got = vals.get(probe, ("", ""))[1]
            validated = "Error" in err
            if got == os.path.join(HOME_A, "Mail", "zz"):
                expand = "Full"
            else:
                vals, err2 = query(probe, f"set {n}=~/zz\nset {probe}=\"${n}\"\n")
                got = vals.get(probe, ("", ""))[1]
                expand = "Tilde" if got == os.path.join(HOME_A, "zz") else "None"
                validated = validated or "Error" in err2
            _, err3 = query(n, f"set {n}=zzz_not_a_valid_value_zzz\n")
            validated = validated or "Error" in err3
            _, err4 = query(n, f"set {n}=a\nset {n}-=a\n")
            is_list = "Error" not in err4
            kinds[n] = f"String {{ expand: Expand::{expand}, validated: {str(validated).lower()}, list: {str(is_list).lower()} }}"

    # Synonyms: every identifier in the binary that `set ?NAME` accepts but -D does not list.
    # The linker merges a string into the tail of a longer one ("spoolfile" lives inside
    # "virtual_spoolfile"), so every suffix of every printable string is a candidate.
    words = subprocess.run(["strings", "/usr/bin/neomutt"], capture_output=True).stdout.decode(
        "utf-8", "replace").split()
    strings = {w[i:] for w in words for i in range(len(w))}
    candidates = sorted({s for s in strings if re.fullmatch(r"[a-z][a-z0-9_]{2,40}", s)}
                        - set(canonical))
    accepted = []
    for chunk in batch(candidates):
        text = "".join(f"set ?{n}\n" for n in chunk)
        _, err, path = run(text, [])
        errs = errors_by_line(err, path)
        for i, n in enumerate(chunk, start=1):
            if not (i in errs and "unknown variable" in errs[i]):
                accepted.append(n)
    synonyms = []
    for n in accepted:
        out, _, _ = run("", ["-Q", n])
        vals = parse_dump(out)
        if len(vals) == 1:
            synonyms.append((n, next(iter(vals))))

    # Commands: every identifier in the binary that is not an unknown command. `finish` would
    # stop reading the probe file, so it is known up front.
    cmd_candidates = sorted({s for s in strings if re.fullmatch(r"[a-z][a-z0-9_-]{1,40}", s)}
                            - {"finish"})
    commands = ["finish"]
    for chunk in batch(cmd_candidates):
        text = "".join(f"{n}\n" for n in chunk)
        _, err, path = run(text, [])
        errs = errors_by_line(err, path)
        for i, n in enumerate(chunk, start=1):
            if not (i in errs and errs[i] == f"{n}: unknown command"):
                commands.append(n)
    commands.sort()

    # Other symbols `ifdef` accepts (NeoMutt's functions, e.g. `change-folder`): a line
    # `ifndef NAME "zzprobe"` fails with "zzprobe: unknown command" exactly when NAME is not
    # defined. Variables, synonyms, commands and features are listed separately.
    known = set(canonical) | {a for a, _ in synonyms} | set(commands)
    symbols = []
    sym_candidates = sorted({s for s in strings if re.fullmatch(r"[a-z][a-z0-9_-]{1,40}", s)}
                            - known)
    for chunk in batch(sym_candidates):
        text = "".join(f'ifndef {n} "zzprobe"\n' for n in chunk)
        _, err, path = run(text, [])
        errs = errors_by_line(err, path)
        for i, n in enumerate(chunk, start=1):
            if i not in errs:
                symbols.append(n)

    def rust_str(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
            "\r", "\\r").replace("\t", "\\t").replace("\x1b", "\\u{1b}").replace(
            "\x07", "\\u{7}").replace("\x0c", "\\u{c}") + '"'

    out = []
    out.append("//! NeoMutt's variables, synonyms and commands, generated from the installed binary.")
    out.append("//!")
    out.append(f"//! Generated by `tools/gen_neomutt_tables.py` from `{version}` (Debian 12). Do not edit")
    out.append("//! by hand: rerun the script (it probes `neomutt -n -F FILE -Q NAME`, see its doc string).")
    out.append("")
    out.append("use crate::vars::{DefaultValue, Expand, VarDef, VarKind};")
    out.append("")
    out.append(f"/// The NeoMutt version the tables describe.")
    out.append(f"pub const NEOMUTT_VERSION: &str = {rust_str(version)};")
    out.append("")
    out.append("/// Every variable NeoMutt knows, sorted by name.")
    out.append("pub(crate) static VARIABLES: &[VarDef] = &[")
    for n in canonical:
        a, b = defaults[n]
        va = a[1] if a else ""
        vb = b[1] if b else ""
        if n in always_env:
            default = f"DefaultValue::Environment({rust_str(always_env[n])})"
        elif va.startswith(HOME_A) and vb == HOME_B + va[len(HOME_A):]:
            default = f"DefaultValue::Home({rust_str(va[len(HOME_A):])})"
        elif va != vb:
            default = f"DefaultValue::Environment({rust_str('the environment of the neomutt process')})"
        else:
            default = f"DefaultValue::Literal({rust_str(va)})"
        out.append(f"    VarDef {{ name: {rust_str(n)}, kind: VarKind::{kinds[n]}, default: {default} }},")
    out.append("];")
    out.append("")
    out.append("/// Old names NeoMutt still accepts, with the name they stand for, sorted.")
    out.append("pub(crate) static SYNONYMS: &[(&str, &str)] = &[")
    for a, b in sorted(synonyms):
        out.append(f"    ({rust_str(a)}, {rust_str(b)}),")
    out.append("];")
    out.append("")
    out.append("/// Every command name NeoMutt accepts, sorted.")
    out.append("pub(crate) static COMMANDS: &[&str] = &[")
    for c in commands:
        out.append(f"    {rust_str(c)},")
    out.append("];")
    out.append("")
    out.append("/// Other names `ifdef` treats as defined (NeoMutt's functions and enabled features).")
    out.append("pub(crate) static OTHER_SYMBOLS: &[&str] = &[")
    for f in sorted(symbols):
        out.append(f"    {rust_str(f)},")
    out.append("];")
    print("\n".join(out))


if __name__ == "__main__":
    main()

//! Reading the XML: quick-xml's namespaced events into the element tree of accounts and
//! protocols, with every element's span and each namespace or reference problem reported.

use super::*;

pub(super) fn parse_autodiscover(root: FileId, file: &SourceFile) -> ParsedUnit {
    let text = file.text();
    let mut unit = ParsedUnit::default();
    let span = |range: TextRange| Span { file: root, range };
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut accounts: Vec<AccountData> = Vec::new();
    let mut email: Option<Child> = None;
    let mut saw_root = false;
    loop {
        let before = reader.buffer_position() as usize;
        let result = reader.read_resolved_event().map(|(ns, event)| {
            let ns = match ns {
                ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
                ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
            };
            (ns, event)
        });
        let after = reader.buffer_position() as usize;
        let (namespace, event) = match result {
            Ok(found) => found,
            Err(error) => {
                let at = (reader.error_position() as usize).min(text.len());
                unit.diagnostics.push(Diagnostic::new(
                    ParseError::metadata(),
                    Span::point(root, at),
                    format!("not well-formed XML: {error}"),
                ));
                // Outlook rejects a response it cannot parse: it configures nothing from it.
                return unit;
            }
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let position = (before, after);
                let opened =
                    open_element(&mut unit, root, text, &stack, start, namespace, position);
                let Some(frame) = opened else { return unit };
                saw_root = true;
                if matches!(event, Event::Empty(_)) {
                    close(text, frame, after, after, true, &mut stack, &mut accounts, &mut email);
                } else {
                    stack.push(frame);
                }
            }
            Event::End(_) => {
                if let Some(frame) = stack.pop() {
                    close(text, frame, before, after, false, &mut stack, &mut accounts, &mut email);
                }
            }
            Event::Text(_) => {
                if let Some(frame) = stack.last_mut() {
                    frame.text.push_str(&text[before..after]);
                }
            }
            Event::CData(_) => {
                if let Some(frame) = stack.last_mut() {
                    // `<![CDATA[` is 9 characters, `]]>` 3.
                    frame.text.push_str(&text[before + 9..after - 3]);
                }
            }
            Event::GeneralRef(_) => {
                let name = &text[before + 1..after - 1];
                match (resolve_reference(name), stack.last_mut()) {
                    (Some(resolved), Some(frame)) => frame.text.push_str(&resolved),
                    (None, _) => unit.diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        span(TextRange::new(before, after)),
                        format!("unknown entity `&{name};`"),
                    )),
                    (Some(_), None) => {}
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !saw_root {
        unit.diagnostics.push(Diagnostic::new(
            ParseError::metadata(),
            Span::point(root, 0),
            "the file has no `<Autodiscover>` element",
        ));
        return unit;
    }
    accounts.iter().for_each(|account| check_account_values(account, &mut unit, root));
    build_accounts(root, file, accounts, email, &mut unit);
    sort_by_position(&mut unit.diagnostics);
    unit
}

/// The frame of an element that starts at `position` (its start tag's range), with its
/// namespace checked against the one Outlook reads it in; None when the root is not
/// `<Autodiscover>` (reported: nothing more is read).
pub(super) fn open_element(
    unit: &mut ParsedUnit,
    root: FileId,
    text: &str,
    stack: &[Frame],
    start: &quick_xml::events::BytesStart<'_>,
    namespace: Option<String>,
    (before, after): (usize, usize),
) -> Option<Frame> {
    let local = start.local_name().into_inner().to_owned();
    let qname = start.name().into_inner().to_owned();
    // The root and its other children (`<Error>`) are in the 2006 schema;
    // `<Response>` starts the Outlook 2006a schema, which its content inherits.
    let expected = match stack.last() {
        None => NS_AUTODISCOVER,
        Some(parent) if stack.len() == 1 && local != "Response" => parent.expected,
        Some(_) if stack.len() == 1 => NS_OUTLOOK_RESPONSE,
        Some(parent) => parent.expected,
    };
    if stack.is_empty() && local != "Autodiscover" {
        unit.diagnostics.push(Diagnostic::new(
            ParseError::metadata(),
            Span { file: root, range: TextRange::new(before, after) },
            format!("the root element is `<{qname}>`, not `<Autodiscover>`"),
        ));
        return None;
    }
    // Children of the root other than `<Response>` (an `<Error>`) are not read.
    let parent_mismatched = stack.last().is_some_and(|f| f.mismatched);
    let mismatched = namespace.as_deref() != Some(expected);
    if mismatched && !parent_mismatched {
        report_namespace(unit, root, text, before, &qname, namespace.as_deref(), expected);
    }
    Some(Frame {
        local,
        qname,
        mismatched: mismatched || parent_mismatched,
        expected,
        start: before,
        start_tag_end: after,
        text: String::new(),
        children: Vec::new(),
        protocols: Vec::new(),
    })
}

/// The text of `&name;`: a character reference or one of XML's predefined entities.
pub(super) fn resolve_reference(name: &str) -> Option<String> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse().ok(),
        };
        return code.and_then(char::from_u32).map(String::from);
    }
    quick_xml::escape::resolve_predefined_entity(name).map(str::to_owned)
}

pub(super) fn report_namespace(
    unit: &mut ParsedUnit,
    root: FileId,
    text: &str,
    start: usize,
    qname: &str,
    actual: Option<&str>,
    expected: &str,
) {
    let name_range = TextRange::new(start + 1, start + 1 + qname.len());
    let mut diagnostic = Diagnostic::new(
        AutodiscoverNamespace::metadata(),
        Span { file: root, range: name_range },
        match actual {
            Some(actual) => format!("`<{qname}>` is in namespace `{actual}`, not `{expected}`"),
            None => format!("`<{qname}>` has no namespace; Outlook reads it in `{expected}`"),
        },
    )
    .with_why("Outlook matches Autodiscover elements by namespace and finds no settings here");
    // Only an unprefixed element without its own default namespace can take an attribute.
    let tag = &text[start..];
    let tag_end = tag.find('>').unwrap_or(tag.len());
    if !qname.contains(':') && !tag[..tag_end].contains("xmlns=") {
        diagnostic = diagnostic.with_fix(Fix {
            title: format!("Put `<{qname}>` in `{expected}`"),
            // Unsafe: Outlook starts to apply settings it ignored until now.
            applicability: Applicability::Unsafe,
            edits: vec![Edit::insert(
                Span::point(root, name_range.end as usize),
                format!(" xmlns=\"{expected}\""),
            )],
        });
    }
    unit.diagnostics.push(diagnostic);
}

/// Finishes an element: leaf values go to their parent, protocols to their account.
#[allow(clippy::too_many_arguments)]
pub(super) fn close(
    text: &str,
    frame: Frame,
    content_end: usize,
    element_end: usize,
    empty: bool,
    stack: &mut [Frame],
    accounts: &mut Vec<AccountData>,
    email: &mut Option<Child>,
) {
    let value_range = if empty {
        TextRange::empty(element_end)
    } else {
        let raw = &text[frame.start_tag_end..content_end];
        let start = frame.start_tag_end + (raw.len() - raw.trim_start().len());
        TextRange::new(start, start.max(frame.start_tag_end + raw.trim_end().len()))
    };
    match frame.local.as_str() {
        "Protocol" => {
            if let Some(parent) = stack.last_mut() {
                parent.protocols.push(ProtocolData {
                    children: frame.children,
                    range: TextRange::new(frame.start, element_end),
                    start_tag_end: frame.start_tag_end,
                });
            }
            return;
        }
        "Account" => {
            accounts.push(AccountData { protocols: frame.protocols, children: frame.children });
            return;
        }
        _ => {}
    }
    let child = Child {
        local: frame.local,
        qname: frame.qname,
        value: frame.text.trim().to_owned(),
        value_range,
        element_range: TextRange::new(frame.start, element_end),
        empty,
    };
    let Some(parent) = stack.last_mut() else { return };
    if child.local == "AutoDiscoverSMTPAddress" && parent.local == "User" {
        email.get_or_insert(child);
    } else if parent.local == "Protocol" || parent.local == "Account" {
        parent.children.push(child);
    }
}

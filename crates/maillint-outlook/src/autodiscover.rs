//! Autodiscover POX responses (`autodiscover.xml`): `<Account>` elements whose `<Protocol>`
//! children describe the IMAP, POP3 and SMTP servers Outlook should use (outlook.md 4).
//!
//! Elements are matched by namespace, not by prefix: the root `<Autodiscover>` is in the 2006
//! response schema, `<Response>` and everything in it in the Outlook 2006a schema. An element
//! in another namespace is reported (Outlook would not find it) and still read, so the other
//! rules see its settings.
//!
//! `reader` turns the XML into elements with spans, `build` makes accounts of them, `lower`
//! writes fixes back.

use std::path::Path;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, FieldChange, Fix};
use maillint_core::parser::HeadNeedle;
use maillint_core::{
    Account, AuthMethod, Client, Confidence, Diagnostic, Endpoint, FileId, HostName, Located,
    LowerError, ParseOptions, ParsedUnit, Parser, Protocol, RuleMeta, Security, SourceFile,
    Sources, Span, TextRange,
};

use crate::accounts::{encryption_security, security_as_encryption};

mod build;
mod lower;
mod reader;
#[cfg(test)]
mod tests;

use crate::rules::{AutodiscoverAmbiguousSsl, AutodiscoverInvalidValue, AutodiscoverNamespace};
use crate::text::{
    EditSet, WithFix, has_extension, sniff, sort_by_position, utf16_of, writable_host,
};
use build::*;
use lower::*;
use reader::*;

/// Reads Autodiscover POX responses.
#[derive(Debug, Default, Clone, Copy)]
pub struct AutodiscoverParser;

/// The namespace of the root `<Autodiscover>` element (outlook.md 4).
pub const NS_AUTODISCOVER: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
/// The namespace of `<Response>` and its content (outlook.md 4).
pub const NS_OUTLOOK_RESPONSE: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/// A leaf element read inside `<Protocol>` or `<User>`.
#[derive(Clone, Debug)]
struct Child {
    local: String,
    /// The qualified name as written (`Port`, `a:Port`), for rewriting an empty element.
    qname: String,
    value: String,
    /// The trimmed text content.
    value_range: TextRange,
    /// From `<` of the start tag to `>` of the end tag.
    element_range: TextRange,
    empty: bool,
}

/// An element being read.
#[derive(Debug)]
struct Frame {
    local: String,
    qname: String,
    /// The namespace Outlook expects here, and whether this element (or a parent) is outside it.
    mismatched: bool,
    expected: &'static str,
    start: usize,
    start_tag_end: usize,
    text: String,
    children: Vec<Child>,
    protocols: Vec<ProtocolData>,
}

#[derive(Clone, Debug)]
struct ProtocolData {
    children: Vec<Child>,
    range: TextRange,
    start_tag_end: usize,
}

#[derive(Debug)]
struct AccountData {
    protocols: Vec<ProtocolData>,
    /// Its leaf children (`<AccountType>`, `<Action>`, ...).
    children: Vec<Child>,
}

/// What [`AutodiscoverParser::lower`] needs for one endpoint.
#[derive(Clone, Debug)]
struct EndpointState {
    protocol: Protocol,
    children: Vec<Child>,
    insert_at: usize,
    /// Line break and indentation before an inserted element (empty on a one-line protocol).
    lead: String,
    prefix: String,
}

impl EndpointState {
    fn child(&self, local: &str) -> Option<&Child> {
        self.children.iter().find(|c| c.local.eq_ignore_ascii_case(local))
    }
}

#[derive(Debug)]
struct AutodiscoverState {
    file: FileId,
    endpoints: Vec<Vec<EndpointState>>,
}

impl Parser for AutodiscoverParser {
    /// XML comments.
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["<!--"]
    }

    fn name(&self) -> &'static str {
        "outlook-autodiscover"
    }

    fn client(&self) -> Client {
        crate::CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let named = maillint_core::parser::file_name(path)
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("autodiscover.xml"));
        if named && has_extension(path, "xml") {
            return Some(Confidence::Name);
        }
        // Both namespaces share this start; one search rules out nearly every file, in the raw
        // bytes unless the head is UTF-16.
        const SHARED: &str = "schemas.microsoft.com/exchange/autodiscover/";
        static NAMESPACE: HeadNeedle = HeadNeedle::new(SHARED);
        if utf16_of(head).is_none() && !NAMESPACE.is_in(head) {
            return None;
        }
        let text = sniff(head);
        if !text.contains(SHARED) {
            return None;
        }
        (text.contains(NS_AUTODISCOVER) || text.contains(NS_OUTLOOK_RESPONSE))
            .then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let mut unit = parse_autodiscover(root, &file);
        crate::secrets::add_swept(&mut unit, root, file.text());
        unit
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        _sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let (state, endpoint) = crate::accounts::lowering_target::<AutodiscoverState, _>(
            unit,
            "Autodiscover",
            |s| &s.endpoints,
            account,
            endpoint,
        )?;
        lower_autodiscover(state.file, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        crate::rules::for_autodiscover()
    }
}

//! Tests of the Autodiscover parser: namespaces, values, accounts and fixes.

use super::*;
use maillint_core::fix::apply_edits;

const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User><AutoDiscoverSMTPAddress>me@example.net</AutoDiscoverSMTPAddress></User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol>
        <Type>IMAP</Type>
        <Server>imap.example.net</Server>
        <Port>993</Port>
        <SSL>on</SSL>
        <SPA>off</SPA>
        <AuthRequired>on</AuthRequired>
      </Protocol>
      <Protocol>
        <Type>SMTP</Type>
        <Server>smtp.example.net</Server>
        <Port>587</Port>
        <Encryption>TLS</Encryption>
        <AuthRequired>on</AuthRequired>
      </Protocol>
    </Account>
  </Response>
</Autodiscover>
"#;

fn parse(text: &str) -> (Sources, ParsedUnit) {
    crate::testing::parse_as(&AutodiscoverParser, "autodiscover.xml", text)
}

fn relower(text: &str, endpoint: usize, changes: &[FieldChange]) -> (String, ParsedUnit) {
    crate::testing::relower_as(&AutodiscoverParser, "autodiscover.xml", text, endpoint, changes)
}

#[test]
fn reads_the_reference_response() {
    let (sources, unit) = parse(SAMPLE);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let account = &unit.accounts[0];
    assert_eq!(account.email.as_ref().unwrap().value, "me@example.net");
    let imap = &account.endpoints[0];
    assert_eq!(sources.slice(imap.host.as_ref().unwrap().span), "imap.example.net");
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert_eq!(imap.auth.value, AuthMethod::PasswordCleartext);
    let smtp = &account.endpoints[1];
    assert_eq!(smtp.security.value, Security::StarttlsRequired);
    assert_eq!(smtp.port.as_ref().unwrap().value, 587);
}

#[test]
fn prefixed_namespaces_are_resolved_and_wrong_ones_reported() {
    let prefixed = SAMPLE
        .replace("<Response xmlns=", "<r:Response xmlns:r=")
        .replace("</Response>", "</r:Response>")
        .replace("<Protocol>", "<r:Protocol xmlns=\"urn:other\">")
        .replace("</Protocol>", "</r:Protocol>");
    let (_, unit) = parse(&prefixed);
    // The protocols' children are now in `urn:other`, and the protocols themselves are
    // prefixed into the right namespace: only the children are reported, once per protocol.
    let names: Vec<&str> = unit.diagnostics.iter().map(|d| d.rule.name.as_str()).collect();
    assert!(names.iter().all(|n| *n == "autodiscover-namespace"), "{names:?}");
    assert!(!names.is_empty());
    assert_eq!(unit.accounts[0].endpoints.len(), 2);

    let missing = SAMPLE.replace(
            "<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">",
            "<Response>",
        );
    let (sources, unit) = parse(&missing);
    assert_eq!(unit.diagnostics.len(), 1);
    assert_eq!(sources.slice(unit.diagnostics[0].span), "Response");
    let fix = unit.diagnostics[0].fix.as_ref().unwrap();
    let fixed =
        apply_edits(&missing, &[(fix.edits[0].span.range, fix.edits[0].content.as_str())]).unwrap();
    assert_eq!(fixed, SAMPLE);
}

#[test]
fn ssl_on_a_starttls_port_is_ambiguous_and_fixable() {
    let text = SAMPLE.replace("<Encryption>TLS</Encryption>", "<SSL>on</SSL>");
    let (_, unit) = parse(&text);
    let smtp = &unit.accounts[0].endpoints[1];
    assert_eq!(smtp.security.value, Security::Unknown);
    let d = &unit.diagnostics[0];
    assert_eq!(d.rule.name, "autodiscover-ambiguous-ssl");
    let edit = &d.fix.as_ref().unwrap().edits[0];
    let fixed = apply_edits(&text, &[(edit.span.range, edit.content.as_str())]).unwrap();
    assert!(fixed.contains("<SSL>on</SSL>\n        <Encryption>TLS</Encryption>\n"));
    let (_, reparsed) = parse(&fixed);
    assert_eq!(reparsed.accounts[0].endpoints[1].security.value, Security::StarttlsRequired);
    assert!(reparsed.diagnostics.is_empty());
}

#[test]
fn an_error_element_in_the_root_namespace_is_not_a_namespace_finding() {
    let text = format!(
        "<Autodiscover xmlns=\"{NS_AUTODISCOVER}\">\n  <Response>\n    <Error><ErrorCode>500</ErrorCode></Error>\n  </Response>\n</Autodiscover>\n"
    );
    let (_, unit) = parse(&text);
    // Only `<Response>` is in the wrong namespace; its content is not reported again.
    assert_eq!(unit.diagnostics.len(), 1);
    let text = format!("<Autodiscover xmlns=\"{NS_AUTODISCOVER}\"><Error/></Autodiscover>");
    assert!(parse(&text).1.diagnostics.is_empty());
}

#[test]
fn lowering_replaces_text_and_inserts_missing_elements_with_indentation() {
    let (new, unit) = relower(
        SAMPLE,
        0,
        &[FieldChange::Port(143), FieldChange::Security(Security::StarttlsRequired)],
    );
    assert!(new.contains("<Port>143</Port>"));
    assert!(new.contains(
        "<AuthRequired>on</AuthRequired>\n        <Encryption>TLS</Encryption>\n      </Protocol>"
    ));
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::StarttlsRequired);
    let (new, unit) = relower(
        SAMPLE,
        1,
        &[FieldChange::Host("mail.example.net".to_owned()), FieldChange::Auth(AuthMethod::Ntlm)],
    );
    assert!(new.contains("<Server>mail.example.net</Server>"));
    assert_eq!(unit.accounts[0].endpoints[1].auth.value, AuthMethod::Ntlm);
}

#[test]
fn malformed_xml_is_a_parse_error_with_a_position() {
    let text = "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n</Autodiscover>\n";
    let (sources, unit) = parse(text);
    assert_eq!(unit.diagnostics.len(), 1);
    assert_eq!(unit.diagnostics[0].rule.name, "parse-error");
    let at = sources.start(unit.diagnostics[0].span);
    assert_eq!(at.line, 3);
    assert!(unit.accounts.is_empty());
}

#[test]
fn every_value_outlook_reads_is_checked_at_its_line_and_column() {
    let text = SAMPLE
        .replace("<Port>993</Port>", "<Port>imaps</Port>")
        .replace("<SPA>off</SPA>", "<SPA>yes</SPA>")
        .replace(
            "<Encryption>TLS</Encryption>",
            "<Encryption>STARTTLS</Encryption><TTL>1.5</TTL><SMTPLast>1</SMTPLast>\
                 <UsePOPAuth>off</UsePOPAuth><DomainRequired>maybe</DomainRequired>",
        )
        .replace("<Type>IMAP</Type>", "<Type>IMAP4</Type>");
    let (sources, unit) = parse(&text);
    let found: Vec<(&str, &str, u32)> = unit
        .diagnostics
        .iter()
        .map(|d| (d.rule.name.as_str(), sources.slice(d.span), sources.start(d.span).line))
        .collect();
    assert_eq!(
        found,
        [
            ("autodiscover-invalid-value", "IMAP4", 9),
            ("autodiscover-invalid-value", "STARTTLS", 20),
            ("autodiscover-invalid-value", "1.5", 20),
            ("autodiscover-invalid-value", "1", 20),
            ("autodiscover-invalid-value", "maybe", 20),
        ]
    );
    let text = SAMPLE
        .replace("<Port>993</Port>", "<Port>imaps</Port>")
        .replace("<SPA>off</SPA>", "<SPA>yes</SPA>");
    let (sources, unit) = parse(&text);
    let spans: Vec<&str> = unit.diagnostics.iter().map(|d| sources.slice(d.span)).collect();
    assert_eq!(spans, ["imaps", "yes"]);
    assert!(unit.diagnostics.iter().all(|d| d.rule.code == "K310"));
}

#[test]
fn account_type_and_action_are_checked_at_their_value() {
    let text = SAMPLE
        .replace("<AccountType>email</AccountType>", "<AccountType>imap</AccountType>")
        .replace("<Action>settings</Action>", "<Action>configure</Action>");
    let (sources, unit) = parse(&text);
    let found: Vec<(&str, &str, u32, u32)> = unit
        .diagnostics
        .iter()
        .map(|d| {
            let at = sources.start(d.span);
            (d.rule.code.as_str(), sources.slice(d.span), at.line, at.column)
        })
        .collect();
    assert_eq!(found, [("K310", "imap", 6, 20), ("K310", "configure", 7, 15)]);
    assert!(unit.diagnostics[1].message.contains("`redirectUrl`, `redirectAddr` or `settings`"));
    // The documented values, in any case, pass; the protocols are still read.
    let text = SAMPLE.replace("<Action>settings</Action>", "<Action>redirectAddr</Action>");
    let (_, unit) = parse(&text.replace(">email<", ">Email<"));
    assert!(unit.diagnostics.is_empty());
    assert_eq!(unit.accounts[0].endpoints.len(), 2);
}

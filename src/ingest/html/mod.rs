//! HTML ingestion: bytes → decoded text → DOM (html5ever via scraper) → the notice's
//! subtree → lines with layout cues.
//!
//! * [`charset`]: BOM, `<meta>` declarations, chardetng detection.
//! * [`content`]: the main content and the page furniture around it.
//! * [`render`]: lines, paragraph breaks, headings, pseudo-headings, lists, tables.
//! * [`cloak`]: `mailto:` links and Joomla's e-mail cloaking.
//! * [`depth`]: flattening of absurdly deep nesting before parsing.

pub mod charset;
pub mod cloak;
pub mod content;
pub mod depth;
pub mod render;

use std::collections::HashSet;

use ego_tree::NodeId;

use scraper::{Html, Node};

use super::{IngestError, Ingested};
use crate::model::{Format, Warning};

/// A map keyed by the nodes of one parsed page. Node ids are indexes the parser hands
/// out, not text from the page, so the fast Fx hash is safe here (SipHash, the
/// standard one, was a tenth of content selection).
pub type NodeMap<V> = rustc_hash::FxHashMap<NodeId, V>;

/// Ingest an HTML page or fragment.
///
/// Returns the visible text of the notice in document order: one [`super::SourceLine`]
/// per rendered line, an empty line between blocks, with heading levels (`h1`..`h6`),
/// emphasis (bold pseudo-headings, `<dt>`, title classes) and list-item cues.
/// Warnings: `encoding-guessed` (no BOM or declaration), `encoding-mismatch` (the
/// declaration was wrong), `encoding-invalid` (bytes invalid in the encoding),
/// `hidden-text-kept` (the notice sat in a hidden element), `email-hidden` (an address
/// hidden by spam protection could not be recovered), `html-too-deep` (nesting past
/// [`depth::MAX_DEPTH`] was flattened).
///
/// # Errors
/// [`IngestError::NotText`] for binary data, [`IngestError::NoText`] when nothing
/// visible remains.
pub fn ingest_html(bytes: &[u8]) -> Result<Ingested, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    if looks_binary(bytes) {
        return Err(IngestError::NotText(
            "binary data (NUL or control bytes), not HTML".into(),
        ));
    }
    let decoded = charset::decode(bytes);
    let mut warnings = Vec::new();
    match decoded.source {
        charset::Source::Guessed => warnings.push(Warning::new(
            "encoding-guessed",
            format!(
                "the page declares no character encoding; {} was guessed from its bytes",
                decoded.label()
            ),
        )),
        charset::Source::Overridden => warnings.push(Warning::new(
            "encoding-mismatch",
            format!(
                "the page declares {} but is not valid in it; decoded as {}",
                decoded
                    .declared
                    .map_or("?".into(), |e| e.name().to_ascii_lowercase()),
                decoded.label()
            ),
        )),
        _ => {}
    }
    if decoded.had_errors {
        warnings.push(Warning::new(
            "encoding-invalid",
            format!(
                "some bytes are not valid {} and were replaced with U+FFFD",
                decoded.label()
            ),
        ));
    }

    let capped = depth::cap_nesting(&decoded.text);
    if capped.is_some() {
        warnings.push(Warning::new(
            "html-too-deep",
            format!(
                "elements nested deeper than {} levels were flattened",
                depth::MAX_DEPTH
            ),
        ));
    }
    let doc = Html::parse_document(capped.as_deref().unwrap_or(&decoded.text));
    let cloaks = collect_cloaks(&doc);
    let selection = content::select(&doc);
    if selection.kept_hidden {
        warnings.push(Warning::new(
            "hidden-text-kept",
            "the notice is inside an element the page hides; its text was kept",
        ));
    }
    let root = doc
        .tree
        .get(selection.root)
        .ok_or_else(|| IngestError::Html("content root vanished".into()))?;
    let rendered = render::render(root, &selection.dropped, &cloaks);
    if rendered.hidden_emails > 0 {
        warnings.push(Warning::new(
            "email-hidden",
            format!(
                "an e-mail address was hidden by the page's spam protection ({} place{})",
                rendered.hidden_emails,
                if rendered.hidden_emails == 1 { "" } else { "s" }
            ),
        ));
    }
    if rendered.lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(IngestError::NoText);
    }
    Ok(Ingested {
        format: Format::Html,
        encoding: Some(decoded.label()),
        pages: None,
        lines: rendered.lines,
        warnings,
    })
}

/// NUL bytes or many C0 control bytes in the head of the file: not a web page.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    // UTF-16 with a BOM has NULs legitimately.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    head.contains(&0) || controls * 20 > head.len()
}

/// Addresses rebuilt from Joomla cloaking scripts, keyed by the cloak span they fill,
/// or by the script itself when it writes the address where it stands.
fn collect_cloaks(doc: &Html) -> render::Cloaks {
    let mut out = render::Cloaks::default();
    let span_ids: HashSet<&str> = doc
        .tree
        .root()
        .descendants()
        .filter_map(|n| n.value().as_element()?.id()?.strip_prefix("cloak"))
        .collect();
    for node in doc.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        if el.name() != "script" {
            continue;
        }
        let script: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        let mut found = std::collections::HashMap::new();
        cloak::parse_script(&script, &mut found);
        for (hash, c) in found {
            if span_ids.contains(hash.as_str()) {
                out.by_hash.insert(hash, c);
            } else if script.contains("document.write") {
                out.written_by_script.insert(node.id(), c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        ingest_html(html.as_bytes())
            .unwrap()
            .lines
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn fragment_keeps_everything_visible() {
        let t = texts(
            "<h2>1. Rekisterinpitäjä</h2><p>Yhdistys ry</p><script>x()</script><style>p{}</style>",
        );
        assert_eq!(t, ["1. Rekisterinpitäjä", "", "Yhdistys ry"]);
    }

    #[test]
    fn joomla_cloak_recovered_or_warned() {
        let page = "<p>Sähköposti: <span id=\"cloakab12\">Tämä sähköpostiosoite on suojattu spamboteilta. Tarvitset JavaScript-tuen nähdäksesi sen.</span><script>document.getElementById('cloakab12').innerHTML = ''; var addyab12 = 'tietosuoja' + '&#64;'; addyab12 = addyab12 + 'kunta' + '&#46;' + 'fi';</script></p>";
        let ing = ingest_html(page.as_bytes()).unwrap();
        assert_eq!(ing.lines[0].text, "Sähköposti: tietosuoja@kunta.fi");
        assert!(ing.warnings.iter().all(|w| w.code != "email-hidden"));
        let page = "<p>Sähköposti: <span id=\"cloakab12\">Tämä sähköpostiosoite on suojattu spamboteilta. Tarvitset JavaScript-tuen nähdäksesi sen.</span></p>";
        let ing = ingest_html(page.as_bytes()).unwrap();
        assert!(ing.lines[0].text.contains("spamboteilta"));
        assert!(ing.warnings.iter().any(|w| w.code == "email-hidden"));
    }

    #[test]
    fn binary_and_empty() {
        assert!(matches!(ingest_html(b""), Err(IngestError::Empty)));
        assert!(matches!(
            ingest_html(b"\x00\x01\x02PK"),
            Err(IngestError::NotText(_))
        ));
        assert!(matches!(
            ingest_html(b"<html><body> <script>x</script></body></html>"),
            Err(IngestError::NoText)
        ));
    }
}

//! Nesting cap. html5ever has no depth limit and several of its tree-construction
//! steps scan the whole stack of open elements, so 100,000 nested `<div>`s take
//! minutes. Like Blink (which caps its DOM depth at 512), we flatten anything deeper
//! than [`MAX_DEPTH`] before parsing: start tags past the cap, and their end tags,
//! are removed from the markup; their text stays. Normal pages are untouched.
//!
//! The scan is a light tokenizer: comments, doctype, raw-text elements (`script`,
//! `style`...), void elements, and the implied ends of `p`, `li`, `dt`/`dd`, table
//! rows and cells, so that long runs of unclosed siblings do not count as depth.

use std::collections::HashMap;

/// Elements nested deeper than this are flattened.
pub const MAX_DEPTH: usize = 512;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];
/// Start tags that close an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "div",
    "dl",
    "fieldset",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "li",
    "dd",
    "dt",
];

/// The markup with elements past [`MAX_DEPTH`] flattened, or `None` when the page
/// is not that deep.
pub fn cap_nesting(html: &str) -> Option<String> {
    cap_nesting_at(html, MAX_DEPTH)
}

fn cap_nesting_at(html: &str, cap: usize) -> Option<String> {
    let bytes = html.as_bytes();
    // Each level of nesting takes a start tag, and each tag a `<`: markup with fewer
    // than `cap` of them cannot be too deep, and most pages need no scan.
    if bytes.iter().filter(|&&b| b == b'<').count() < cap {
        return None;
    }
    let mut stack = Stack::default();
    let mut suppressed: HashMap<String, usize> = HashMap::new();
    // Byte ranges to remove.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr(b'<', &bytes[i..]) {
        let start = i + off;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = memchr(b'>', &bytes[start..]).map_or(bytes.len(), |e| start + e + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if closing {
            if let Some(n) = suppressed.get_mut(&name).filter(|n| **n > 0) {
                *n -= 1;
                cuts.push((start, end));
            } else if stack.contains(&name) {
                if let Some(pos) = stack.names.iter().rposition(|s| *s == name) {
                    stack.truncate(pos);
                }
            }
            i = end;
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ci(bytes, end, close.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        if VOID.contains(&name.as_str()) || self_closing {
            i = end;
            continue;
        }
        close_implied(&mut stack, &name);
        if stack.names.len() >= cap {
            *suppressed.entry(name).or_default() += 1;
            cuts.push((start, end));
        } else {
            stack.push(name);
        }
        i = end;
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (s, e) in cuts {
        out.push_str(&html[last..s]);
        last = e;
    }
    out.push_str(&html[last..]);
    Some(out)
}

/// The open elements, with a count per name so that most look-ups need no scan.
#[derive(Default)]
struct Stack {
    names: Vec<String>,
    counts: HashMap<String, usize>,
}

impl Stack {
    fn push(&mut self, name: String) {
        *self.counts.entry(name.clone()).or_default() += 1;
        self.names.push(name);
    }

    fn truncate(&mut self, len: usize) {
        for name in self.names.drain(len..) {
            if let Some(n) = self.counts.get_mut(&name) {
                *n -= 1;
            }
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.counts.get(name).is_some_and(|n| *n > 0)
    }

    /// Pop up to and including the nearest of `targets`, unless a boundary comes first.
    fn pop_to(&mut self, targets: &[&str], boundaries: &[&str]) {
        if !targets.iter().any(|t| self.contains(t)) {
            return;
        }
        for pos in (0..self.names.len()).rev() {
            let s = self.names[pos].as_str();
            if targets.contains(&s) {
                self.truncate(pos);
                return;
            }
            if boundaries.contains(&s) {
                return;
            }
        }
    }
}

/// Pop the elements a start tag `name` closes implicitly.
fn close_implied(stack: &mut Stack, name: &str) {
    if CLOSES_P.contains(&name) {
        stack.pop_to(
            &["p"],
            &[
                "table", "td", "th", "caption", "button", "object", "template", "html",
            ],
        );
    }
    match name {
        "li" => stack.pop_to(&["li"], &["ul", "ol", "menu", "table"]),
        "dt" | "dd" => stack.pop_to(&["dt", "dd"], &["dl", "table"]),
        "tr" => stack.pop_to(&["tr"], &["table"]),
        "td" | "th" => stack.pop_to(&["td", "th"], &["tr", "table"]),
        "option" => stack.pop_to(&["option"], &["select"]),
        _ => {}
    }
}

/// Index just past the `>` ending a tag whose name ends at `from` (quotes respected).
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes[from..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return from + k + 1,
            None => {}
        }
    }
    bytes.len()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_untouched() {
        let page = "<html><body><ul><li>a<li>b<li>c</ul><p>x<p>y<script>if (a<b) {}</script><!-- <div> --></body></html>";
        assert_eq!(cap_nesting_at(page, 6), None);
        let many_items: String = "<li>x".repeat(100);
        assert_eq!(cap_nesting_at(&format!("<ul>{many_items}</ul>"), 5), None);
    }

    #[test]
    fn one_tag_past_the_cap_is_flattened() {
        for cap in 1..6 {
            let at_cap = "<div>".repeat(cap);
            assert_eq!(cap_nesting_at(&format!("{at_cap}x"), cap), None);
            let past = cap_nesting_at(&format!("{at_cap}<div>x"), cap).expect("capped");
            assert_eq!(past.matches("<div>").count(), cap);
        }
    }

    #[test]
    fn deep_nesting_flattened() {
        let page = format!(
            "{}text{}",
            "<div class=\"a>b\">".repeat(10),
            "</div>".repeat(10)
        );
        let capped = cap_nesting_at(&page, 4).unwrap();
        assert_eq!(capped.matches("<div").count(), 4);
        assert_eq!(capped.matches("</div>").count(), 4);
        assert!(capped.contains("text"));
    }
}

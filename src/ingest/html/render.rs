//! Rendering the chosen subtree to lines, as a browser lays the text out: white space
//! collapsed, `<br>` as a line break, blocks as paragraphs (an empty line between
//! them), with the cues the segmenter uses (heading level, emphasis, list item).
//!
//! Pseudo-headings: a line whose whole text is bold (`<strong>`, `<b>`, a bold style),
//! a `<dt>`, a `<p class="…title…">` is emphasised; a bold `Label:` at the start of a
//! line becomes its own emphasised line, the value follows on the next line.
//! Tables: a data table becomes one line per row (`label: value` for two cells,
//! cells joined by ` | ` otherwise); a layout table (nested tables, headings, long
//! cells) is rendered as ordinary blocks. The walk is iterative, so depth is no limit.

use std::collections::HashMap;

use ego_tree::{iter::Edge, NodeId, NodeRef};
use scraper::{node::Element, Node};

use super::cloak::{self, Cloaked};
use super::content::{heading_level, Drop};
use super::NodeMap;
use crate::ingest::{LineCue, SourceLine};

/// Addresses recovered from cloaking scripts.
#[derive(Debug, Default)]
pub struct Cloaks {
    /// `cloak<hash>` span id hash → address.
    pub by_hash: HashMap<String, Cloaked>,
    /// Scripts that `document.write` an address where they stand (no cloak span).
    pub written_by_script: NodeMap<Cloaked>,
}

/// What rendering produced.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The lines, paragraph breaks as empty lines, none leading or trailing.
    pub lines: Vec<SourceLine>,
    /// Cloaking sentences whose address could not be recovered.
    pub hidden_emails: usize,
}

/// A run of text with uniform attributes inside the current line.
#[derive(Debug, Clone)]
struct Seg {
    text: String,
    emph: bool,
    heading: Option<u8>,
    list_item: bool,
}

#[derive(Debug)]
struct ListState {
    ordered: bool,
    next: i64,
    kind: char,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Block {
    /// Paragraph-level: an empty line before and after.
    Para,
    /// Line-level: starts and ends a line.
    Line,
    /// Inline.
    None,
}

/// Renders one subtree.
struct Renderer<'a> {
    dropped: &'a NodeMap<Drop>,
    cloaks: &'a Cloaks,
    out: Rendered,
    segs: Vec<Seg>,
    pending_space: bool,
    headings: Vec<u8>,
    emph: usize,
    li_depth: usize,
    pre_depth: usize,
    lists: Vec<ListState>,
    pending_prefix: Option<String>,
    /// Open `<a>` elements: the mailto address (if any) and the text seen inside.
    anchors: Vec<(Option<String>, String)>,
    /// Per open element: did it add emphasis.
    emph_stack: Vec<bool>,
}

/// Render the subtree at `root`, skipping `dropped` subtrees.
pub fn render(root: NodeRef<'_, Node>, dropped: &NodeMap<Drop>, cloaks: &Cloaks) -> Rendered {
    let mut r = Renderer::new(dropped, cloaks);
    r.walk(root);
    r.para_break();
    while r.out.lines.last().is_some_and(|l| l.text.is_empty()) {
        r.out.lines.pop();
    }
    r.out
}

impl<'a> Renderer<'a> {
    fn new(dropped: &'a NodeMap<Drop>, cloaks: &'a Cloaks) -> Self {
        Renderer {
            dropped,
            cloaks,
            out: Rendered::default(),
            segs: Vec::new(),
            pending_space: false,
            headings: Vec::new(),
            emph: 0,
            li_depth: 0,
            pre_depth: 0,
            lists: Vec::new(),
            pending_prefix: None,
            anchors: Vec::new(),
            emph_stack: Vec::new(),
        }
    }

    fn walk(&mut self, root: NodeRef<'_, Node>) {
        let mut skip: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skip.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.text(t),
                        Node::Element(el) => skip = self.open(node, el).then_some(node.id()),
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if let Some(id) = skip {
                        if id == node.id() {
                            skip = None;
                        }
                        continue;
                    }
                    if let Node::Element(el) = node.value() {
                        self.close(el);
                    }
                }
            }
        }
    }

    /// Handle an opening tag. Returns `true` when the subtree is to be skipped
    /// (its `close` is then not called).
    fn open(&mut self, node: NodeRef<'_, Node>, el: &Element) -> bool {
        let name = el.name();
        if self.dropped.contains_key(&node.id()) {
            if name == "script" {
                if let Some(c) = self.cloaks.written_by_script.get(&node.id()) {
                    self.push_cloaked(c);
                }
            }
            return true;
        }
        if let Some(c) = self.cloak_of(el) {
            self.push_cloaked(&c);
            return true;
        }
        if name == "table" && is_data_table(node) {
            self.para_break();
            self.table(node);
            self.para_break();
            return true;
        }
        match block_kind(name, self.li_depth > 0) {
            Block::Para => self.para_break(),
            Block::Line => self.end_line(),
            Block::None => {}
        }
        match name {
            "br" => {
                if self.segs.iter().all(|s| s.text.trim().is_empty()) {
                    self.para_break();
                } else {
                    self.end_line();
                }
            }
            "dt" => self.para_break(),
            "pre" => self.pre_depth += 1,
            "ul" | "ol" | "menu" => {
                let ordered = name == "ol";
                let start = el
                    .attr("start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1);
                let kind = el
                    .attr("type")
                    .and_then(|t| t.chars().next())
                    .unwrap_or('1');
                self.lists.push(ListState {
                    ordered,
                    next: start,
                    kind,
                });
            }
            "li" => {
                self.li_depth += 1;
                if let Some(list) = self.lists.last_mut() {
                    if list.ordered {
                        if let Some(v) = el.attr("value").and_then(|v| v.trim().parse().ok()) {
                            list.next = v;
                        }
                        self.pending_prefix = Some(format!("{}. ", marker(list.next, list.kind)));
                        list.next += 1;
                    }
                }
            }
            "a" => {
                let address = el.attr("href").and_then(cloak::mailto_address);
                self.anchors.push((address, String::new()));
            }
            _ => {}
        }
        if let Some(level) = heading_level(name) {
            self.headings.push(level);
        }
        let emphasises = is_emphasis(node, el);
        if emphasises {
            self.emph += 1;
        }
        self.emph_stack.push(emphasises);
        false
    }

    fn close(&mut self, el: &Element) {
        let name = el.name();
        if self.emph_stack.pop() == Some(true) {
            self.emph = self.emph.saturating_sub(1);
        }
        match name {
            "pre" => self.pre_depth = self.pre_depth.saturating_sub(1),
            "ul" | "ol" | "menu" => {
                self.lists.pop();
            }
            "li" => {
                self.end_line();
                self.li_depth = self.li_depth.saturating_sub(1);
                self.pending_prefix = None;
            }
            "a" => {
                if let Some((Some(address), text)) = self.anchors.pop() {
                    if !text.to_lowercase().contains(&address.to_lowercase()) {
                        if text.trim().is_empty() {
                            self.push_str(&address);
                        } else {
                            self.push_str(&format!(" ({address})"));
                        }
                    }
                }
            }
            _ => {}
        }
        match block_kind(name, self.li_depth > 0) {
            Block::Para => self.para_break(),
            Block::Line => self.end_line(),
            Block::None => {}
        }
        if heading_level(name).is_some() {
            self.headings.pop();
        }
    }

    fn cloak_of(&self, el: &Element) -> Option<Cloaked> {
        if el.name() == "joomla-hidden-mail" {
            let address = cloak::joomla4_address(el.attr("first")?, el.attr("last")?)?;
            return Some(Cloaked {
                address,
                text: None,
            });
        }
        let hash = el.id()?.strip_prefix("cloak")?;
        self.cloaks.by_hash.get(hash).cloned()
    }

    fn push_cloaked(&mut self, c: &Cloaked) {
        match &c.text {
            Some(text) if !text.contains(&c.address) => {
                self.push_str(&format!("{text} ({})", c.address))
            }
            _ => self.push_str(&c.address.clone()),
        }
    }

    fn text(&mut self, t: &str) {
        if cloak::is_cloak_sentence(t) {
            self.out.hidden_emails += 1;
        }
        for a in &mut self.anchors {
            a.1.push_str(t);
        }
        if self.pre_depth > 0 {
            let mut first = true;
            for part in t.split('\n') {
                if !first {
                    if self.segs.iter().all(|s| s.text.trim().is_empty()) {
                        self.para_break();
                    } else {
                        self.end_line();
                    }
                }
                first = false;
                self.push_raw(part.trim_end_matches('\r'));
            }
        } else {
            self.push_str(t);
        }
    }

    /// Append text collapsing white space (NBSP included) as a browser does.
    fn push_str(&mut self, t: &str) {
        let collapses = |c: char| c.is_ascii_whitespace() || c == '\u{a0}';
        let mut rest = t;
        while let Some(c) = rest.chars().next() {
            if collapses(c) {
                self.pending_space = true;
                rest = &rest[c.len_utf8()..];
                continue;
            }
            // A run without white space: its first character settles the segment and
            // the pending space, and `push_char` would append the others as they are.
            let run = &rest[..rest.find(collapses).unwrap_or(rest.len())];
            self.push_char(c);
            let others = &run[c.len_utf8()..];
            if !others.is_empty() {
                self.segs
                    .last_mut()
                    .expect("push_char leaves a segment")
                    .text
                    .push_str(others);
            }
            rest = &rest[run.len()..];
        }
    }

    /// Append preformatted text: only tabs and NBSP become spaces.
    fn push_raw(&mut self, t: &str) {
        for c in t.chars() {
            self.push_char(if c == '\t' || c == '\u{a0}' { ' ' } else { c });
        }
    }

    fn push_char(&mut self, c: char) {
        let line_empty = self.segs.iter().all(|s| s.text.is_empty());
        let attrs = (
            self.emph > 0,
            self.headings.last().copied(),
            self.li_depth > 0,
        );
        let need_new = self
            .segs
            .last()
            .is_none_or(|s| (s.emph, s.heading, s.list_item) != attrs);
        if need_new {
            self.segs.push(Seg {
                text: String::new(),
                emph: attrs.0,
                heading: attrs.1,
                list_item: attrs.2,
            });
        }
        let seg = self.segs.last_mut().expect("pushed above");
        if line_empty {
            if let Some(prefix) = self.pending_prefix.take() {
                seg.text.push_str(&prefix);
            }
        } else if self.pending_space && c != ' ' {
            seg.text.push(' ');
        }
        if !(line_empty && c == ' ' && self.pre_depth == 0) {
            seg.text.push(c);
        }
        self.pending_space = false;
    }

    /// Finish the current line (if it has text).
    fn end_line(&mut self) {
        self.pending_space = false;
        let segs = std::mem::take(&mut self.segs);
        let full: String = segs.iter().map(|s| s.text.as_str()).collect();
        if full.trim().is_empty() {
            return;
        }
        let heading = segs.iter().find_map(|s| s.heading);
        let list_item = segs.iter().any(|s| s.list_item);
        let cue = |emphasis| LineCue {
            heading_level: heading,
            emphasis,
            list_item,
        };
        // Byte offset where the first non-emphasised visible text starts.
        let mut offset = 0;
        let mut plain_at = None;
        for s in &segs {
            if !s.emph && !s.text.trim().is_empty() {
                plain_at = Some(offset + (s.text.len() - s.text.trim_start().len()));
                break;
            }
            offset += s.text.len();
        }
        match plain_at {
            None => self.push_line(full.trim(), cue(true)),
            Some(at) => {
                let label = full[..at].trim();
                let mut rest = full[at..].trim();
                let mut label = label.to_string();
                if !label.is_empty() && !label.ends_with(':') && rest.starts_with(':') {
                    label.push(':');
                    rest = rest[1..].trim_start();
                }
                if label.ends_with(':') && label.chars().count() > 1 && !rest.is_empty() {
                    self.push_line(&label, cue(true));
                    self.push_line(rest, cue(false));
                } else {
                    self.push_line(full.trim(), cue(false));
                }
            }
        }
    }

    fn push_line(&mut self, text: &str, cue: LineCue) {
        self.out.lines.push(SourceLine {
            text: text.to_string(),
            page: None,
            cue,
        });
    }

    /// Finish the line and start a new paragraph.
    fn para_break(&mut self) {
        self.end_line();
        if self.out.lines.last().is_some_and(|l| !l.text.is_empty()) {
            self.out.lines.push(SourceLine::default());
        }
    }

    /// One line per row of a data table.
    fn table(&mut self, table: NodeRef<'_, Node>) {
        for row in table.descendants().filter(|n| is_element(n, "tr")) {
            if self.is_dropped_within(row, table) {
                continue;
            }
            let mut cells: Vec<(Vec<SourceLine>, bool)> = Vec::new();
            for cell in row.children() {
                let Node::Element(el) = cell.value() else {
                    continue;
                };
                if !matches!(el.name(), "td" | "th") || self.dropped.contains_key(&cell.id()) {
                    continue;
                }
                // Data tables hold no tables, so this recursion is one level deep.
                let sub = render(cell, self.dropped, self.cloaks);
                self.out.hidden_emails += sub.hidden_emails;
                let lines: Vec<SourceLine> = sub
                    .lines
                    .into_iter()
                    .filter(|l| !l.text.is_empty())
                    .collect();
                if !lines.is_empty() {
                    cells.push((lines, el.name() == "th"));
                }
            }
            let joined = |lines: &[SourceLine]| {
                lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            self.end_line();
            match cells.as_slice() {
                [] => {}
                [(lines, _)] => self.out.lines.extend(lines.iter().cloned()),
                [(label, false), (value, _)] | [(label, true), (value, false)] => {
                    let label = joined(label);
                    let sep = if label.ends_with(':') { " " } else { ": " };
                    for (i, line) in value.iter().enumerate() {
                        if i == 0 {
                            self.push_line(
                                &format!("{label}{sep}{}", line.text),
                                LineCue::default(),
                            );
                        } else {
                            self.out.lines.push(line.clone());
                        }
                    }
                }
                _ => {
                    let all_th = cells.iter().all(|c| c.1);
                    let text = cells
                        .iter()
                        .map(|c| joined(&c.0))
                        .collect::<Vec<_>>()
                        .join(" | ");
                    self.push_line(
                        &text,
                        LineCue {
                            emphasis: all_th,
                            ..LineCue::default()
                        },
                    );
                }
            }
        }
    }

    fn is_dropped_within(&self, node: NodeRef<'_, Node>, stop: NodeRef<'_, Node>) -> bool {
        for a in std::iter::once(node).chain(node.ancestors()) {
            if a.id() == stop.id() {
                return false;
            }
            if self.dropped.contains_key(&a.id()) {
                return true;
            }
        }
        false
    }
}

fn is_element(node: &NodeRef<'_, Node>, name: &str) -> bool {
    matches!(node.value(), Node::Element(el) if el.name() == name)
}

fn block_kind(name: &str, in_list: bool) -> Block {
    match name {
        "ul" | "ol" | "menu" if in_list => Block::Line,
        "p" | "div" | "section" | "article" | "main" | "header" | "footer" | "aside" | "nav"
        | "blockquote" | "address" | "figure" | "form" | "fieldset" | "details" | "dl" | "ul"
        | "ol" | "menu" | "table" | "hr" | "pre" | "center" | "body" | "html" | "h1" | "h2"
        | "h3" | "h4" | "h5" | "h6" | "hgroup" | "dialog" => Block::Para,
        "li" | "dt" | "dd" | "tr" | "td" | "th" | "caption" | "summary" | "figcaption"
        | "legend" | "tbody" | "thead" | "tfoot" | "label" => Block::Line,
        _ => Block::None,
    }
}

/// Whether the element makes its text emphasised: bold tags and styles, `<dt>`,
/// short blocks whose class names a title or heading.
fn is_emphasis(node: NodeRef<'_, Node>, el: &Element) -> bool {
    match el.name() {
        "b" | "strong" | "dt" => return true,
        _ => {}
    }
    if let Some(style) = el.attr("style") {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        let style = style.to_ascii_lowercase();
        if [
            "font-weight:bold",
            "font-weight:700",
            "font-weight:800",
            "font-weight:900",
        ]
        .iter()
        .any(|s| style.contains(s))
        {
            return true;
        }
    }
    if matches!(el.name(), "p" | "div" | "span") {
        let class = el.attr("class").unwrap_or("").to_ascii_lowercase();
        if class.contains("title") || class.contains("heading") {
            let len: usize = node
                .descendants()
                .take(200)
                .filter_map(|d| d.value().as_text().map(|t| t.chars().count()))
                .sum();
            return len <= 200;
        }
    }
    false
}

/// A table of data rather than of layout: no nested tables, no headings, short cells.
fn is_data_table(table: NodeRef<'_, Node>) -> bool {
    let mut cell_len = 0usize;
    for d in table.descendants().skip(1) {
        match d.value() {
            Node::Element(el) => {
                if el.name() == "table" || heading_level(el.name()).is_some() {
                    return false;
                }
                if matches!(el.name(), "td" | "th") {
                    cell_len = 0;
                }
            }
            Node::Text(t) => {
                cell_len += t.len();
                if cell_len > 1500 {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// List marker for item `n` of an `<ol type=…>`.
fn marker(n: i64, kind: char) -> String {
    match kind {
        'a' | 'A' if (1..=26).contains(&n) => {
            let base = if kind == 'a' { b'a' } else { b'A' };
            char::from(base + (n - 1) as u8).to_string()
        }
        'i' | 'I' if (1..4000).contains(&n) => {
            let roman = to_roman(n as u32);
            if kind == 'i' {
                roman.to_lowercase()
            } else {
                roman
            }
        }
        _ => n.to_string(),
    }
}

fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn lines(html: &str) -> Vec<(String, LineCue)> {
        let doc = Html::parse_fragment(html);
        let out = render(doc.tree.root(), &NodeMap::default(), &Cloaks::default());
        out.lines.into_iter().map(|l| (l.text, l.cue)).collect()
    }

    fn texts(html: &str) -> Vec<String> {
        lines(html).into_iter().map(|l| l.0).collect()
    }

    /// `push_str` as first written: one character at a time.
    fn push_str_by_chars(r: &mut Renderer<'_>, t: &str) {
        for c in t.chars() {
            if c.is_ascii_whitespace() || c == '\u{a0}' {
                r.pending_space = true;
            } else {
                r.push_char(c);
            }
        }
    }

    proptest::proptest! {
        /// Appending a run without white space at once is appending its characters
        /// one by one, whatever the line, its segments and the pending prefix hold.
        #[test]
        fn push_str_by_runs_is_push_str_by_chars(
            steps in proptest::collection::vec(
                (0u8..6, "[a-zä \t\n\u{a0}\u{2003}.]{0,12}"),
                0..12,
            )
        ) {
            let (dropped, cloaks) = (NodeMap::default(), Cloaks::default());
            let mut by_runs = Renderer::new(&dropped, &cloaks);
            let mut by_chars = Renderer::new(&dropped, &cloaks);
            for (step, text) in &steps {
                for (r, runs) in [(&mut by_runs, true), (&mut by_chars, false)] {
                    match step {
                        0 => r.emph ^= 1,
                        1 => r.pending_prefix = Some(format!("{text}. ")),
                        2 => r.end_line(),
                        3 => r.li_depth ^= 1,
                        _ if runs => r.push_str(text),
                        _ => push_str_by_chars(r, text),
                    }
                }
            }
            by_runs.end_line();
            by_chars.end_line();
            proptest::prop_assert_eq!(
                format!("{:?}", by_runs.out.lines),
                format!("{:?}", by_chars.out.lines)
            );
        }
    }

    #[test]
    fn whitespace_and_breaks() {
        assert_eq!(
            texts("<p>  a\n  b&nbsp;&nbsp;c <i>d</i>e</p><p>x<br>y<br><br>z</p>"),
            ["a b c de", "", "x", "y", "", "z"]
        );
    }

    #[test]
    fn strong_label_is_split() {
        let l = lines(
            "<p><strong>Rekisterin nimi:</strong><br>Asiakasrekisteri</p><p><b>Nimi</b>: Matti</p>",
        );
        assert_eq!(l[0].0, "Rekisterin nimi:");
        assert!(l[0].1.emphasis);
        assert_eq!(l[1].0, "Asiakasrekisteri");
        assert!(!l[1].1.emphasis);
        assert_eq!(l[3].0, "Nimi:");
        assert!(l[3].1.emphasis);
        assert_eq!(l[4].0, "Matti");
        // A bold word inside a sentence is not a label.
        let l = lines("<p><b>Huom</b> tämä on tärkeää</p>");
        assert_eq!(l[0].0, "Huom tämä on tärkeää");
        assert!(!l[0].1.emphasis);
    }

    #[test]
    fn ordered_lists_keep_numbers() {
        let l = lines("<ol><li>Rekisterinpitäjä</li><li>Yhteyshenkilö</li></ol><ol type=A start=3><li>x</li></ol><ul><li>y</li></ul>");
        let t: Vec<&str> = l.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            t,
            [
                "1. Rekisterinpitäjä",
                "2. Yhteyshenkilö",
                "",
                "C. x",
                "",
                "y"
            ]
        );
        assert!(l[0].1.list_item && l[5].1.list_item);
    }

    #[test]
    fn tables() {
        let t = texts("<table><tr><th>A</th><th>B</th><th>C</th></tr><tr><td>Nimi</td><td>Matti<br>Meikäläinen</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>");
        assert_eq!(t, ["A | B | C", "Nimi: Matti", "Meikäläinen", "1 | 2 | 3"]);
    }

    #[test]
    fn mailto() {
        assert_eq!(
            texts(
                r#"<p><a href="mailto:tietosuoja@hel.fi">Lähetä sähköpostia</a>. <a href="mailto:a@b.fi">a@b.fi</a></p>"#
            ),
            ["Lähetä sähköpostia (tietosuoja@hel.fi). a@b.fi"]
        );
    }

    #[test]
    fn markers() {
        assert_eq!(marker(4, 'i'), "iv");
        assert_eq!(marker(2, 'a'), "b");
        assert_eq!(marker(30, 'a'), "30");
    }
}

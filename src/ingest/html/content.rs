//! Main content: which part of the page is the notice, and which subtrees around or
//! inside it are page furniture (cookie banners, header, menus, breadcrumbs, sidebars,
//! search and share widgets, footers) or never rendered (scripts, styles, hidden).
//!
//! Strategy: a `<main>` / `role=main` element, else `<article>`, is the content root.
//! Without them, the root is the body; when the page shows furniture, the path of
//! elements holding most of the text is followed down from the body and link-heavy
//! siblings along that path are dropped (readability-like, without its sibling
//! guessing). A bare fragment has no furniture, so all its visible text is kept.
//! Every walk here is iterative: html5ever builds arbitrarily deep trees.

use std::collections::HashSet;

use ego_tree::{iter::Edge, NodeId, NodeRef};

use super::NodeMap;
use scraper::{node::Element, Html, Node};

/// Tags whose content is never rendered as text.
const NON_VISUAL: &[&str] = &[
    "head", "script", "style", "noscript", "template", "title", "meta", "link", "iframe", "object",
    "embed", "svg", "math", "canvas", "button", "input", "select", "textarea", "option",
    "optgroup", "datalist", "audio", "video", "map", "img", "picture", "base",
];

/// Class/id words that name page furniture exactly.
const FURNITURE_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "mainmenu",
    "topmenu",
    "submenu",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "sidebar",
    "footer",
    "header",
    "masthead",
    "banner",
    "cookie",
    "cookies",
    "consent",
    "share",
    "sharing",
    "social",
    "search",
    "searchform",
    "skip",
    "skiplink",
    "skiplinks",
    "toolbar",
    "pagination",
    "pager",
    "related",
    "widget",
    "updated",
    "modified",
    "lastmodified",
    "byline",
    "logo",
    "print",
    "feedback",
    "newsletter",
    "advert",
    "ads",
    "promo",
    "sitemap",
    "tags",
    "rating",
];
/// Class/id word prefixes that name page furniture (`cookiebar`, `navigation-main`).
const FURNITURE_PREFIXES: &[&str] = &[
    "cookie",
    "consent",
    "breadcrumb",
    "navbar",
    "navig",
    "sidebar",
    "footer",
    "social",
    "sharing",
    "searchbox",
    "searchform",
    "skiplink",
];
/// Class/id word suffixes (`mainnav`, `topmenu`, `sitefooter`).
const FURNITURE_SUFFIXES: &[&str] = &["nav", "menu", "footer", "header", "sidebar", "crumbs"];
/// Classes that hide an element visually.
const HIDDEN_CLASSES: &[&str] = &[
    "hidden",
    "hide",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "element-invisible",
    "d-none",
    "invisible",
];
/// ARIA landmark roles of furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
];
/// Class/id words of elements that hold the page's own content.
const CONTENT_WORDS: &[&str] = &[
    "content",
    "maincontent",
    "main",
    "article",
    "post",
    "entry",
    "page",
];

/// Why a subtree is not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    /// Never visible text (script, style, form controls...).
    NonVisual,
    /// Hidden with `hidden`, `aria-hidden`, `display:none` or a hiding class.
    Hidden,
    /// Page furniture around the notice.
    Furniture,
}

/// The result of content selection.
#[derive(Debug)]
pub struct Selection {
    /// The element whose subtree is rendered.
    pub root: NodeId,
    /// Subtrees not rendered.
    pub dropped: NodeMap<Drop>,
    /// Hidden elements were kept because without them almost nothing remained.
    pub kept_hidden: bool,
}

/// Character counts of a subtree (non-white-space characters, never-visual parts excluded).
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    text: usize,
    link: usize,
}

/// Choose the content root and the subtrees to drop.
pub fn select(doc: &Html) -> Selection {
    let tree = &doc.tree;
    let body = tree
        .root()
        .descendants()
        .find(|n| is_tag(n, "body"))
        .unwrap_or_else(|| tree.root());

    let mut dropped: NodeMap<Drop> = NodeMap::default();
    // Pass 1: never-visual and hidden elements.
    for node in tree.root().descendants() {
        if let Node::Element(el) = node.value() {
            if NON_VISUAL.contains(&el.name())
                || (el.name() == "dialog" && el.attr("open").is_none())
            {
                dropped.insert(node.id(), Drop::NonVisual);
            } else if is_hidden(el) {
                dropped.insert(node.id(), Drop::Hidden);
            }
        }
    }
    let stats = compute_stats(tree.root(), &dropped);
    let body_text = stats.get(&body.id()).map_or(0, |s| s.text);

    // Pass 2: furniture.
    for node in body.descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        if dropped.contains_key(&node.id()) || !is_furniture(node, el) {
            continue;
        }
        let s = stats.get(&node.id()).copied().unwrap_or_default();
        let holds_content = node.descendants().skip(1).any(|d| is_content_landmark(&d))
            || (s.text * 2 > body_text && s.link * 10 < s.text * 3);
        if !holds_content {
            dropped.insert(node.id(), Drop::Furniture);
        }
    }

    // Hidden elements that hold the notice (a privacy-policy modal) are kept.
    let (without_hidden, with_hidden) = visible_lens(body, &dropped);
    let kept_hidden = with_hidden > 0 && without_hidden * 4 < with_hidden;
    if kept_hidden {
        dropped.retain(|_, d| *d != Drop::Hidden);
    }
    // The body's visible text from here on: with no hidden elements left to skip
    // once they are kept.
    let body_len = if kept_hidden {
        with_hidden
    } else {
        without_hidden
    };

    let furniture_found = dropped.values().any(|d| *d == Drop::Furniture);
    let root = landmark_root(body, &dropped)
        .filter(|r| {
            // A `<main>` holding a fifth of the text or less is not the notice.
            let r_len = tree.get(*r).map_or(0, |n| visible_len(n, &dropped));
            r_len * 5 > body_len
        })
        .unwrap_or_else(|| {
            if furniture_found {
                densest_path(body, &stats, &mut dropped)
            } else {
                body.id()
            }
        });
    Selection {
        root,
        dropped,
        kept_hidden,
    }
}

fn is_tag(node: &NodeRef<'_, Node>, name: &str) -> bool {
    matches!(node.value(), Node::Element(el) if el.name() == name)
}

fn is_content_landmark(node: &NodeRef<'_, Node>) -> bool {
    match node.value() {
        Node::Element(el) => {
            matches!(el.name(), "main" | "article")
                || matches!(el.attr("role"), Some("main" | "article"))
        }
        _ => false,
    }
}

/// Lowercase words of the class and id attributes, split at non-alphanumerics.
fn words(el: &Element) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [el.attr("class"), el.attr("id")].into_iter().flatten() {
        for w in attr.split(|c: char| !c.is_alphanumeric()) {
            if !w.is_empty() {
                out.push(w.to_lowercase());
            }
        }
    }
    out
}

fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    el.classes()
        .any(|c| HIDDEN_CLASSES.iter().any(|h| c.eq_ignore_ascii_case(h)))
}

/// Whether the element is page furniture by tag, role, or class/id words.
fn is_furniture(node: NodeRef<'_, Node>, el: &Element) -> bool {
    if matches!(el.name(), "body" | "html" | "main" | "article") {
        return false;
    }
    let by_tag = matches!(el.name(), "nav" | "aside" | "footer" | "header");
    let by_role = el
        .attr("role")
        .is_some_and(|r| FURNITURE_ROLES.contains(&r.trim()));
    let words = words(el);
    let matched: Vec<&String> = words.iter().filter(|w| furniture_word(w)).collect();
    if el.name() == "form" {
        return by_role || !matched.is_empty() || is_search_form(node, el);
    }
    if !(by_tag || by_role || !matched.is_empty()) {
        return false;
    }
    if matches!(el.attr("role"), Some("main" | "article")) {
        return false;
    }
    // An article's own header (title, date) is content.
    let header_only = (el.name() == "header" || matched.iter().all(|w| w.ends_with("header")))
        && !by_role
        && (el.name() == "header" || !by_tag);
    if header_only && has_heading(node) && inside_content(node) {
        return false;
    }
    true
}

fn furniture_word(w: &str) -> bool {
    FURNITURE_WORDS.contains(&w)
        || FURNITURE_PREFIXES.iter().any(|p| w.starts_with(p))
        || FURNITURE_SUFFIXES
            .iter()
            .any(|s| w.len() > s.len() && w.ends_with(s))
}

fn is_search_form(node: NodeRef<'_, Node>, el: &Element) -> bool {
    let action = el.attr("action").unwrap_or("").to_lowercase();
    if ["search", "haku", "hae", "sok"]
        .iter()
        .any(|k| action.contains(k))
    {
        return true;
    }
    let mut text = 0;
    for d in node.descendants() {
        match d.value() {
            Node::Element(e) if e.name() == "input" && is_search_input(e) => return true,
            Node::Text(t) => text += t.chars().filter(|c| !c.is_whitespace()).count(),
            _ => {}
        }
    }
    // A form that is nothing but controls.
    text < 40
}

fn is_search_input(e: &Element) -> bool {
    e.attr("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("search"))
        || e.attr("name").is_some_and(|n| {
            matches!(
                n.to_lowercase().as_str(),
                "q" | "s" | "query" | "search" | "haku"
            )
        })
}

fn has_heading(node: NodeRef<'_, Node>) -> bool {
    node.descendants()
        .any(|d| matches!(d.value(), Node::Element(e) if heading_level(e.name()).is_some()))
}

fn inside_content(node: NodeRef<'_, Node>) -> bool {
    node.ancestors().any(|a| match a.value() {
        Node::Element(el) => {
            is_content_landmark(&a)
                || words(el)
                    .iter()
                    .any(|w| CONTENT_WORDS.contains(&w.as_str()))
        }
        _ => false,
    })
}

/// `h1`..`h6` → 1..6.
pub fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Per-node text and link-text counts, bottom-up without recursion.
fn compute_stats(root: NodeRef<'_, Node>, dropped: &NodeMap<Drop>) -> NodeMap<Stats> {
    let mut stats: NodeMap<Stats> = NodeMap::default();
    let mut skip: Option<NodeId> = None;
    let mut link_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                match n.value() {
                    Node::Element(el) => {
                        if dropped.get(&n.id()) == Some(&Drop::NonVisual) {
                            skip = Some(n.id());
                        } else if el.name() == "a" {
                            link_depth += 1;
                        }
                    }
                    Node::Text(t) => {
                        let len = non_space_chars(t);
                        let s = stats.entry(n.id()).or_default();
                        s.text += len;
                        if link_depth > 0 {
                            s.link += len;
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if let Some(id) = skip {
                    if id == n.id() {
                        skip = None;
                    } else {
                        continue;
                    }
                } else if is_tag(&n, "a") {
                    link_depth = link_depth.saturating_sub(1);
                }
                let own = stats.get(&n.id()).copied().unwrap_or_default();
                if let Some(p) = n.parent() {
                    let ps = stats.entry(p.id()).or_default();
                    ps.text += own.text;
                    ps.link += own.link;
                }
            }
        }
    }
    stats
}

/// Visible non-white-space characters under `root`, skipping every dropped subtree.
fn visible_len(root: NodeRef<'_, Node>, dropped: &NodeMap<Drop>) -> usize {
    visible_lens(root, dropped).0
}

/// Visible non-white-space characters under `root`, skipping dropped subtrees:
/// without and with the hidden ones, in one walk.
fn visible_lens(root: NodeRef<'_, Node>, dropped: &NodeMap<Drop>) -> (usize, usize) {
    let (mut without_hidden, mut with_hidden) = (0, 0);
    // A dropped subtree that both counts skip, and a hidden one that only the count
    // without hidden subtrees skips.
    let mut skip_all: Option<NodeId> = None;
    let mut skip_hidden: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip_all.is_some() {
                    continue;
                }
                match dropped.get(&n.id()) {
                    Some(Drop::Hidden) => {
                        skip_hidden.get_or_insert(n.id());
                    }
                    Some(_) => {
                        skip_all = Some(n.id());
                        continue;
                    }
                    None => {}
                }
                if let Node::Text(t) = n.value() {
                    let len = non_space_chars(t);
                    with_hidden += len;
                    if skip_hidden.is_none() {
                        without_hidden += len;
                    }
                }
            }
            Edge::Close(n) => {
                if skip_all == Some(n.id()) {
                    skip_all = None;
                }
                if skip_hidden == Some(n.id()) {
                    skip_hidden = None;
                }
            }
        }
    }
    (without_hidden, with_hidden)
}

/// The characters of `text` that are not white space (`char::is_whitespace`), ASCII
/// text counted a byte at a time.
fn non_space_chars(text: &str) -> usize {
    if text.is_ascii() {
        text.bytes()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r'))
            .count()
    } else {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// `<main>` (or `role=main`) with the most text, else the `<article>`s' nearest
/// common ancestor.
fn landmark_root(body: NodeRef<'_, Node>, dropped: &NodeMap<Drop>) -> Option<NodeId> {
    let alive = |n: &NodeRef<'_, Node>| {
        !n.ancestors()
            .chain([*n])
            .any(|a| dropped.contains_key(&a.id()))
    };
    let mains: Vec<NodeRef<'_, Node>> = body
        .descendants()
        .filter(|n| match n.value() {
            Node::Element(el) => el.name() == "main" || el.attr("role") == Some("main"),
            _ => false,
        })
        .filter(alive)
        .collect();
    if let Some(best) = mains.iter().max_by_key(|m| visible_len(**m, dropped)) {
        return Some(best.id());
    }
    let articles: Vec<NodeRef<'_, Node>> = body
        .descendants()
        .filter(|n| match n.value() {
            Node::Element(el) => el.name() == "article" || el.attr("role") == Some("article"),
            _ => false,
        })
        .filter(alive)
        .collect();
    let first = articles.first()?;
    let mut chain: Vec<NodeId> = first.ancestors().map(|a| a.id()).collect();
    chain.insert(0, first.id());
    let mut best = 0usize;
    for a in &articles[1..] {
        let mine: HashSet<NodeId> = a.ancestors().map(|x| x.id()).chain([a.id()]).collect();
        while best < chain.len() && !mine.contains(&chain[best]) {
            best += 1;
        }
    }
    chain.get(best).copied()
}

/// Follow the children holding most of the text down from the body; drop link-heavy
/// siblings along the way. Returns the deepest element still holding most of the text.
fn densest_path(
    body: NodeRef<'_, Node>,
    stats: &NodeMap<Stats>,
    dropped: &mut NodeMap<Drop>,
) -> NodeId {
    let live_text = |n: &NodeRef<'_, Node>, dropped: &NodeMap<Drop>| {
        if dropped.contains_key(&n.id()) {
            0
        } else {
            visible_len(*n, dropped)
        }
    };
    let mut current = body;
    loop {
        let total = live_text(&current, dropped);
        let children: Vec<NodeRef<'_, Node>> = current
            .children()
            .filter(|c| c.value().is_element())
            .collect();
        let Some(main_child) = children
            .iter()
            .find(|c| live_text(c, dropped) * 2 > total && total > 0)
            .copied()
        else {
            return current.id();
        };
        for sib in &children {
            if sib.id() == main_child.id() || dropped.contains_key(&sib.id()) {
                continue;
            }
            let s = stats.get(&sib.id()).copied().unwrap_or_default();
            if s.link * 2 > s.text {
                dropped.insert(sib.id(), Drop::Furniture);
            }
        }
        current = main_child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(html: &str) -> bool {
        let doc = Html::parse_fragment(html);
        let node = doc
            .tree
            .root()
            .descendants()
            .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "div"))
            .unwrap();
        let Node::Element(el) = node.value() else {
            unreachable!()
        };
        is_furniture(node, el)
    }

    #[test]
    fn furniture_words() {
        assert!(words_of(r#"<div class="cookie-banner">x</div>"#));
        assert!(words_of(r#"<div id="mainNav">x</div>"#));
        assert!(words_of(r#"<div class="site-footer">x</div>"#));
        assert!(!words_of(r#"<div class="privacy-policy">x</div>"#));
        assert!(!words_of(r#"<div class="container maincontent">x</div>"#));
        assert!(!words_of(r#"<div class="unavailable">x</div>"#));
    }

    /// [`visible_len`] as first written: one walk per count.
    fn visible_len_walk(
        root: NodeRef<'_, Node>,
        dropped: &NodeMap<Drop>,
        skip_hidden: bool,
    ) -> usize {
        let mut total = 0;
        let mut skip: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(n) => {
                    if skip.is_some() {
                        continue;
                    }
                    if let Some(d) = dropped.get(&n.id()) {
                        if skip_hidden || *d != Drop::Hidden {
                            skip = Some(n.id());
                            continue;
                        }
                    }
                    if let Node::Text(t) = n.value() {
                        total += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                Edge::Close(n) => {
                    if skip == Some(n.id()) {
                        skip = None;
                    }
                }
            }
        }
        total
    }

    #[test]
    fn one_walk_counts_as_two_on_the_samples() {
        let pages = crate::test_support::sample_texts(&["html", "htm"]);
        assert!(pages.len() > 5);
        let mut checked = 0;
        for page in pages {
            let doc = Html::parse_document(&page);
            // Every element dropped in turn as hidden, furniture or nothing, so that
            // hidden and other subtrees nest both ways.
            let kinds = [Some(Drop::Hidden), None, Some(Drop::Furniture), None, None];
            let dropped: NodeMap<Drop> = doc
                .tree
                .root()
                .descendants()
                .filter(|n| n.value().is_element())
                .enumerate()
                .filter_map(|(i, n)| kinds[i % kinds.len()].map(|d| (n.id(), d)))
                .collect();
            for node in doc.tree.root().descendants() {
                let expected = (
                    visible_len_walk(node, &dropped, true),
                    visible_len_walk(node, &dropped, false),
                );
                assert_eq!(visible_lens(node, &dropped), expected);
                checked += usize::from(expected.0 != expected.1);
            }
        }
        assert!(checked > 100, "{checked}");
    }

    proptest::proptest! {
        #[test]
        fn non_space_chars_counts_as_char_is_whitespace(
            text in "[a \t\n\r\x0B\x0C\x1Cä\u{a0}\u{2003}\u{3000}-]{0,40}"
        ) {
            let ascii: String = text.chars().filter(char::is_ascii).collect();
            for text in [text, ascii] {
                proptest::prop_assert_eq!(
                    non_space_chars(&text),
                    text.chars().filter(|c| !c.is_whitespace()).count()
                );
            }
        }
    }

    #[test]
    fn hidden_styles() {
        let doc = Html::parse_fragment(
            r#"<div style="DISPLAY: none ;">a</div><div hidden>b</div><div aria-hidden="true">c</div><div>d</div>"#,
        );
        let hidden: Vec<bool> = doc
            .tree
            .root()
            .descendants()
            .filter_map(|n| match n.value() {
                Node::Element(e) if e.name() == "div" => Some(is_hidden(e)),
                _ => None,
            })
            .collect();
        assert_eq!(hidden, [true, true, true, false]);
    }
}

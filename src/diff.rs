//! Stage 7: **diff**. Field-level differences between two results (JSON values), used
//! by `seloste diff` ([`crate::review`]) and by the golden tests: each difference names
//! its JSON Pointer, so a review says `/fields/controller/text changed` rather than
//! dumping two files.
//!
//! What is compared how:
//!
//! - objects key by key; [`VOLATILE_KEYS`] and the caller's ignore list (field names or
//!   JSON Pointers) are skipped;
//! - **sets** ([`SET_KEYS`]: emails, phones, addresses, business IDs, GDPR articles,
//!   bases, source kinds, named sources, recipients, rights) as multisets: an element
//!   that moved is no change; each element added or removed is one [`Change`] whose
//!   pointer is the array's;
//! - **gaps** matched by `(rule, field)` and **conflicts** by `(rule, fields)`, not by
//!   index; a matched pair whose message, severity or evidence differs gives changes
//!   inside it;
//! - every other array (`sections`, `provenance`, `items`, `citations`, ...) **in
//!   order**: the two sequences are aligned (Myers diff on the elements without their
//!   spans), so one inserted section is one `added`, not a change of every later one;
//!   paired elements are compared key by key;
//! - **spans**: a change under a `span` or `evidence` key is marked
//!   [`Change::span_only`]: spans move whenever text before them changes, so reviews
//!   count them instead of listing them.
//!
//! Pointers name the GOLDEN (old) side, except for added elements, which name their
//! place in ACTUAL (new).
//!
//! A result file holds one result object, or an array of them (one document holding
//! several notices); arrays are matched element by element by index, and their
//! pointers start with the index (`/1/fields/dpo`).

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use serde::Serialize;
use serde_json::Value;

/// Keys that change from run to run and are never compared.
pub const VOLATILE_KEYS: &[&str] = &["tool_version", "millis", "elapsed_ms"];

/// Arrays compared as (multi)sets: the order of their elements means nothing.
pub const SET_KEYS: &[&str] = &[
    "emails",
    "phones",
    "addresses",
    "business_ids",
    "gdpr_articles",
    "bases",
    "kinds",
    "named",
    "recipients",
    "rights",
];

/// Keys whose values are byte spans of the normalised text.
pub const SPAN_KEYS: &[&str] = &["span", "evidence"];

/// What happened at a pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Present only in ACTUAL (new).
    Added,
    /// Present only in GOLDEN (old).
    Removed,
    /// Present on both sides with different values.
    Changed,
}

/// One difference between two results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Added, removed or changed.
    pub op: Op,
    /// JSON Pointer: into GOLDEN, or into ACTUAL for an added element; for a set, the
    /// array's pointer.
    pub pointer: String,
    /// What the change counts under in a summary: `fields.<key>` for a field,
    /// otherwise the top-level key (`kind`, `title`, `dates`, `sections`, `gaps`, ...),
    /// `notices` for a whole notice of a multi-notice file.
    pub topic: String,
    /// Which matched element the change is inside, when a pointer index alone does not
    /// tell: a gap's `rule (field)`, a conflict's `rule (fields)`, a section's heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The GOLDEN value (absent for `added`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The ACTUAL value (absent for `removed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// The change is inside a `span` or `evidence`: text moved, nothing else.
    pub span_only: bool,
}

/// How to compare.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// More keys to skip besides [`VOLATILE_KEYS`]: a field name (`score`) skips that
    /// key everywhere; a JSON Pointer (`/fields/dpo`, `/source/sha256`) skips that
    /// place (in a multi-notice file, in every notice).
    pub ignore: Vec<String>,
}

/// True for a result: an object with `schema_version` and `source`, or a non-empty
/// array of such objects.
pub fn is_result(value: &Value) -> bool {
    fn one(v: &Value) -> bool {
        v.as_object()
            .is_some_and(|o| o.contains_key("schema_version") && o.contains_key("source"))
    }
    match value {
        Value::Array(a) => !a.is_empty() && a.iter().all(one),
        v => one(v),
    }
}

/// All differences between the results `old` (GOLDEN) and `new` (ACTUAL).
pub fn diff_results(old: &Value, new: &Value, options: &DiffOptions) -> Vec<Change> {
    let mut w = Walker {
        ignore: &options.ignore,
        prefix_len: 0,
        out: Vec::new(),
    };
    match (old, new) {
        (Value::Array(a), Value::Array(b)) => w.by_index(a, b),
        (Value::Array(a), b) => w.by_index(a, std::slice::from_ref(b)),
        (a, Value::Array(b)) => w.by_index(std::slice::from_ref(a), b),
        (a, b) => w.walk("", a, b, Ctx::default()),
    }
    w.out
}

/// All differences between two JSON values (not necessarily results), with the same
/// rules as [`diff_results`].
pub fn diff_values(old: &Value, new: &Value, ignore: &[String]) -> Vec<Change> {
    let mut w = Walker {
        ignore,
        prefix_len: 0,
        out: Vec::new(),
    };
    w.walk("", old, new, Ctx::default());
    w.out
}

/// The summary topic of a pointer (see [`Change::topic`]).
pub fn topic_of(pointer: &str) -> String {
    let mut parts = pointer.split('/').skip(1).peekable();
    let mut first = parts.next();
    if first.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        first = parts.next();
        if first.is_none() {
            return "notices".into();
        }
    }
    match first {
        None => "document".into(),
        Some("fields") => match parts.next() {
            Some(key) => format!("fields.{}", unescape(key)),
            None => "fields".into(),
        },
        Some(key) => unescape(key),
    }
}

fn escape(key: &str) -> String {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1")
    } else {
        key.to_string()
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The context a value is compared in.
#[derive(Debug, Clone, Default)]
struct Ctx {
    /// Inside a `span` or `evidence`.
    span: bool,
    /// Inside a conflict (its `fields` is a set).
    conflict: bool,
    /// Label of the enclosing matched element.
    label: Option<String>,
}

struct Walker<'a> {
    ignore: &'a [String],
    /// In a multi-notice file, the length of the `/<index>` prefix of pointers.
    prefix_len: usize,
    out: Vec<Change>,
}

impl Walker<'_> {
    fn push(
        &mut self,
        op: Op,
        pointer: String,
        old: Option<&Value>,
        new: Option<&Value>,
        ctx: &Ctx,
    ) {
        self.out.push(Change {
            op,
            topic: topic_of(&pointer),
            pointer,
            label: ctx.label.clone(),
            old: old.cloned(),
            new: new.cloned(),
            span_only: ctx.span,
        });
    }

    fn ignored(&self, pointer: &str, key: &str) -> bool {
        VOLATILE_KEYS.contains(&key)
            || self.ignore.iter().any(|i| {
                i == key
                    || i == pointer
                    || (self.prefix_len > 0 && i == &pointer[self.prefix_len..])
            })
    }

    /// Results in arrays (several notices per file): element by element.
    fn by_index(&mut self, a: &[Value], b: &[Value]) {
        for i in 0..a.len().max(b.len()) {
            let p = format!("/{i}");
            self.prefix_len = p.len();
            let ctx = Ctx::default();
            match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) => self.walk(&p, x, y, ctx),
                (Some(x), None) => self.push(Op::Removed, p, Some(x), None, &ctx),
                (None, Some(y)) => self.push(Op::Added, p, None, Some(y), &ctx),
                (None, None) => {}
            }
        }
        self.prefix_len = 0;
    }

    fn walk(&mut self, pointer: &str, old: &Value, new: &Value, ctx: Ctx) {
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, va) in a {
                    let p = format!("{pointer}/{}", escape(k));
                    if self.ignored(&p, k) {
                        continue;
                    }
                    let child = Ctx {
                        span: ctx.span || SPAN_KEYS.contains(&k.as_str()),
                        conflict: false,
                        label: ctx.label.clone(),
                    };
                    match b.get(k) {
                        Some(vb) => self.member(&p, k, va, vb, child, ctx.conflict),
                        None => self.push(Op::Removed, p, Some(va), None, &child),
                    }
                }
                for (k, vb) in b {
                    if a.contains_key(k) {
                        continue;
                    }
                    let p = format!("{pointer}/{}", escape(k));
                    if !self.ignored(&p, k) {
                        let child = Ctx {
                            span: ctx.span || SPAN_KEYS.contains(&k.as_str()),
                            conflict: false,
                            label: ctx.label.clone(),
                        };
                        self.push(Op::Added, p, None, Some(vb), &child);
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) => self.sequence(pointer, a, b, &ctx),
            _ => {
                if old != new {
                    self.push(Op::Changed, pointer.to_string(), Some(old), Some(new), &ctx);
                }
            }
        }
    }

    /// A key present on both sides: dispatch on its name.
    fn member(&mut self, p: &str, key: &str, va: &Value, vb: &Value, ctx: Ctx, in_conflict: bool) {
        if va == vb {
            return;
        }
        match (va, vb) {
            (Value::Array(a), Value::Array(b)) => {
                if SET_KEYS.contains(&key) || (in_conflict && key == "fields") {
                    self.set(p, a, b, &ctx);
                } else if key == "gaps" || key == "conflicts" {
                    self.keyed(p, a, b, &ctx, key == "conflicts");
                } else {
                    self.sequence(p, a, b, &ctx);
                }
            }
            _ => self.walk(p, va, vb, ctx),
        }
    }

    /// Multiset comparison.
    fn set(&mut self, pointer: &str, a: &[Value], b: &[Value], ctx: &Ctx) {
        let mut left: HashMap<String, usize> = HashMap::new();
        for v in a {
            *left.entry(v.to_string()).or_default() += 1;
        }
        let mut added = Vec::new();
        for v in b {
            match left.get_mut(&v.to_string()) {
                Some(n) if *n > 0 => *n -= 1,
                _ => added.push(v),
            }
        }
        for v in a {
            if let Some(n) = left.get_mut(&v.to_string()) {
                if *n > 0 {
                    *n -= 1;
                    self.push(Op::Removed, pointer.to_string(), Some(v), None, ctx);
                }
            }
        }
        for v in added {
            self.push(Op::Added, pointer.to_string(), None, Some(v), ctx);
        }
    }

    /// Gaps by `(rule, field)`, conflicts by `(rule, fields)`; duplicates pair in order.
    fn keyed(&mut self, pointer: &str, a: &[Value], b: &[Value], ctx: &Ctx, conflicts: bool) {
        let mut by_key: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (j, v) in b.iter().enumerate() {
            by_key.entry(finding_key(v)).or_default().push_back(j);
        }
        let mut paired = vec![false; b.len()];
        for (i, va) in a.iter().enumerate() {
            let p = format!("{pointer}/{i}");
            let label = element_label(va).or_else(|| ctx.label.clone());
            let child = Ctx {
                span: ctx.span,
                conflict: conflicts,
                label,
            };
            match by_key.get_mut(&finding_key(va)).and_then(|q| q.pop_front()) {
                Some(j) => {
                    paired[j] = true;
                    self.walk(&p, va, &b[j], child);
                }
                None => self.push(Op::Removed, p, Some(va), None, &child),
            }
        }
        for (j, vb) in b.iter().enumerate() {
            if !paired[j] {
                let child = Ctx {
                    label: element_label(vb).or_else(|| ctx.label.clone()),
                    ..ctx.clone()
                };
                self.push(Op::Added, format!("{pointer}/{j}"), None, Some(vb), &child);
            }
        }
    }

    /// An ordered sequence: align, then compare paired elements.
    fn sequence(&mut self, pointer: &str, a: &[Value], b: &[Value], ctx: &Ctx) {
        if a == b {
            return;
        }
        let ka: Vec<u64> = a.iter().map(|v| self.align_key(v)).collect();
        let kb: Vec<u64> = b.iter().map(|v| self.align_key(v)).collect();
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &ka, &kb) {
            match op {
                similar::DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    for k in 0..len {
                        self.pair(pointer, a, b, old_index + k, new_index + k, ctx);
                    }
                }
                similar::DiffOp::Delete {
                    old_index, old_len, ..
                } => {
                    self.removed_range(pointer, a, old_index, old_len, ctx);
                }
                similar::DiffOp::Insert {
                    new_index, new_len, ..
                } => {
                    self.added_range(pointer, b, new_index, new_len, ctx);
                }
                similar::DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    let both = old_len.min(new_len);
                    for k in 0..both {
                        self.pair(pointer, a, b, old_index + k, new_index + k, ctx);
                    }
                    self.removed_range(pointer, a, old_index + both, old_len - both, ctx);
                    self.added_range(pointer, b, new_index + both, new_len - both, ctx);
                }
            }
        }
    }

    fn pair(&mut self, pointer: &str, a: &[Value], b: &[Value], i: usize, j: usize, ctx: &Ctx) {
        if a[i] == b[j] {
            return;
        }
        let child = Ctx {
            label: element_label(&a[i]).or_else(|| ctx.label.clone()),
            ..ctx.clone()
        };
        self.walk(&format!("{pointer}/{i}"), &a[i], &b[j], child);
    }

    fn removed_range(&mut self, pointer: &str, a: &[Value], start: usize, len: usize, ctx: &Ctx) {
        for (i, v) in a.iter().enumerate().skip(start).take(len) {
            self.removed_element(pointer, v, i, ctx);
        }
    }

    fn added_range(&mut self, pointer: &str, b: &[Value], start: usize, len: usize, ctx: &Ctx) {
        for (j, v) in b.iter().enumerate().skip(start).take(len) {
            self.added_element(pointer, v, j, ctx);
        }
    }

    fn removed_element(&mut self, pointer: &str, v: &Value, i: usize, ctx: &Ctx) {
        let child = Ctx {
            label: element_label(v).or_else(|| ctx.label.clone()),
            ..ctx.clone()
        };
        self.push(Op::Removed, format!("{pointer}/{i}"), Some(v), None, &child);
    }

    fn added_element(&mut self, pointer: &str, v: &Value, j: usize, ctx: &Ctx) {
        let child = Ctx {
            label: element_label(v).or_else(|| ctx.label.clone()),
            ..ctx.clone()
        };
        self.push(Op::Added, format!("{pointer}/{j}"), None, Some(v), &child);
    }

    /// A hash of an element without its spans and ignored keys, for alignment.
    fn align_key(&self, v: &Value) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash_value(v, &mut h);
        h.finish()
    }

    fn hash_value(&self, v: &Value, h: &mut impl Hasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => (2u8, n.to_string()).hash(h),
            Value::String(s) => (3u8, s).hash(h),
            Value::Array(a) => {
                (4u8, a.len()).hash(h);
                for x in a {
                    self.hash_value(x, h);
                }
            }
            Value::Object(o) => {
                5u8.hash(h);
                for (k, x) in o {
                    if SPAN_KEYS.contains(&k.as_str())
                        || VOLATILE_KEYS.contains(&k.as_str())
                        || self.ignore.iter().any(|i| i == k)
                    {
                        continue;
                    }
                    k.hash(h);
                    self.hash_value(x, h);
                }
            }
        }
    }
}

/// The identity of a gap (`rule|field`) or conflict (`rule|fields sorted`).
fn finding_key(v: &Value) -> String {
    let rule = v.get("rule").and_then(Value::as_str).unwrap_or("");
    let mut fields: Vec<String> = match (v.get("field"), v.get("fields")) {
        (Some(f), _) => vec![f.as_str().map_or_else(|| f.to_string(), str::to_string)],
        (None, Some(Value::Array(fs))) => fs
            .iter()
            .map(|f| f.as_str().map_or_else(|| f.to_string(), str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    fields.sort();
    format!("{rule}|{}", fields.join(","))
}

/// A reviewer's name for an array element: a finding's rule and fields, a section's
/// heading.
fn element_label(v: &Value) -> Option<String> {
    let o = v.as_object()?;
    if let Some(rule) = o.get("rule").and_then(Value::as_str) {
        let fields = match (o.get("field"), o.get("fields")) {
            (Some(Value::String(f)), _) => f.clone(),
            (None, Some(Value::Array(fs))) => fs
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        return Some(if fields.is_empty() {
            rule.to_string()
        } else {
            format!("{rule} ({fields})")
        });
    }
    if let Some(heading) = o.get("heading").and_then(Value::as_str) {
        if o.contains_key("level") {
            return Some(if heading.is_empty() {
                "(paragraph without heading)".to_string()
            } else {
                heading.to_string()
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pointers(d: &[Change]) -> Vec<(Op, &str)> {
        d.iter().map(|c| (c.op, c.pointer.as_str())).collect()
    }

    #[test]
    fn pointers_name_each_difference() {
        let a = json!({"fields": {"controller": {"text": "A"}}, "warnings": [1, 2], "tool_version": "1"});
        let b = json!({"fields": {"controller": {"text": "B"}, "dpo": {}}, "warnings": [1], "tool_version": "2"});
        let d = diff_values(&a, &b, &[]);
        assert_eq!(
            pointers(&d),
            [
                (Op::Changed, "/fields/controller/text"),
                (Op::Added, "/fields/dpo"),
                (Op::Removed, "/warnings/1"),
            ]
        );
        assert_eq!(d[0].topic, "fields.controller");
        assert_eq!(d[2].topic, "warnings");
    }

    #[test]
    fn ignore_by_name_or_pointer() {
        let a = json!({"x": 1, "y": {"z": 1}, "millis": 3});
        let b = json!({"x": 2, "y": {"z": 2}, "millis": 4});
        assert!(diff_values(&a, &b, &["x".into(), "/y/z".into()]).is_empty());
        assert_eq!(diff_values(&a, &b, &[]).len(), 2);
    }

    #[test]
    fn sets_ignore_order_and_count_each_element() {
        let a = json!({"emails": ["a@x.fi", "b@x.fi"], "rights": ["access", "erasure"]});
        let b = json!({"emails": ["b@x.fi", "a@x.fi"], "rights": ["erasure", "objection"]});
        let d = diff_values(&a, &b, &[]);
        assert_eq!(
            pointers(&d),
            [(Op::Removed, "/rights"), (Op::Added, "/rights")]
        );
        assert_eq!(d[0].old, Some(json!("access")));
        assert_eq!(d[1].new, Some(json!("objection")));
    }

    #[test]
    fn sections_keep_their_order_and_align_after_an_insertion() {
        let s = |h: &str, start: usize| json!({"heading": h, "level": 1, "span": {"start": start, "end": start + 5}});
        let a = json!({"sections": [s("A", 0), s("B", 5), s("C", 10)]});
        let b = json!({"sections": [s("A", 0), s("X", 5), s("B", 10), s("C", 15)]});
        let d = diff_values(&a, &b, &[]);
        let substantive: Vec<_> = d.iter().filter(|c| !c.span_only).collect();
        assert_eq!(substantive.len(), 1);
        assert_eq!(substantive[0].op, Op::Added);
        assert_eq!(substantive[0].pointer, "/sections/1");
        assert_eq!(substantive[0].label.as_deref(), Some("X"));
        // B and C moved: their spans changed, and only their spans.
        assert_eq!(d.iter().filter(|c| c.span_only).count(), 4);
        // Swapping two sections is a change (order matters).
        let c = json!({"sections": [s("B", 0), s("A", 5), s("C", 10)]});
        assert!(diff_values(&a, &c, &[]).iter().any(|c| !c.span_only));
    }

    #[test]
    fn gaps_match_by_rule_and_field() {
        let g = |rule: &str, field: &str, sev: &str| json!({"field": field, "rule": rule, "severity": sev, "message": "m"});
        let a = json!({"gaps": [g("r1", "dpo", "error"), g("r2", "purpose", "warning")]});
        let b = json!({"gaps": [g("r3", "dpo", "info"), g("r2", "purpose", "error"), g("r1", "dpo", "error")]});
        let d = diff_values(&a, &b, &[]);
        assert_eq!(
            pointers(&d),
            [(Op::Changed, "/gaps/1/severity"), (Op::Added, "/gaps/0")]
        );
        assert_eq!(d[0].label.as_deref(), Some("r2 (purpose)"));
        assert_eq!(d[1].label.as_deref(), Some("r3 (dpo)"));
    }

    #[test]
    fn conflicts_match_by_rule_and_field_set_and_evidence_is_a_span() {
        let a = json!({"conflicts": [{"rule": "r", "severity": "error", "fields": ["a", "b"], "message": "m", "evidence": [{"start": 1, "end": 2}]}]});
        let b = json!({"conflicts": [{"rule": "r", "severity": "error", "fields": ["b", "a"], "message": "m2", "evidence": [{"start": 3, "end": 4}]}]});
        let d = diff_values(&a, &b, &[]);
        assert_eq!(
            pointers(&d),
            [
                (Op::Changed, "/conflicts/0/message"),
                (Op::Changed, "/conflicts/0/evidence/0/start"),
                (Op::Changed, "/conflicts/0/evidence/0/end"),
            ]
        );
        assert!(!d[0].span_only && d[1].span_only && d[2].span_only);
    }

    #[test]
    fn multi_notice_files_compare_by_index() {
        let n = |t: &str| json!({"schema_version": "1", "source": {}, "title": t});
        let a = json!([n("A"), n("B")]);
        let b = json!([n("A"), n("C"), n("D")]);
        assert!(is_result(&a) && is_result(&n("A")) && !is_result(&json!({"documents": []})));
        let d = diff_results(&a, &b, &DiffOptions::default());
        assert_eq!(pointers(&d), [(Op::Changed, "/1/title"), (Op::Added, "/2")]);
        assert_eq!(d[0].topic, "title");
        assert_eq!(d[1].topic, "notices");
        let ignore = DiffOptions {
            ignore: vec!["/title".into()],
        };
        assert_eq!(diff_results(&a, &b, &ignore).len(), 1);
    }

    #[test]
    fn topics() {
        assert_eq!(topic_of("/fields/dpo/emails"), "fields.dpo");
        assert_eq!(topic_of("/kind"), "kind");
        assert_eq!(topic_of("/0/dates/updated"), "dates");
        assert_eq!(topic_of(""), "document");
    }
}

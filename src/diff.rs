//! Stage 7: **diff**. Field-level differences between two results (JSON values), as
//! used by the golden tests: each difference names its JSON Pointer, so a failing test
//! says `/fields/controller/text changed` rather than dumping two files.

use serde_json::Value;

/// Keys that change from run to run and are not compared.
pub const VOLATILE_KEYS: &[&str] = &["tool_version", "millis", "elapsed_ms"];

/// One difference.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// Present only on the right.
    Added {
        /// JSON Pointer.
        pointer: String,
        /// The new value.
        value: Value,
    },
    /// Present only on the left.
    Removed {
        /// JSON Pointer.
        pointer: String,
        /// The old value.
        value: Value,
    },
    /// Present on both sides with different values.
    Changed {
        /// JSON Pointer.
        pointer: String,
        /// Left (expected, golden) value.
        old: Value,
        /// Right (actual) value.
        new: Value,
    },
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// All differences between `old` and `new`, ignoring [`VOLATILE_KEYS`] and `ignore`
/// (field names or JSON Pointers).
pub fn diff_values(old: &Value, new: &Value, ignore: &[String]) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("", old, new, ignore, &mut out);
    out
}

fn ignored(pointer: &str, key: &str, ignore: &[String]) -> bool {
    VOLATILE_KEYS.contains(&key) || ignore.iter().any(|i| i == key || i == pointer)
}

fn walk(pointer: &str, old: &Value, new: &Value, ignore: &[String], out: &mut Vec<Difference>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{pointer}/{}", escape(k));
                if ignored(&p, k, ignore) {
                    continue;
                }
                match b.get(k) {
                    Some(vb) => walk(&p, va, vb, ignore, out),
                    None => out.push(Difference::Removed {
                        pointer: p,
                        value: va.clone(),
                    }),
                }
            }
            for (k, vb) in b {
                let p = format!("{pointer}/{}", escape(k));
                if !a.contains_key(k) && !ignored(&p, k, ignore) {
                    out.push(Difference::Added {
                        pointer: p,
                        value: vb.clone(),
                    });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let p = format!("{pointer}/{i}");
                match (a.get(i), b.get(i)) {
                    (Some(va), Some(vb)) => walk(&p, va, vb, ignore, out),
                    (Some(va), None) => out.push(Difference::Removed {
                        pointer: p,
                        value: va.clone(),
                    }),
                    (None, Some(vb)) => out.push(Difference::Added {
                        pointer: p,
                        value: vb.clone(),
                    }),
                    (None, None) => {}
                }
            }
        }
        _ => {
            if old != new {
                out.push(Difference::Changed {
                    pointer: pointer.to_string(),
                    old: old.clone(),
                    new: new.clone(),
                });
            }
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(197).collect::<String>())
    } else {
        s
    }
}

/// Render differences one per line: `~ /pointer: old -> new`, `+ /pointer: value`, `- /pointer: value`.
pub fn render(diffs: &[Difference]) -> String {
    let mut s = String::new();
    for d in diffs {
        match d {
            Difference::Added { pointer, value } => {
                s.push_str(&format!("  + {pointer}: {}\n", short(value)))
            }
            Difference::Removed { pointer, value } => {
                s.push_str(&format!("  - {pointer}: {}\n", short(value)))
            }
            Difference::Changed { pointer, old, new } => s.push_str(&format!(
                "  ~ {pointer}: {} -> {}\n",
                short(old),
                short(new)
            )),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_name_each_difference() {
        let a =
            json!({"fields": {"controller": {"text": "A"}}, "gaps": [1, 2], "tool_version": "1"});
        let b = json!({"fields": {"controller": {"text": "B"}, "dpo": {}}, "gaps": [1], "tool_version": "2"});
        let d = diff_values(&a, &b, &[]);
        assert_eq!(d.len(), 3);
        assert!(
            matches!(&d[0], Difference::Changed { pointer, .. } if pointer == "/fields/controller/text")
        );
        assert!(matches!(&d[1], Difference::Added { pointer, .. } if pointer == "/fields/dpo"));
        assert!(matches!(&d[2], Difference::Removed { pointer, .. } if pointer == "/gaps/1"));
    }

    #[test]
    fn ignore_by_name_or_pointer() {
        let a = json!({"x": 1, "y": {"z": 1}});
        let b = json!({"x": 2, "y": {"z": 2}});
        assert!(diff_values(&a, &b, &["x".into(), "/y/z".into()]).is_empty());
    }
}

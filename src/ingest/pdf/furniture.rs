//! Page furniture: running titles, dates and page numbers repeated at the top or
//! bottom of several pages.

use std::collections::HashMap;

use super::layout::PageLine;

/// How many lines at the top and at the bottom of a page are candidates.
const ZONE: usize = 3;

/// The key under which furniture lines repeat: digits folded, case and spaces ignored.
fn key(text: &str) -> String {
    let mut out = String::new();
    let mut last_digit = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A line that is only a page number: `3`, `Sivu 3/8`, `3 (8)`, `3/8`, `Page 3 of 8`, `- 3 -`.
pub fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let t = t
        .strip_prefix("sivu")
        .or_else(|| t.strip_prefix("page"))
        .or_else(|| t.strip_prefix("sida"))
        .or_else(|| t.strip_prefix("s."))
        .unwrap_or(&t)
        .trim();
    if t.is_empty() || t.len() > 16 {
        return false;
    }
    let k = key(t);
    matches!(
        k.as_str(),
        "#" | "#/#" | "#(#)" | "#of#" | "#/#." | "-#-" | "–#–" | "#." | "#(#)." | "#av#" | "#/"
    )
}

/// Remove furniture lines from `pages` in place. Returns the number removed and one example.
pub fn remove_furniture(pages: &mut [Vec<PageLine>]) -> (usize, Option<String>) {
    let n_pages = pages.len();
    if n_pages == 0 {
        return (0, None);
    }
    // key -> pages where it occurs in the top (0) or bottom (1) zone.
    let mut seen: HashMap<(u8, String), Vec<usize>> = HashMap::new();
    for (p, lines) in pages.iter().enumerate() {
        let n = lines.len();
        for (i, l) in lines.iter().enumerate() {
            let zone = if i < ZONE {
                0
            } else if i + ZONE >= n {
                1
            } else {
                continue;
            };
            let pages_with = seen.entry((zone, key(&l.text))).or_default();
            if pages_with.last() != Some(&p) {
                pages_with.push(p);
            }
        }
    }
    let needed = if n_pages <= 3 {
        2
    } else {
        (n_pages / 2).max(2)
    };
    let mut removed = 0;
    let mut example = None;
    for lines in pages.iter_mut() {
        let n = lines.len();
        let mut keep = Vec::with_capacity(n);
        for (i, l) in lines.drain(..).enumerate() {
            let zone = if i < ZONE {
                Some(0)
            } else if i + ZONE >= n {
                Some(1)
            } else {
                None
            };
            let furniture = zone.is_some_and(|z| {
                let repeated = n_pages >= 2
                    && seen
                        .get(&(z, key(&l.text)))
                        .is_some_and(|v| v.len() >= needed);
                let edge = if z == 0 { i == 0 } else { i + 1 == n };
                repeated || (edge && is_page_number(&l.text))
            });
            if furniture {
                removed += 1;
                if example.is_none() {
                    example = Some(l.text.clone());
                }
            } else {
                keep.push(l);
            }
        }
        *lines = keep;
    }
    (removed, example)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str) -> PageLine {
        PageLine {
            text: t.into(),
            y: 0.0,
            x0: 0.0,
            x1: 0.0,
            size: 10.0,
            bold: false,
            column: 0,
        }
    }

    #[test]
    fn page_numbers() {
        for t in ["3", "Sivu 3/8", "3 (8)", "3/8", "Page 3 of 8", "- 3 -"] {
            assert!(is_page_number(t), "{t}");
        }
        assert!(!is_page_number("3. Rekisterin nimi"));
    }

    #[test]
    fn running_header_removed() {
        let mut pages: Vec<Vec<PageLine>> = (1..=3)
            .map(|p| {
                vec![
                    line("Kokkolan kaupunki – Tietosuojaseloste"),
                    line(&format!("Body text {}", "a".repeat(p))),
                    line(&format!("b{}", "x".repeat(p))),
                    line(&format!("c{}", "y".repeat(p))),
                    line(&format!("d{}", "z".repeat(p))),
                    line(&format!("Sivu {p}/3")),
                ]
            })
            .collect();
        let (n, ex) = remove_furniture(&mut pages);
        assert_eq!(n, 6);
        assert_eq!(ex.as_deref(), Some("Kokkolan kaupunki – Tietosuojaseloste"));
        assert_eq!(pages[0][0].text, "Body text a");
    }
}

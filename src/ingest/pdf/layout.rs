//! Layout analysis: glyphs -> words -> lines -> columns, in reading order.

use unicode_normalization::UnicodeNormalization;

use super::interpreter::Glyph;

/// One line of a page, before furniture removal and de-hyphenation.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLine {
    /// The text, words separated by single spaces.
    pub text: String,
    /// Baseline (device space, y up).
    pub y: f32,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// The font size most of the line's characters are set in.
    pub size: f32,
    /// Every character of the line is in a bold font.
    pub bold: bool,
    /// Column: 0 = full width, 1 = left, 2 = right.
    pub column: u8,
}

/// Word-gap threshold as a share of the font size.
const WORD_GAP: f32 = 0.13;
/// A horizontal gap wider than this many font sizes splits a line into segments.
const SEGMENT_GAP: f32 = 1.8;

/// The combining mark for a spacing accent drawn as a separate glyph.
fn combining_for(c: char) -> Option<char> {
    Some(match c {
        '\u{A8}' | '\u{308}' => '\u{308}',
        '\u{2DA}' | '\u{30A}' | '\u{B0}' => '\u{30A}',
        '\u{B4}' | '\u{301}' | '\u{2CA}' => '\u{301}',
        '`' | '\u{300}' | '\u{2CB}' => '\u{300}',
        '\u{2C6}' | '^' | '\u{302}' => '\u{302}',
        '\u{2DC}' | '~' | '\u{303}' => '\u{303}',
        '\u{2C7}' | '\u{30C}' => '\u{30C}',
        '\u{B8}' | '\u{327}' => '\u{327}',
        '\u{AF}' | '\u{2C9}' | '\u{304}' => '\u{304}',
        '\u{2D8}' | '\u{306}' => '\u{306}',
        '\u{2D9}' | '\u{307}' => '\u{307}',
        '\u{2DD}' | '\u{30B}' => '\u{30B}',
        '\u{2DB}' | '\u{328}' => '\u{328}',
        _ => return None,
    })
}

/// Compose accents drawn as separate glyphs (`¨` over `a`, as pdfTeX OT1 does) with
/// the letter they overlap, preferring the following glyph.
fn compose_accents(glyphs: &mut Vec<Glyph>) {
    let n = glyphs.len();
    let mut remove = vec![false; n];
    for i in 0..n {
        let mut chars = glyphs[i].text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            continue;
        };
        let Some(mark) = combining_for(c) else {
            continue;
        };
        let (ax0, ax1, ay, asz) = (glyphs[i].x0, glyphs[i].x1, glyphs[i].y, glyphs[i].size);
        let cx = (ax0 + ax1) / 2.0;
        let candidates = [i + 1, i.wrapping_sub(1)];
        for &j in &candidates {
            if j >= n || remove[j] {
                continue;
            }
            let g = &glyphs[j];
            let base = g.text.chars().next().unwrap_or(' ');
            if g.text.chars().count() != 1 || !base.is_alphabetic() {
                continue;
            }
            let slack = 0.1 * g.size;
            if cx < g.x0 - slack || cx > g.x1 + slack || (g.y - ay).abs() > 0.8 * asz.max(g.size) {
                continue;
            }
            let base = match base {
                'ı' => 'i',
                'ȷ' => 'j',
                b => b,
            };
            let composed: String = [base, mark].iter().collect::<String>().nfc().collect();
            glyphs[j].text = composed.into();
            remove[i] = true;
            break;
        }
    }
    let mut k = 0;
    glyphs.retain(|_| {
        k += 1;
        !remove[k - 1]
    });
}

struct Cluster {
    y: f32,
    size: f32,
    glyphs: Vec<Glyph>,
}

/// Lay out one page's glyphs into lines in reading order.
pub fn layout_page(mut glyphs: Vec<Glyph>) -> Vec<PageLine> {
    glyphs.retain(|g| !g.text.chars().all(is_invisible));
    compose_accents(&mut glyphs);
    if glyphs.is_empty() {
        return Vec::new();
    }
    // Baseline clusters, top to bottom.
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by(|&a, &b| {
        glyphs[b]
            .y
            .total_cmp(&glyphs[a].y)
            .then(glyphs[a].x0.total_cmp(&glyphs[b].x0))
    });
    let mut clusters: Vec<Cluster> = Vec::new();
    // Glyphs move into their clusters (no copies of their text).
    let mut slots: Vec<Option<Glyph>> = glyphs.into_iter().map(Some).collect();
    for i in order {
        let Some(g) = slots[i].take() else { continue };
        if let Some(c) = clusters.last_mut() {
            let tol = if g.space {
                0.45 * c.size.max(g.size)
            } else {
                0.4 * c.size.max(g.size).min(2.0 * c.size.min(g.size))
            };
            if (c.y - g.y).abs() <= tol {
                if !g.space && g.size > c.size {
                    c.size = g.size;
                    c.y = g.y;
                }
                c.glyphs.push(g);
                continue;
            }
        }
        if g.space {
            continue;
        }
        clusters.push(Cluster {
            y: g.y,
            size: g.size,
            glyphs: vec![g],
        });
    }
    // Segments of each cluster.
    struct Segment {
        cluster: usize,
        x0: f32,
        x1: f32,
        glyphs: Vec<Glyph>,
    }
    let mut segments: Vec<Segment> = Vec::new();
    for (ci, c) in clusters.iter_mut().enumerate() {
        c.glyphs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut cur: Vec<Glyph> = Vec::new();
        let mut last_x1 = f32::MIN;
        for g in c.glyphs.drain(..) {
            if !g.space && !cur.is_empty() && g.x0 - last_x1 > SEGMENT_GAP * c.size.max(g.size) {
                let x0 = cur.iter().find(|g| !g.space).map_or(0.0, |g| g.x0);
                segments.push(Segment {
                    cluster: ci,
                    x0,
                    x1: last_x1,
                    glyphs: std::mem::take(&mut cur),
                });
            }
            if !g.space {
                last_x1 = last_x1.max(g.x1);
            }
            cur.push(g);
        }
        if cur.iter().any(|g| !g.space) {
            let x0 = cur.iter().find(|g| !g.space).map_or(0.0, |g| g.x0);
            segments.push(Segment {
                cluster: ci,
                x0,
                x1: last_x1,
                glyphs: cur,
            });
        }
    }
    // Two-column detection: a vertical gutter through most of the page.
    let gutter = find_gutter(&segments.iter().map(|s| (s.x0, s.x1)).collect::<Vec<_>>());
    let column_of = |s: &Segment| -> u8 {
        match gutter {
            Some(gx) if s.x1 <= gx => 1,
            Some(gx) if s.x0 >= gx => 2,
            _ => 0,
        }
    };
    // Group segments of the same cluster and column into lines.
    let mut lines: Vec<(usize, u8, Vec<Glyph>)> = Vec::new();
    for s in segments {
        let col = column_of(&s);
        match lines.last_mut() {
            Some((c, k, gl)) if *c == s.cluster && *k == col => {
                // A wide gap inside one column: keep a word boundary.
                gl.push(Glyph {
                    text: " ".into(),
                    x0: s.x0,
                    x1: s.x0,
                    y: 0.0,
                    size: 0.0,
                    bold: false,
                    space: true,
                });
                gl.extend(s.glyphs);
            }
            _ => lines.push((s.cluster, col, s.glyphs)),
        }
    }
    let built: Vec<PageLine> = lines
        .into_iter()
        .filter_map(|(ci, col, gl)| build_line(&gl, clusters[ci].y, col))
        .collect();
    if gutter.is_none() {
        return built;
    }
    // Reading order: bands separated by full-width lines; in each band the left
    // column, then the right one.
    let mut out = Vec::with_capacity(built.len());
    let mut left = Vec::new();
    let mut right = Vec::new();
    for l in built {
        match l.column {
            1 => left.push(l),
            2 => right.push(l),
            _ => {
                out.append(&mut left);
                out.append(&mut right);
                out.push(l);
            }
        }
    }
    out.append(&mut left);
    out.append(&mut right);
    out
}

/// The x of a gutter between two columns, if the segments show one.
fn find_gutter(segs: &[(f32, f32)]) -> Option<f32> {
    if segs.len() < 12 {
        return None;
    }
    let minx = segs.iter().map(|s| s.0).fold(f32::MAX, f32::min);
    let maxx = segs.iter().map(|s| s.1).fold(f32::MIN, f32::max);
    let width = maxx - minx;
    if !(width > 100.0 && width < 5000.0) {
        return None;
    }
    let bins = width.ceil() as usize + 1;
    let mut cover = vec![0u32; bins];
    for &(a, b) in segs {
        let (a, b) = (
            ((a - minx).max(0.0)) as usize,
            ((b - minx).max(0.0) as usize).min(bins - 1),
        );
        for c in cover.iter_mut().take(b + 1).skip(a) {
            *c += 1;
        }
    }
    let allowed = (segs.len() as u32) / 12;
    let lo = (0.35 * width) as usize;
    let hi = (0.65 * width) as usize;
    // The widest run of low-coverage bins inside the middle band.
    let mut best: Option<(usize, usize)> = None;
    let mut run_start = None;
    for (x, &c) in cover.iter().enumerate().take(hi.min(bins - 1) + 1).skip(lo) {
        if c <= allowed {
            run_start.get_or_insert(x);
        } else if let Some(s) = run_start.take() {
            if best.is_none_or(|(a, b)| x - s > b - a) {
                best = Some((s, x));
            }
        }
    }
    if let Some(s) = run_start {
        if best.is_none_or(|(a, b)| hi - s > b - a) {
            best = Some((s, hi));
        }
    }
    let (a, b) = best?;
    if b - a < 8 {
        return None;
    }
    let gx = minx + (a + b) as f32 / 2.0;
    let left = segs.iter().filter(|s| s.1 <= gx).count();
    let right = segs.iter().filter(|s| s.0 >= gx).count();
    let spanning = segs.len() - left - right;
    if left < 5 || right < 5 || spanning * 4 > segs.len() {
        return None;
    }
    // Both columns must be wide prose columns, not a narrow label column.
    let lmin = segs
        .iter()
        .filter(|s| s.1 <= gx)
        .map(|s| s.0)
        .fold(f32::MAX, f32::min);
    let rmax = segs
        .iter()
        .filter(|s| s.0 >= gx)
        .map(|s| s.1)
        .fold(f32::MIN, f32::max);
    if gx - lmin < 0.3 * width || rmax - gx < 0.3 * width {
        return None;
    }
    Some(gx)
}

/// Characters dropped from text: zero-width spaces and joiners, BOM, NUL, controls.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}' | '\u{0}')
        || (c.is_control() && !c.is_whitespace())
}

fn build_line(glyphs: &[Glyph], y: f32, column: u8) -> Option<PageLine> {
    let mut text = String::new();
    let mut pending_space = false;
    let mut prev: Option<&Glyph> = None;
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    let mut all_bold = true;
    let (mut x0, mut x1) = (f32::MAX, f32::MIN);
    for g in glyphs {
        if g.space {
            pending_space = true;
            continue;
        }
        if let Some(p) = prev {
            // Fake bold: the same glyph drawn twice at almost the same place.
            if p.text == g.text && (g.x0 - p.x0).abs() < 0.15 * g.size && !pending_space {
                continue;
            }
            let gap = g.x0 - p.x1;
            if pending_space || gap > WORD_GAP * g.size.min(p.size) {
                text.push(' ');
            }
        }
        pending_space = false;
        text.push_str(&g.text);
        let n = g.text.chars().count();
        match sizes.iter_mut().find(|(s, _)| (s - g.size).abs() < 0.25) {
            Some(e) => e.1 += n,
            None => sizes.push((g.size, n)),
        }
        all_bold &= g.bold;
        x0 = x0.min(g.x0);
        x1 = x1.max(g.x1);
        prev = Some(g);
    }
    let size = sizes.iter().max_by_key(|e| e.1)?.0;
    Some(PageLine {
        text,
        y,
        x0,
        x1,
        size,
        bold: all_bold,
        column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x0: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x0,
            x1: x0 + 5.0,
            y,
            size: 10.0,
            bold: false,
            space: text == " ",
        }
    }

    #[test]
    fn words_lines_and_accents() {
        let glyphs = vec![
            g("\u{A8}", 0.5, 700.0),
            g("a", 0.0, 700.0),
            g("b", 5.0, 700.0),
            g("c", 13.0, 700.0),
            g("x", 0.0, 686.0),
            g("\u{200B}", 5.0, 686.0),
        ];
        let lines = layout_page(glyphs);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, vec!["äb c", "x"]);
    }
}

//! A fast reader of content streams for the common grammar: numbers, names, strings,
//! arrays, dictionaries (marked-content properties), operators and comments.
//!
//! [`Reader`] streams the operations one at a time into reused buffers
//! ([`Operands`]): no allocation per operation once the buffers have grown. It gives
//! exactly the operations lopdf's `Content::decode` gives, as far as the interpreter
//! sees them (numbers, names, strings, arrays of them), until the stream holds
//! anything it does not read the same way (an inline image, a reference in an array,
//! a `#` in a name, a comment between operands, deep nesting, a syntax error...): it
//! then says [`Next::Unsupported`] and the caller decodes the stream with lopdf and
//! goes on from the same operation. lopdf's nom grammar and its per-operation
//! allocations were most of the time of a PDF (callgrind on Chromium output, one
//! operation per glyph); the tests below check that the two agree on every content
//! stream of the bundled PDFs and on random token soups.

use std::ops::Range;

use lopdf::{Dictionary, Object, StringFormat};

/// Nesting of arrays, dictionaries and parentheses that the fast path reads; deeper
/// streams go to lopdf (which has its own limits).
const MAX_DEPTH: usize = 32;

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    b"()<>[]{}/%".contains(&c)
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c) && !is_delimiter(c)
}

/// Exact powers of ten in `f64` (every one up to 10^22 is representable).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A number's sign (`true`: negative) and the text after it; `None` for no text.
fn split_sign(text: &[u8]) -> Option<(bool, &[u8])> {
    Some(match text.first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    })
}

/// `[+-]digits.digits` (either side may be empty) as the `f32` that `str::parse`
/// gives, for the short numbers content streams are made of; `None`: parse it.
///
/// With at most 15 digits the mantissa `m` is exact in `f64`, and so is `10^k`; the
/// quotient `m / 10^k` is then the `f64` nearest the decimal value (IEEE division
/// rounds correctly). Rounding that to `f32` gives the `f32` nearest the decimal value
/// too, unless the `f64` sits exactly halfway between two `f32`s (no `f32` midpoint
/// can lie strictly between the value and its nearest `f64`): that case, and values
/// outside the normal `f32` range, go to `parse`. A test compares the two.
fn short_real(text: &[u8]) -> Option<f32> {
    let (negative, digits) = split_sign(text)?;
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut fraction: Option<usize> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
    }
    if count == 0 || count > 15 {
        return None;
    }
    let exponent = fraction.unwrap_or(0);
    let value = if mantissa == 0 {
        0.0f32
    } else {
        let exact = mantissa as f64 / *POW10.get(exponent)?;
        if !(f32::MIN_POSITIVE as f64..=f32::MAX as f64).contains(&exact) {
            return None;
        }
        // The 29 low bits of an f64 mantissa are the ones an f32 drops: exactly the
        // top one of them set is a tie.
        if exact.to_bits() & ((1u64 << 29) - 1) == 1u64 << 28 {
            return None;
        }
        exact as f32
    };
    Some(if negative { -value } else { value })
}

/// `[+-]digits` as the `i64` that `str::parse` gives; `None` when it does not fit
/// in 18 digits (then parse it).
fn short_integer(text: &[u8]) -> Option<i64> {
    let (negative, digits) = split_sign(text)?;
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(if negative { -value } else { value })
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.i += 1;
        }
    }

    /// A comment with its end of line (lopdf's `comment` needs the end of line).
    fn comment(&mut self) -> Option<()> {
        debug_assert_eq!(self.peek(), Some(b'%'));
        let rest = &self.s[self.i..];
        let end = rest.iter().position(|&c| c == b'\r' || c == b'\n')?;
        self.i += end;
        if self.s[self.i..].starts_with(b"\r\n") {
            self.i += 2;
        } else {
            self.i += 1;
        }
        Some(())
    }

    /// White space and comments (lopdf's `space`, used inside arrays and dictionaries).
    fn space(&mut self) -> Option<()> {
        loop {
            self.skip_whitespace();
            if self.peek() == Some(b'%') {
                self.comment()?;
            } else {
                return Some(());
            }
        }
    }

    fn starts_with(&self, tag: &[u8]) -> bool {
        self.s[self.i..].starts_with(tag)
    }

    /// A number: a real (`1.`, `.5`, `-2.25`) or an integer. A minus sign inside the
    /// fraction (a quirk lopdf reads specially) is left to lopdf.
    fn number(&mut self) -> Option<Object> {
        let start = self.i;
        let mut j = self.i;
        if matches!(self.s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let int_start = j;
        while self.s.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let int_digits = j - int_start;
        if self.s.get(j) == Some(&b'.') {
            let frac_start = j + 1;
            let mut k = frac_start;
            while self.s.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            if int_digits == 0 && k == frac_start {
                return None;
            }
            if self.s.get(k) == Some(&b'-') {
                return None;
            }
            let value = match short_real(&self.s[start..k]) {
                Some(v) => v,
                None => std::str::from_utf8(&self.s[start..k]).ok()?.parse().ok()?,
            };
            self.i = k;
            return Some(Object::Real(value));
        }
        if int_digits == 0 {
            return None;
        }
        let value = match short_integer(&self.s[start..j]) {
            Some(v) => v,
            None => std::str::from_utf8(&self.s[start..j]).ok()?.parse().ok()?,
        };
        self.i = j;
        Some(Object::Integer(value))
    }

    /// A name without `#` escapes.
    fn name(&mut self) -> Option<Vec<u8>> {
        self.name_slice().map(<[u8]>::to_vec)
    }

    /// A name without `#` escapes, as a slice of the stream.
    fn name_slice(&mut self) -> Option<&'a [u8]> {
        debug_assert_eq!(self.peek(), Some(b'/'));
        let start = self.i + 1;
        let mut j = start;
        while self.s.get(j).is_some_and(|&c| is_regular(c)) {
            if self.s[j] == b'#' {
                return None;
            }
            j += 1;
        }
        self.i = j;
        Some(&self.s[start..j])
    }

    /// A literal string with lopdf's escapes and end-of-line rules.
    fn literal(&mut self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        self.literal_into(&mut out)?;
        Some(out)
    }

    /// A literal string appended to `out`.
    fn literal_into(&mut self, out: &mut Vec<u8>) -> Option<()> {
        debug_assert_eq!(self.peek(), Some(b'('));
        self.i += 1;
        let mut depth = 0usize;
        loop {
            let c = self.peek()?;
            match c {
                b'\\' => {
                    self.i += 1;
                    let e = self.peek()?;
                    match e {
                        b'0'..=b'7' => {
                            let mut value: u16 = 0;
                            let mut n = 0;
                            while n < 3 && self.peek().is_some_and(|d| (b'0'..=b'7').contains(&d)) {
                                value = value * 8 + u16::from(self.s[self.i] - b'0');
                                self.i += 1;
                                n += 1;
                            }
                            out.push(value as u8);
                        }
                        b'\r' => {
                            self.i += 1;
                            if self.peek() == Some(b'\n') {
                                self.i += 1;
                            }
                        }
                        b'\n' => self.i += 1,
                        b'n' | b'r' | b't' | b'b' | b'f' => {
                            out.push(match e {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => b'\x08',
                                _ => b'\x0C',
                            });
                            self.i += 1;
                        }
                        other => {
                            out.push(other);
                            self.i += 1;
                        }
                    }
                }
                b'\r' => {
                    self.i += 1;
                    if self.peek() == Some(b'\n') {
                        self.i += 1;
                    }
                    out.push(b'\n');
                }
                b'\n' => {
                    self.i += 1;
                    out.push(b'\n');
                }
                b'(' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    out.push(b'(');
                    self.i += 1;
                }
                b')' => {
                    self.i += 1;
                    if depth == 0 {
                        return Some(());
                    }
                    depth -= 1;
                    out.push(b')');
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// A hexadecimal string (`<` not followed by `<`).
    fn hex(&mut self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        self.hex_into(&mut out)?;
        Some(out)
    }

    /// A hexadecimal string appended to `out`.
    fn hex_into(&mut self, out: &mut Vec<u8>) -> Option<()> {
        debug_assert_eq!(self.peek(), Some(b'<'));
        let mut j = self.i + 1;
        let mut high = true;
        loop {
            let c = *self.s.get(j)?;
            j += 1;
            if is_whitespace(c) {
                continue;
            }
            if c == b'>' {
                break;
            }
            let v = (c as char).to_digit(16)? as u8;
            if high {
                out.push(v << 4);
            } else {
                *out.last_mut().expect("a high nibble first") |= v;
            }
            high = !high;
        }
        self.i = j;
        Some(())
    }

    /// One object inside an array or a dictionary (lopdf's `_direct_object`, without
    /// references: `1 0 R` goes to lopdf), and the space after it.
    fn direct_object(&mut self, depth: usize) -> Option<Object> {
        if depth > MAX_DEPTH {
            return None;
        }
        let obj = match self.peek()? {
            b'n' if self.starts_with(b"null") => {
                self.i += 4;
                Object::Null
            }
            b't' if self.starts_with(b"true") => {
                self.i += 4;
                Object::Boolean(true)
            }
            b'f' if self.starts_with(b"false") => {
                self.i += 5;
                Object::Boolean(false)
            }
            b'0'..=b'9' => {
                let obj = self.number()?;
                if self.looks_like_reference() {
                    return None;
                }
                obj
            }
            b'+' | b'-' | b'.' => self.number()?,
            b'/' => Object::Name(self.name()?),
            b'(' => Object::String(self.literal()?, StringFormat::Literal),
            b'<' if self.starts_with(b"<<") => Object::Dictionary(self.dictionary(depth + 1)?),
            b'<' => Object::String(self.hex()?, StringFormat::Hexadecimal),
            b'[' => Object::Array(self.array(depth + 1)?),
            _ => return None,
        };
        self.space()?;
        Some(obj)
    }

    /// After an integer: white space, digits, white space and `R` would make lopdf
    /// read a reference.
    /// Conservative: a comment in the way also counts (lopdf skips comments there).
    fn looks_like_reference(&self) -> bool {
        let rest = &self.s[self.i..];
        let mut k = 0;
        while rest.get(k).is_some_and(|&c| is_whitespace(c)) {
            k += 1;
        }
        if rest.get(k) == Some(&b'%') {
            return true;
        }
        let digits = k;
        while rest.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k == digits {
            return false;
        }
        while rest.get(k).is_some_and(|&c| is_whitespace(c)) {
            k += 1;
        }
        matches!(rest.get(k), Some(b'R' | b'%'))
    }

    fn array(&mut self, depth: usize) -> Option<Vec<Object>> {
        debug_assert_eq!(self.peek(), Some(b'['));
        self.i += 1;
        self.space()?;
        let mut items = Vec::new();
        loop {
            if self.peek()? == b']' {
                self.i += 1;
                return Some(items);
            }
            items.push(self.direct_object(depth)?);
        }
    }

    fn dictionary(&mut self, depth: usize) -> Option<Dictionary> {
        debug_assert!(self.starts_with(b"<<"));
        self.i += 2;
        self.space()?;
        let mut dict = Dictionary::new();
        loop {
            if self.starts_with(b">>") {
                self.i += 2;
                return Some(dict);
            }
            if self.peek()? != b'/' {
                return None;
            }
            let key = self.name()?;
            self.space()?;
            let value = self.direct_object(depth)?;
            dict.set(key, value);
        }
    }

    /// A number operand's value as the interpreter reads it (`as_float`).
    fn number_value(&mut self) -> Option<f32> {
        match self.number()? {
            Object::Integer(i) => Some(i as f32),
            Object::Real(r) => Some(r),
            _ => None,
        }
    }

    /// One operand of an operation (lopdf's `operand`) into `ops`, and the white
    /// space after it. `Some(false)`: not an operand here (an operator follows);
    /// `None`: something for lopdf.
    fn operand(&mut self, ops: &mut Operands) -> Option<bool> {
        let operand = match self.peek() {
            Some(b'n') if self.starts_with(b"null") => {
                self.i += 4;
                Operand::Other
            }
            Some(b't') if self.starts_with(b"true") => {
                self.i += 4;
                Operand::Other
            }
            Some(b'f') if self.starts_with(b"false") => {
                self.i += 5;
                Operand::Other
            }
            Some(b'0'..=b'9' | b'+' | b'-' | b'.') => Operand::Number(self.number_value()?),
            Some(b'/') => {
                let name = self.name_slice()?;
                Operand::Name(ops.push_bytes(name))
            }
            Some(b'(') => {
                let start = ops.bytes.len();
                self.literal_into(&mut ops.bytes)?;
                Operand::String(start..ops.bytes.len())
            }
            Some(b'<') if self.starts_with(b"<<") => {
                self.dictionary(1)?;
                Operand::Other
            }
            Some(b'<') => {
                let start = ops.bytes.len();
                self.hex_into(&mut ops.bytes)?;
                Operand::String(start..ops.bytes.len())
            }
            Some(b'[') => self.array_operand(ops)?,
            _ => return Some(false),
        };
        self.skip_whitespace();
        ops.list.push(operand);
        Some(true)
    }

    /// An array operand (lopdf's `array` at depth 1): its numbers, names and strings
    /// into `ops.items`, anything else (nested arrays, dictionaries, null) as
    /// [`Operand::Other`] after reading it as lopdf would.
    fn array_operand(&mut self, ops: &mut Operands) -> Option<Operand> {
        debug_assert_eq!(self.peek(), Some(b'['));
        self.i += 1;
        self.space()?;
        let start = ops.items.len();
        loop {
            let item = match self.peek()? {
                b']' => {
                    self.i += 1;
                    return Some(Operand::Array(start..ops.items.len()));
                }
                b'0'..=b'9' => {
                    let value = self.number_value()?;
                    if self.looks_like_reference() {
                        return None;
                    }
                    Operand::Number(value)
                }
                b'+' | b'-' | b'.' => Operand::Number(self.number_value()?),
                b'/' => {
                    let name = self.name_slice()?;
                    Operand::Name(ops.push_bytes(name))
                }
                b'(' => {
                    let from = ops.bytes.len();
                    self.literal_into(&mut ops.bytes)?;
                    Operand::String(from..ops.bytes.len())
                }
                b'<' if !self.starts_with(b"<<") => {
                    let from = ops.bytes.len();
                    self.hex_into(&mut ops.bytes)?;
                    Operand::String(from..ops.bytes.len())
                }
                _ => {
                    // `direct_object` reads the space after the item itself.
                    self.direct_object(1)?;
                    ops.items.push(Operand::Other);
                    continue;
                }
            };
            self.space()?;
            ops.items.push(item);
        }
    }

    fn operator(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"*'\"".contains(&c))
        {
            self.i += 1;
        }
        if self.i == start || self.s[start].is_ascii_digit() {
            return None;
        }
        let op = &self.s[start..self.i];
        self.skip_whitespace();
        Some(op)
    }
}

/// One operand as the interpreter sees it. Names and strings are ranges of
/// [`Operands`]' byte buffer; an array's items are a range of its item buffer.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// An integer or a real, as `f32` (lopdf's `as_float`).
    Number(f32),
    /// A name, without the slash.
    Name(Range<usize>),
    /// A string (literal or hexadecimal), decoded.
    String(Range<usize>),
    /// An array of operands (nested arrays are [`Operand::Other`]).
    Array(Range<usize>),
    /// Anything else: null, booleans, dictionaries, references.
    Other,
}

/// The operands of one operation, in buffers reused from operation to operation.
#[derive(Debug, Default)]
pub struct Operands {
    /// The operands, in order.
    list: Vec<Operand>,
    /// The items of the array operands.
    items: Vec<Operand>,
    /// The bytes of names and strings.
    bytes: Vec<u8>,
}

impl Operands {
    /// Empty the buffers for the next operation (keeping their memory).
    pub fn clear(&mut self) {
        self.list.clear();
        self.items.clear();
        self.bytes.clear();
    }

    /// The number of operands.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Operand `i` as a number; 0 when it is missing or not a number.
    pub fn number(&self, i: usize) -> f32 {
        match self.list.get(i) {
            Some(Operand::Number(n)) => *n,
            _ => 0.0,
        }
    }

    /// Operand `i` as a name.
    pub fn name(&self, i: usize) -> Option<&[u8]> {
        match self.list.get(i)? {
            Operand::Name(r) => Some(&self.bytes[r.clone()]),
            _ => None,
        }
    }

    /// Operand `i` as a string.
    pub fn string(&self, i: usize) -> Option<&[u8]> {
        self.list.get(i).and_then(|o| self.string_of(o))
    }

    /// The last operand as a string.
    pub fn last_string(&self) -> Option<&[u8]> {
        self.list.last().and_then(|o| self.string_of(o))
    }

    /// Operand `i` as an array of operands.
    pub fn array(&self, i: usize) -> Option<&[Operand]> {
        match self.list.get(i)? {
            Operand::Array(r) => Some(&self.items[r.clone()]),
            _ => None,
        }
    }

    /// The bytes of a string operand (or array item).
    pub fn string_of(&self, operand: &Operand) -> Option<&[u8]> {
        match operand {
            Operand::String(r) => Some(&self.bytes[r.clone()]),
            _ => None,
        }
    }

    fn push_bytes(&mut self, bytes: &[u8]) -> Range<usize> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(bytes);
        start..self.bytes.len()
    }

    /// Append a lopdf operand (the path for streams the fast reader leaves to lopdf).
    pub fn push_object(&mut self, object: &Object) {
        let operand = match object {
            Object::Array(items) => {
                let start = self.items.len();
                for item in items {
                    let item = self.convert_item(item);
                    self.items.push(item);
                }
                Operand::Array(start..self.items.len())
            }
            other => self.convert_item(other),
        };
        self.list.push(operand);
    }

    fn convert_item(&mut self, object: &Object) -> Operand {
        match object {
            Object::Integer(i) => Operand::Number(*i as f32),
            Object::Real(r) => Operand::Number(*r),
            Object::Name(n) => Operand::Name(self.push_bytes(n)),
            Object::String(s, _) => Operand::String(self.push_bytes(s)),
            _ => Operand::Other,
        }
    }
}

/// What [`Reader::next`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Next<'a> {
    /// An operation: its operator; its operands are in the buffer.
    Op(&'a [u8]),
    /// The end of the stream.
    End,
    /// Something the fast reader does not read as lopdf does: decode the stream with
    /// lopdf and go on from the operation after the ones read so far.
    Unsupported,
}

/// Streams the operations of a content stream.
pub struct Reader<'a> {
    lx: Lexer<'a>,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `content`.
    pub fn new(content: &'a [u8]) -> Self {
        let mut lx = Lexer { s: content, i: 0 };
        lx.skip_whitespace();
        Reader { lx }
    }

    /// The next operation, its operands in `ops` (cleared first). After
    /// [`Next::Unsupported`] the reader must not be used again.
    pub fn next(&mut self, ops: &mut Operands) -> Next<'a> {
        ops.clear();
        self.read(ops).unwrap_or(Next::Unsupported)
    }

    fn read(&mut self, ops: &mut Operands) -> Option<Next<'a>> {
        let lx = &mut self.lx;
        while lx.peek() == Some(b'%') {
            lx.comment()?;
            lx.skip_whitespace();
        }
        if lx.peek().is_none() {
            return Some(Next::End);
        }
        if lx.starts_with(b"BI") {
            return None;
        }
        while lx.operand(ops)? {}
        Some(Next::Op(lx.operator()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::Content;
    use proptest::prelude::*;

    fn render_operand(ops: &Operands, operand: &Operand) -> String {
        match operand {
            Operand::Number(n) => format!("{n:?}"),
            Operand::Name(r) => format!("/{:?}", &ops.bytes[r.clone()]),
            Operand::String(r) => format!("({:?})", &ops.bytes[r.clone()]),
            Operand::Array(r) => {
                let items: Vec<String> = ops.items[r.clone()]
                    .iter()
                    .map(|o| render_operand(ops, o))
                    .collect();
                format!("[{}]", items.join(" "))
            }
            Operand::Other => "?".to_string(),
        }
    }

    fn render(operator: &[u8], ops: &Operands) -> String {
        let mut parts: Vec<String> = ops.list.iter().map(|o| render_operand(ops, o)).collect();
        parts.push(String::from_utf8_lossy(operator).into_owned());
        parts.join(" ")
    }

    /// The operations as lopdf gives them, through [`Operands::push_object`].
    fn via_lopdf(bytes: &[u8]) -> Option<Vec<String>> {
        let content = Content::decode(bytes).ok()?;
        let mut ops = Operands::default();
        let mut out = Vec::new();
        for op in &content.operations {
            ops.clear();
            for o in &op.operands {
                ops.push_object(o);
            }
            out.push(render(op.operator.as_bytes(), &ops));
        }
        Some(out)
    }

    /// The operations the fast reader gives, and whether it read the whole stream.
    fn via_reader(bytes: &[u8]) -> (Vec<String>, bool) {
        let mut reader = Reader::new(bytes);
        let mut ops = Operands::default();
        let mut out = Vec::new();
        loop {
            match reader.next(&mut ops) {
                Next::Op(op) => out.push(render(op, &ops)),
                Next::End => return (out, true),
                Next::Unsupported => return (out, false),
            }
        }
    }

    /// Both readers agree wherever the fast one reads a stream at all, and handing
    /// over to lopdf after the operations read gives lopdf's operations (what the
    /// interpreter does). Whether the fast reader read the whole stream.
    fn agree(bytes: &[u8]) -> bool {
        let (fast, whole) = via_reader(bytes);
        let slow = via_lopdf(bytes);
        if whole {
            let slow = slow.expect("lopdf reads what the fast path reads");
            assert_eq!(fast, slow, "stream {:?}", String::from_utf8_lossy(bytes));
        } else if let Some(slow) = slow {
            assert!(
                fast.len() <= slow.len(),
                "stream {:?}",
                String::from_utf8_lossy(bytes)
            );
            assert_eq!(
                fast[..],
                slow[..fast.len()],
                "stream {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        whole
    }

    #[test]
    fn common_operators() {
        let s = b"q 1 0 0 1 72 720 cm BT /F1 12 Tf 0 -14.5 Td [(Rekisterinpit\\344j\\344) -250 (ja)] TJ <00410042> Tj (a\\(b\\)c) ' ET Q";
        assert!(agree(s));
        assert!(agree(
            b"/P <</MCID 3 /Lang (fi)>> BDC EMC\n% a comment\n.5 -.25 1. 0 d0"
        ));
        assert!(agree(
            b"(line one\r\nline two\\\nsame) Tj (nested (parens)) Tj"
        ));
        assert!(agree(b""));
        assert!(agree(b"[ null true false /N <ab c> ] 0 d"));
    }

    #[test]
    fn unusual_streams_go_to_lopdf() {
        for s in [
            &b"BI /W 1 /H 1 /CS /G /BPC 8 ID x EI"[..],
            b"[1 0 R] 0 d",
            b"/A#20B gs",
            b"1 % comment\n 2 m",
            b"0.00-4142502 0 Td",
            b"(unterminated Tj",
            b"1 2 3",
        ] {
            assert!(!via_reader(s).1, "{:?}", String::from_utf8_lossy(s));
            assert!(!agree(s));
        }
    }

    #[test]
    fn the_hand_over_to_lopdf_goes_on_after_the_operations_read() {
        // An inline image in the middle: the text before it comes from the fast
        // reader, the rest from lopdf.
        let s = b"BT /F1 12 Tf (a) Tj ET BI /W 1 /H 1 /CS /G /BPC 8 ID x EI BT (b) Tj ET";
        let (fast, whole) = via_reader(s);
        assert!(!whole);
        assert_eq!(fast, ["BT", "/[70, 49] 12.0 Tf", "([97]) Tj", "ET"]);
        assert!(!agree(s));
        assert!(via_lopdf(s).unwrap().len() > fast.len());
    }

    #[test]
    fn every_bundled_pdf_stream_reads_the_same() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut streams = 0;
        let mut fast = 0;
        for dir in ["samples", "tests/data/pdf"] {
            for entry in walkdir::WalkDir::new(format!("{root}/{dir}")) {
                let entry = entry.unwrap();
                if entry.path().extension().and_then(|e| e.to_str()) != Some("pdf") {
                    continue;
                }
                let Ok(doc) = lopdf::Document::load(entry.path()) else {
                    continue;
                };
                for (_, obj) in doc.objects.iter() {
                    let Ok(stream) = obj.as_stream() else {
                        continue;
                    };
                    let Ok(bytes) = stream.decompressed_content() else {
                        continue;
                    };
                    if Content::decode(&bytes).is_err() {
                        continue;
                    }
                    streams += 1;
                    if agree(&bytes) {
                        fast += 1;
                    }
                }
            }
        }
        eprintln!("fast path: {fast} of {streams} streams");
        assert!(streams > 50, "{streams} streams");
        // Most streams are read by the fast path (fonts and images are not content
        // streams; lopdf also reads them, and the fast path gives up on them).
        assert!(fast > 0, "{fast} of {streams}");
    }

    proptest! {
        /// The short-number paths give exactly what `str::parse` gives (bit for bit,
        /// the sign of zero included).
        #[test]
        fn short_numbers_parse_as_str_parse(
            sign in prop_oneof![Just(""), Just("-"), Just("+")],
            int in "[0-9]{0,17}",
            frac in prop::option::of("[0-9]{0,17}"),
        ) {
            let text = match &frac {
                Some(f) => format!("{sign}{int}.{f}"),
                None => format!("{sign}{int}"),
            };
            if frac.is_some() {
                let expected = text.parse::<f32>().ok();
                if let Some(v) = short_real(text.as_bytes()) {
                    prop_assert_eq!(Some(v.to_bits()), expected.map(f32::to_bits), "{}", text);
                }
            } else if let Some(v) = short_integer(text.as_bytes()) {
                prop_assert_eq!(Some(v), text.parse::<i64>().ok(), "{}", text);
            }
        }
    }

    #[test]
    fn short_numbers_on_the_ties_and_edges() {
        // Numbers whose nearest f64 is an f32 midpoint go to `parse`.
        for text in [
            "16777217",
            "16777217.0",
            "0.000000000000001",
            "3.4e38",
            "1.",
            ".5",
            "-0.0",
            "-.0",
        ] {
            let expected = text.parse::<f32>().ok().map(f32::to_bits);
            if let Some(v) = short_real(text.as_bytes()) {
                assert_eq!(Some(v.to_bits()), expected, "{text}");
            }
        }
        assert_eq!(short_real(b"16777217.0"), None, "a tie between two f32s");
        assert_eq!(
            short_real(b"10.5842743").map(f32::to_bits),
            Some(10.584_274_f32.to_bits())
        );
        assert_eq!(short_integer(b"-42"), Some(-42));
        assert_eq!(short_integer(b"1234567890123456789"), None);
    }

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("q".to_string()),
            Just("Q".to_string()),
            Just("BT".to_string()),
            Just("Tj".to_string()),
            Just("TJ".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("<<".to_string()),
            Just(">>".to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("%c\n".to_string()),
            "-?[0-9]{0,3}(\\.[0-9]{0,3})?",
            "/[A-Za-z0-9]{0,4}",
            "\\((\\\\[0-7nrtbf()\\\\]|[a-z \\n\\r])*\\)",
            "<[0-9a-f ]{0,6}>",
            "[a-zA-Z*'\"][a-zA-Z0-9]{0,2}",
        ]
    }

    proptest! {
        #[test]
        fn token_soups_read_the_same(tokens in prop::collection::vec(token(), 0..40), seps in prop::collection::vec(prop_oneof![Just(" "), Just("\n"), Just(""), Just("\r\n")], 40)) {
            let mut s = String::new();
            for (t, sep) in tokens.iter().zip(seps.iter().cycle()) {
                s.push_str(t);
                s.push_str(sep);
            }
            // Whenever the fast path reads the whole stream, lopdf gives the same
            // operations; where it stops, lopdf's first operations are the ones it read.
            agree(s.as_bytes());
        }
    }
}

//! Helpers shared by the unit tests.

/// The texts of the bundled samples (`samples/`) whose extension is one of
/// `extensions`, read whole, in file name order; bytes that are no UTF-8 are replaced.
pub fn sample_texts(extensions: &[&str]) -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("the samples folder is readable");
        let ext = entry.path().extension().and_then(|e| e.to_str());
        if ext.is_some_and(|e| extensions.contains(&e)) {
            let bytes = std::fs::read(entry.path()).expect("a sample is readable");
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    texts
}

/// The sentences of `text` ([`crate::values::sentences`]), each as a string of its own.
pub fn sentence_strings(text: &str) -> Vec<String> {
    crate::values::sentences(text)
        .iter()
        .map(|&(a, b)| text[a..b].to_string())
        .collect()
}

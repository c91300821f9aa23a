//! Criterion micro-benchmarks, one group per pipeline stage:
//! `cargo bench --bench stages` (about two minutes; `-- GROUP` runs one group).
//!
//! The inputs are bundled samples (`samples/`), read once at start. Each stage is fed
//! the output of the stages before it, computed once outside the timed loop, so a
//! group times only its own stage. The end-to-end comparison with other tools is
//! `scripts/bench.sh` (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};

use seloste::ingest::{self, Ingested};
use seloste::model::{NoticeResult, Source, SCHEMA_VERSION};
use seloste::normalise::{self, NormText};
use seloste::pipeline::{self, Options};
use seloste::{check, map, output, segment};

const TODAY: &str = "2026-11-22";

/// (name, bytes) of the bench inputs.
fn sample(path: &str) -> (String, Vec<u8>) {
    let full = format!("{}/samples/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    (path.rsplit('/').next().unwrap_or(path).to_string(), bytes)
}

/// Text notices of different shapes: numbered Markdown, a UTF-8 plain text, an
/// English one, a long one.
const TEXTS: &[&str] = &[
    "corpus/40_elonvaalijat-ry-jasenrekisteri.md",
    "corpus/19_koiraparkki-tietosuojaseloste-jsx.txt",
    "corpus/44_access-finland-data-protection-statement-en-jsx.txt",
    "seeds/004_1bc9164291d3d5c3.txt",
];
const HTMLS: &[&str] = &[
    "corpus/15_finna-asiakasrekisterin-seloste.html",
    "html-pages/001__web_utf8.html",
    "html-pages/000__web_cp1252.html",
];
const PDFS: &[&str] = &[
    "corpus/08_apy-myyjarekisteri-2023.pdf",
    "pdf-producers/001__chromium.pdf",
    "pdf-producers/004__latex_t1.pdf",
];

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
}

/// Everything up to a stage's input, for one document.
struct Prepared {
    name: String,
    ingested: Ingested,
    norm: NormText,
    segmented: segment::Segmented,
    notice: segment::Segmented,
    mapped: map::Mapped,
}

fn prepare(name: &str, bytes: &[u8]) -> Prepared {
    let format = ingest::detect_format(name, bytes);
    let ingested = ingest::ingest(format, bytes).expect("sample ingests");
    let mut warnings = Vec::new();
    let norm = normalise::normalise(&ingested, &mut warnings);
    let segmented = segment::segment(&norm);
    let notice = segment::split_notices(&norm, &segmented).remove(0);
    let mapped = map::map(&norm, &notice);
    Prepared {
        name: name.to_string(),
        ingested,
        norm,
        segmented,
        notice,
        mapped,
    }
}

fn ingest_group(c: &mut Criterion, group_name: &str, paths: &[&str]) {
    let mut group = c.benchmark_group(group_name);
    configure(&mut group);
    for path in paths {
        let (name, bytes) = sample(path);
        let format = ingest::detect_format(&name, &bytes);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(&name, |b| {
            b.iter(|| ingest::ingest(format, black_box(&bytes)).expect("ingests"))
        });
    }
    group.finish();
}

fn text_decoding(c: &mut Criterion) {
    ingest_group(c, "ingest_text", TEXTS);
}

fn pdf_interpretation(c: &mut Criterion) {
    ingest_group(c, "ingest_pdf", PDFS);
}

fn html_main_content(c: &mut Criterion) {
    ingest_group(c, "ingest_html", HTMLS);
}

fn prepared_texts() -> Vec<Prepared> {
    TEXTS
        .iter()
        .map(|p| {
            let (name, bytes) = sample(p);
            prepare(&name, &bytes)
        })
        .collect()
}

fn normalisation(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalise");
    configure(&mut group);
    for p in prepared_texts() {
        group.bench_function(&p.name, |b| {
            b.iter(|| {
                let mut warnings = Vec::new();
                normalise::normalise(black_box(&p.ingested), &mut warnings)
            })
        });
    }
    group.finish();
}

fn segmentation(c: &mut Criterion) {
    let mut group = c.benchmark_group("segment");
    configure(&mut group);
    for p in prepared_texts() {
        group.bench_function(&p.name, |b| b.iter(|| segment::segment(black_box(&p.norm))));
    }
    group.finish();
    // The heading dictionary alone: a known heading, a typo, and a line of body text.
    let mut group = c.benchmark_group("match_heading");
    configure(&mut group);
    let dict = seloste::dictionary::dictionary();
    for (label, line) in [
        ("exact", "Rekisterin nimi"),
        ("fuzzy", "Rekisterinpltäjän yhteystiedot"),
        (
            "body_line",
            "Tietoja säilytetään niin kauan kuin jäsenyys on voimassa",
        ),
    ] {
        group.bench_function(label, |b| b.iter(|| dict.match_heading(black_box(line))));
    }
    group.finish();
}

fn mapping(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_values");
    configure(&mut group);
    for p in prepared_texts() {
        group.bench_function(&p.name, |b| {
            b.iter(|| map::map(black_box(&p.norm), black_box(&p.notice)))
        });
    }
    group.finish();
}

fn checks(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    configure(&mut group);
    for p in prepared_texts() {
        group.bench_function(&p.name, |b| {
            b.iter(|| check::check(black_box(&p.norm), black_box(&p.mapped), TODAY))
        });
    }
    group.finish();
}

fn json_output(c: &mut Criterion) {
    let mut group = c.benchmark_group("json_output");
    configure(&mut group);
    for p in prepared_texts() {
        let m = p.mapped.clone();
        let (gaps, conflicts) = check::check(&p.norm, &p.mapped, TODAY);
        let result = NoticeResult {
            schema_version: SCHEMA_VERSION.to_string(),
            source: Source {
                path: p.name.clone(),
                format: p.ingested.format,
                sha256: pipeline::sha256_hex(p.norm.text.as_bytes()),
                bytes: p.norm.text.len() as u64,
                encoding: p.ingested.encoding.clone(),
                pages: p.ingested.pages,
                notice: None,
            },
            language: m.language,
            title: m.title,
            kind: m.kind,
            dates: m.dates,
            gaps,
            conflicts,
            fields: m.fields,
            sections: m.sections,
            warnings: m.warnings,
        };
        let _ = &p.segmented;
        group.bench_function(&p.name, |b| b.iter(|| output::to_json(black_box(&result))));
    }
    group.finish();
}

/// The whole pipeline for one document of each format (what `extract` does per file,
/// without the file system).
fn whole_pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline");
    configure(&mut group);
    let options = Options {
        today: TODAY.into(),
        ..Options::default()
    };
    for path in [TEXTS[0], HTMLS[0], PDFS[0]] {
        let (name, bytes) = sample(path);
        group.bench_function(&name, |b| {
            b.iter(|| {
                let extraction =
                    pipeline::extract(&name, black_box(&bytes), &options).expect("extracts");
                extraction
                    .results
                    .iter()
                    .map(|r| output::to_json(r).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(
    stages,
    text_decoding,
    pdf_interpretation,
    html_main_content,
    normalisation,
    segmentation,
    mapping,
    checks,
    json_output,
    whole_pipeline
);
criterion_main!(stages);

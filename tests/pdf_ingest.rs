//! Integration tests of PDF ingestion on small PDFs from several producers and
//! single-feature probes (tests/data/pdf).

use seloste::ingest::pdf::ingest_pdf;
use seloste::ingest::{IngestError, Ingested};

fn load(name: &str) -> Ingested {
    let path = format!("{}/tests/data/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    ingest_pdf(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(doc: &Ingested) -> String {
    doc.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_line(doc: &Ingested, line: &str) -> bool {
    doc.lines.iter().any(|l| l.text == line)
}

const FINNISH_LINE: &str = "ÄÄNESTYSALUEEN ÖLJYLÄMMITYS ÅLAND: Ä Ö Å ä ö å";
const LIGATURES: &str =
    "Ligatuurit: profiili, official, offline, effektiivinen, Suomi.fi, fluoridi, affiliate.";

#[test]
fn latex_ot1_accents_are_composed_without_tounicode() {
    let doc = load("probe__latex_ot1_nouni.pdf");
    assert!(has_line(&doc, FINNISH_LINE), "{}", text(&doc));
    assert!(has_line(
        &doc,
        "Äidinkieli, Öljynkulutus, Åbo Akademi; pääkäyttäjä, hyödyntää, Åström, Åland."
    ));
    assert!(text(&doc).contains("§ 24, 50–51 §, 10 €"));
}

#[test]
fn ligatures_are_expanded() {
    for name in [
        "probe__latex_t1.pdf",
        "probe__latex_ot1_nouni.pdf",
        "probe__idh_no_tounicode.pdf",
    ] {
        let doc = load(name);
        assert!(has_line(&doc, LIGATURES), "{name}: {}", text(&doc));
        assert!(!text(&doc).contains('\u{FB01}'));
    }
}

#[test]
fn type0_without_tounicode_recovers_via_font_cmap() {
    let doc = load("probe__idh_no_tounicode.pdf");
    assert!(has_line(&doc, FINNISH_LINE), "{}", text(&doc));
}

#[test]
fn form_xobject_text_is_present() {
    let doc = load("probe__form_xobject.pdf");
    assert!(has_line(&doc, FINNISH_LINE), "{}", text(&doc));
    assert!(has_line(&doc, "Tietosuojaseloste – testisivu"));
}

#[test]
fn reversed_stream_order_reads_top_down() {
    let doc = load("probe__reversed_order.pdf");
    let t = text(&doc);
    let title = t.find("Tietosuojaseloste – testisivu").expect("title");
    let body = t.find(FINNISH_LINE).expect("body");
    assert!(title < body, "{t}");
}

#[test]
fn encrypted_with_empty_password_is_readable() {
    for name in ["002__enc_rc4.pdf", "002__enc_aes256.pdf", "002__objstm.pdf"] {
        let doc = load(name);
        assert!(has_line(&doc, "Raision kaupunki"), "{name}: {}", text(&doc));
        assert_eq!(
            doc.pages,
            Some(doc.lines.iter().filter_map(|l| l.page).max().unwrap())
        );
    }
}

#[test]
fn word_gaps_from_td_and_real_tj_offsets() {
    assert_eq!(text(&load("micro__td_gap.pdf")), "Tietosuoja seloste");
    assert_eq!(text(&load("micro__tj_real.pdf")), "Tietosuoja seloste");
    assert_eq!(
        text(&load("micro__diff_uninames.pdf")),
        "Rekisterinpitäjä käsittely henkilötiedot"
    );
}

#[test]
fn headings_stand_on_their_own_lines_with_cues() {
    let doc = load("000__lo_txt.pdf");
    assert!(has_line(&doc, "Rekisterinpitäjä"));
    assert!(has_line(&doc, "Rekisterin tietosisältö"));
    let doc = load("000__groff_gs.pdf");
    let heading = doc
        .lines
        .iter()
        .find(|l| l.text == "Rekisterinpitäjä")
        .expect("heading");
    assert!(heading.cue.emphasis || heading.cue.heading_level.is_some());
    assert_eq!(heading.page, Some(1));
    // Paragraph breaks are present.
    assert!(doc.lines.iter().any(|l| l.text.is_empty()));
}

#[test]
fn page_furniture_is_removed_with_one_warning() {
    let doc = load("multi__rl_helv_hf.pdf");
    let t = text(&doc);
    assert!(!t.contains("Sivu 2/"), "{t}");
    assert!(!has_line(&doc, "Kokkolan kaupunki – Tietosuojaseloste"));
    let warnings: Vec<_> = doc
        .warnings
        .iter()
        .filter(|w| w.code == "page-furniture-removed")
        .collect();
    assert_eq!(warnings.len(), 1);
    assert!(doc.pages.unwrap() > 1);
    assert!(doc
        .lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .all(|l| l.page.is_some()));
}

#[test]
fn image_only_pdf_has_no_text_layer() {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};

    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0x80],
    );
    let image_id = doc.add_object(image);
    let content = Content {
        operations: vec![
            Operation::new("q", vec![]),
            Operation::new(
                "cm",
                vec![
                    100.into(),
                    0.into(),
                    0.into(),
                    100.into(),
                    0.into(),
                    0.into(),
                ],
            ),
            Operation::new("Do", vec![Object::Name(b"Im0".to_vec())]),
            Operation::new("Q", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 200.into(), 200.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    assert_eq!(ingest_pdf(&bytes).unwrap_err(), IngestError::NoTextLayer);
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let mut seed: u32 = 12345;
    for len in [0usize, 1, 10, 1000, 20000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        assert!(ingest_pdf(&bytes).is_err());
        let mut pdfish = b"%PDF-1.4\n".to_vec();
        pdfish.extend(&bytes);
        assert!(ingest_pdf(&pdfish).is_err());
    }
    // A truncated real file: an error or partial text, never a panic.
    let path = format!(
        "{}/tests/data/pdf/000__lo_txt.pdf",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).unwrap();
    for cut in [100, 2000, bytes.len() / 2, bytes.len() - 10] {
        let _ = ingest_pdf(&bytes[..cut]);
    }
}

//! HTML ingestion on the seed pages (`tests/data/html/<doc>__*.html`, copied from
//! `shared/html-pages`) and the real corpus fragments (`tests/data/html/NN_*.html`).

use std::path::PathBuf;

use proptest::prelude::*;
use seloste::ingest::html::ingest_html;
use seloste::ingest::{IngestError, Ingested, SourceLine};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/html")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ingest(name: &str) -> Ingested {
    ingest_html(&data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ingest_str(html: &str) -> Ingested {
    ingest_html(html.as_bytes()).unwrap()
}

fn texts(ing: &Ingested) -> Vec<&str> {
    ing.lines.iter().map(|l| l.text.as_str()).collect()
}

fn joined(ing: &Ingested) -> String {
    texts(ing).join("\n")
}

fn line<'a>(ing: &'a Ingested, text: &str) -> &'a SourceLine {
    ing.lines
        .iter()
        .find(|l| l.text == text)
        .unwrap_or_else(|| panic!("no line {text:?} in:\n{}", joined(ing)))
}

/// The line after the one with `text`.
fn next_line<'a>(ing: &'a Ingested, text: &str) -> &'a SourceLine {
    let i = ing.lines.iter().position(|l| l.text == text).unwrap();
    &ing.lines[i + 1]
}

fn has_warning(ing: &Ingested, code: &str) -> bool {
    ing.warnings.iter().any(|w| w.code == code)
}

/// Words of the CMS page furniture around the seed notices (banner, header, search,
/// menu, breadcrumbs, sidebar, share links, page date, footer).
const FURNITURE: &[&str] = &[
    "evästeitä",
    "Hyväksy kaikki",
    "Kaupungin logo",
    "Hae sivustolta",
    "Etusivu",
    "Asuminen ja ympäristö",
    "Päätöksenteko",
    "Tietosuojaselosteet",
    "Rekisteröidyn oikeudet",
    "Jaa sivu",
    "Facebook",
    "LinkedIn",
    "Sivu päivitetty",
    "Kaupungintalo",
    "Vaihde",
    "Saavutettavuusseloste",
    "Anna palautetta",
    "Kaikki oikeudet",
];

#[test]
fn cp1252_page_decodes_finnish_letters() {
    let ing = ingest("probe__web_cp1252.html");
    assert_eq!(ing.encoding.as_deref(), Some("windows-1252"));
    assert!(!has_warning(&ing, "encoding-guessed"));
    let text = joined(&ing);
    assert!(text.contains("ÄÄNESTYSALUEEN ÖLJYLÄMMITYS ÅLAND: Ä Ö Å ä ö å"));
    assert!(text.contains("Åström"));
    assert!(text.contains("50–51 §, 10 €, ”lainausmerkit”, ’heittomerkki’"));
    assert!(!text.contains('\u{fffd}'));
}

#[test]
fn utf8_and_cp1252_pages_give_the_same_lines() {
    let utf8 = ingest("000__web_utf8.html");
    let cp1252 = ingest("000__web_cp1252.html");
    assert_eq!(utf8.encoding.as_deref(), Some("utf-8"));
    assert_eq!(utf8.lines, cp1252.lines);
}

#[test]
fn cms_page_gives_exactly_the_bare_notice() {
    for doc in ["000", "probe"] {
        let clean = ingest(&format!("{doc}__clean.html"));
        let web = ingest(&format!("{doc}__web_utf8.html"));
        assert_eq!(web.lines, clean.lines, "{doc}");
    }
}

#[test]
fn no_furniture_leaks() {
    for name in [
        "000__web_utf8.html",
        "000__web_cp1252.html",
        "probe__web_utf8.html",
    ] {
        let text = joined(&ingest(name));
        for word in FURNITURE {
            assert!(!text.contains(word), "{name}: {word:?} leaked");
        }
    }
}

#[test]
fn furniture_removed_without_main_or_article() {
    let page = String::from_utf8(data("000__web_utf8.html")).unwrap();
    let bare = regex::Regex::new(r"</?(main|article)\b[^>]*>")
        .unwrap()
        .replace_all(&page, "");
    let ing = ingest_str(&bare);
    let text = joined(&ing);
    for word in FURNITURE {
        assert!(!text.contains(word), "{word:?} leaked");
    }
    assert_eq!(texts(&ing).first(), Some(&"15.11.2021"));
    assert!(text.contains("Tietosuoja laki (1050/2018)"));
}

#[test]
fn headings_have_levels_and_blocks_are_separated() {
    let ing = ingest("probe__clean.html");
    assert_eq!(
        line(&ing, "Tietosuojaseloste – testisivu")
            .cue
            .heading_level,
        Some(1)
    );
    assert_eq!(
        line(&ing, "ÄÄNESTYSALUEEN ÖLJYLÄMMITYS ÅLAND: Ä Ö Å ä ö å")
            .cue
            .heading_level,
        Some(2)
    );
    // Exactly one empty line between blocks, none at the ends.
    let t = texts(&ing);
    assert!(!t.first().unwrap().is_empty() && !t.last().unwrap().is_empty());
    assert!(t.windows(2).all(|w| !(w[0].is_empty() && w[1].is_empty())));
    assert_eq!(t[1], "");
    let body = line(
        &ing,
        "Äidinkieli, Öljynkulutus, Åbo Akademi; pääkäyttäjä, hyödyntää, Åström, Åland.",
    );
    assert_eq!(body.cue.heading_level, None);
    assert!(!body.cue.emphasis);
}

#[test]
fn list_items_are_marked() {
    let ing = ingest("000__clean.html");
    let li = line(&ing, "Tietosuoja laki (1050/2018)");
    assert!(li.cue.list_item);
    let ing = ingest_str("<h2>Sisältö</h2><ol><li>Rekisterinpitäjä</li><li>Yhteyshenkilö<ul><li>nimi</li></ul></li></ol>");
    assert_eq!(
        texts(&ing),
        [
            "Sisältö",
            "",
            "1. Rekisterinpitäjä",
            "2. Yhteyshenkilö",
            "nimi"
        ]
    );
    assert!(ing.lines[2..].iter().all(|l| l.cue.list_item));
}

#[test]
fn strong_label_is_split_from_its_value() {
    // Corpus 15: <p><strong>Rekisterin ylläpitäjä:</strong><br />Kansalliskirjasto<br />...
    let ing = ingest("15_finna-asiakasrekisterin-seloste.html");
    let label = line(&ing, "Rekisterin ylläpitäjä:");
    assert!(label.cue.emphasis);
    assert_eq!(
        next_line(&ing, "Rekisterin ylläpitäjä:").text,
        "Kansalliskirjasto"
    );
    assert!(!next_line(&ing, "Rekisterin ylläpitäjä:").cue.emphasis);
    assert!(line(&ing, "Sähköposti: aki.lassila(at)helsinki.fi").cue == Default::default());
    // Inline value after the label.
    let ing = ingest_str("<p><strong>Rekisterin nimi:</strong> Jäsenrekisteri</p>");
    assert_eq!(texts(&ing), ["Rekisterin nimi:", "Jäsenrekisteri"]);
    assert!(ing.lines[0].cue.emphasis && !ing.lines[1].cue.emphasis);
}

#[test]
fn bold_pseudo_headings_with_br() {
    // Corpus 13: <b>Tutkimusrekisterin ylläpitäjä</b><br/><br/>Nimi: Matti Luhtala<br/>
    let ing = ingest("13_vantaa-smartlab-tutkimusrekisteri-2017.html");
    assert!(line(&ing, "Tutkimusrekisterin ylläpitäjä").cue.emphasis);
    assert!(!line(&ing, "Nimi: Matti Luhtala").cue.emphasis);
    assert_eq!(
        line(
            &ing,
            "Tieteellisen tutkimuksen rekisteriseloste, Henkilötietolaki (523/1999) 10 § ja 14 §"
        )
        .cue
        .heading_level,
        Some(4)
    );
    // The stray paragraph break of the source is kept as a break.
    let t = texts(&ing);
    let i = t.iter().position(|l| l.ends_with("Kerätty")).unwrap();
    assert_eq!(t[i + 1], "");
    assert!(t[i + 2].starts_with("tutkimusmateriaali voi olla"));
}

#[test]
fn title_classes_dt_and_tables() {
    let ing = ingest("16_helsinkikuvia-asiakasrekisterin-seloste.html");
    assert!(line(&ing, "Rekisterin ylläpitäjä").cue.emphasis);
    assert!(
        line(&ing, "Helsinkikuvia.fi-asiakasrekisterin seloste")
            .cue
            .emphasis
    );
    assert!(line(&ing, "Tieto: Käyttötarkoitus").cue == Default::default());
    line(&ing, "Käyttäjätunnus: Käyttäjän tunnistaminen");
    assert!(!line(&ing, "Helsingin kaupunginmuseo").cue.emphasis);

    let ing = ingest("17_helsingforsbilder-registerbeskrivning-sv.html");
    assert!(line(&ing, "Registeransvarig").cue.emphasis);
    line(&ing, "Användarnamnet: Identifierar användaren");

    let ing = ingest("29_finna-registerbeskrivning-sv-dl.html");
    assert!(line(&ing, "Registeransvarig:").cue.emphasis);
    assert_eq!(
        next_line(&ing, "Registeransvarig:").text,
        "Nationalbiblioteket"
    );
    assert!(line(&ing, "Favoriter").cue.list_item);
    assert_eq!(
        line(
            &ing,
            "Registerbeskrivning för sökportalen Finnas kundregister"
        )
        .cue
        .heading_level,
        Some(3)
    );

    let ing = ingest_str("<table><tr><th>Palveluntarjoaja</th><th>Sijainti</th><th>Käyttötarkoitus</th></tr><tr><td>Google</td><td>EU</td><td>Sähköposti</td></tr></table>");
    assert_eq!(
        texts(&ing),
        [
            "Palveluntarjoaja | Sijainti | Käyttötarkoitus",
            "Google | EU | Sähköposti"
        ]
    );
}

#[test]
fn numbered_h2_fragment() {
    let ing = ingest("12_wwf-norppagalleria-rekisteriseloste.html");
    assert_eq!(line(&ing, "1. Rekisterinpitäjä").cue.heading_level, Some(2));
    assert_eq!(line(&ing, "Rekisteriseloste").cue.heading_level, Some(1));
    // Source newlines inside a paragraph are white space.
    assert!(joined(&ing).contains("etunimi.sukunimi@wwf.fi. Rekisteriasioissa vastataan"));
    assert!(has_warning(&ing, "encoding-guessed"));
}

#[test]
fn notice_in_hidden_div_is_kept() {
    let ing = ingest("30_otavan-opisto-pyramus-rekisteriseloste.html");
    assert!(has_warning(&ing, "hidden-text-kept"));
    assert_eq!(
        line(&ing, "1. Rekisterin pitäjä").cue.heading_level,
        Some(3)
    );
    assert_eq!(
        line(&ing, "10. Tiedon korjaaminen").cue.heading_level,
        Some(3)
    );
    // &nbsp; plus a space collapse to one space.
    line(&ing, "6. Säännönmukaiset tietolähteet");
    assert_eq!(next_line(&ing, "Riitta Kesonen").text, "Otavantie 2 b");
    assert!(line(&ing, "Tilastokeskus").cue.list_item);
}

#[test]
fn hidden_elements_dropped_when_the_notice_is_visible() {
    let ing = ingest_str(
        r#"<div style="display:none">Piilotettu ponnahdusikkuna</div>
        <div hidden>Piilotettu</div><span aria-hidden="true">★</span>
        <h2>1. Rekisterinpitäjä</h2><p>Yhdistys ry, Esimerkkikatu 1, 00100 Helsinki. Yhteyshenkilö vastaa rekisteriasioista.</p>"#,
    );
    assert_eq!(
        texts(&ing),
        [
            "1. Rekisterinpitäjä",
            "",
            "Yhdistys ry, Esimerkkikatu 1, 00100 Helsinki. Yhteyshenkilö vastaa rekisteriasioista."
        ]
    );
    assert!(!has_warning(&ing, "hidden-text-kept"));
}

#[test]
fn mailto_address_recovered() {
    let ing = ingest_str(
        r#"<p>Yhteydenotot: <a href="mailto:tietosuoja@kunta.fi?subject=Tietopyynt%C3%B6">Lähetä sähköpostia</a></p>
           <p>Sähköposti: <a href="mailto:kirjaamo@kunta.fi">kirjaamo@kunta.fi</a></p>"#,
    );
    assert_eq!(
        texts(&ing),
        [
            "Yhteydenotot: Lähetä sähköpostia (tietosuoja@kunta.fi)",
            "",
            "Sähköposti: kirjaamo@kunta.fi"
        ]
    );
}

const JOOMLA_SENTENCE: &str =
    "Tämä sähköpostiosoite on suojattu spamboteilta. Tarvitset JavaScript-tuen nähdäksesi sen.";

#[test]
fn joomla_cloaked_address_recovered_from_script() {
    let page = format!(
        r#"<p>Tietosuojavastaava: <span id="cloak8f3a2b">{JOOMLA_SENTENCE}</span><script type='text/javascript'>
        document.getElementById('cloak8f3a2b').innerHTML = '';
        var prefix = '&#109;a' + 'i&#108;' + '&#116;o';
        var path = 'hr' + 'ef' + '=';
        var addy8f3a2b = 't&#105;&#101;t&#111;s&#117;&#111;j&#97;' + '&#64;';
        addy8f3a2b = addy8f3a2b + 'k&#117;nt&#97;' + '&#46;' + 'f&#105;';
        var addy_text8f3a2b = 't&#105;&#101;t&#111;s&#117;&#111;j&#97;' + '&#64;' + 'k&#117;nt&#97;' + '&#46;' + 'f&#105;';
        document.getElementById('cloak8f3a2b').innerHTML += '<a ' + path + '\'' + prefix + ':' + addy8f3a2b + '\'>'+addy_text8f3a2b+'<\/a>';
        </script></p>"#
    );
    let ing = ingest_str(&page);
    assert_eq!(texts(&ing), ["Tietosuojavastaava: tietosuoja@kunta.fi"]);
    assert!(!has_warning(&ing, "email-hidden"));
}

#[test]
fn joomla_cloak_without_script_warns() {
    let ing = ingest_str(&format!(
        r#"<p>Sähköposti: <span id="cloak77">{JOOMLA_SENTENCE}</span></p>"#
    ));
    assert_eq!(texts(&ing), [format!("Sähköposti: {JOOMLA_SENTENCE}")]);
    let w = ing
        .warnings
        .iter()
        .find(|w| w.code == "email-hidden")
        .unwrap();
    assert!(w.message.contains("spam protection"));
}

#[test]
fn joomla4_hidden_mail_element() {
    let ing = ingest_str(&format!(
        r#"<p>Sähköposti: <joomla-hidden-mail is-link="1" is-email="1" first="dGlldG9zdW9qYQ==" last="a3VudGEuZmk=" text="" base="">{JOOMLA_SENTENCE}</joomla-hidden-mail></p>"#
    ));
    assert_eq!(texts(&ing), ["Sähköposti: tietosuoja@kunta.fi"]);
}

#[test]
fn undeclared_cp1252_is_guessed_with_warning() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252
        .encode("<h2>Rekisterinpitäjä</h2><p>Henkilötietojen säilytysaika on viisi vuotta. Tiedot hävitetään.</p>");
    let ing = ingest_html(&bytes).unwrap();
    assert_eq!(ing.encoding.as_deref(), Some("windows-1252"));
    assert!(has_warning(&ing, "encoding-guessed"));
    assert_eq!(texts(&ing)[0], "Rekisterinpitäjä");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let n = 100_000;
    let page = format!("{}syvä teksti{}", "<div>".repeat(n), "</div>".repeat(n));
    // Test threads have small stacks; any recursion over the tree would overflow here.
    let ing = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || ingest_html(page.as_bytes()))
        .unwrap()
        .join()
        .expect("no panic or overflow")
        .unwrap();
    assert_eq!(texts(&ing), ["syvä teksti"]);
    assert!(has_warning(&ing, "html-too-deep"));
    let unclosed = format!("{}x", "<ul><li>".repeat(20_000));
    assert!(ingest_html(unclosed.as_bytes()).is_ok());
}

#[test]
fn empty_binary_and_textless_inputs() {
    assert!(matches!(ingest_html(b""), Err(IngestError::Empty)));
    assert!(matches!(
        ingest_html(b"PK\x03\x04\x00\x00binary"),
        Err(IngestError::NotText(_))
    ));
    assert!(matches!(
        ingest_html(b"<html><head><title>t</title></head><body><nav>Etusivu</nav></body></html>"),
        Err(IngestError::NoText) | Ok(_)
    ));
    assert!(matches!(
        ingest_html(b"<script>x</script>"),
        Err(IngestError::NoText)
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = ingest_html(&bytes);
    }

    #[test]
    fn random_markup_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("<div>"), Just("</div>"), Just("<p>"), Just("<br>"), Just("<b>"), Just("</b>"),
            Just("<li>"), Just("<ol>"), Just("<table><tr><td>"), Just("</td><td>"), Just("<h2>"),
            Just("</h2>"), Just("<a href=\"mailto:a@b.fi\">"), Just("</a>"), Just("<nav>"),
            Just("<main>"), Just("<span hidden>"), Just("teksti "), Just("Ä"), Just("&nbsp;"),
            Just("<script>var addy1 = 'a' + '&#64;';</script>"), Just("<pre>\n x\n"), Just(":"),
        ],
        0..200,
    )) {
        let page: String = parts.concat();
        if let Ok(ing) = ingest_html(page.as_bytes()) {
            prop_assert!(ing.lines.first().is_some_and(|l| !l.text.is_empty()));
            prop_assert!(ing.lines.windows(2).all(|w| !(w[0].text.is_empty() && w[1].text.is_empty())));
        }
    }
}

#[test]
fn article_header_kept_and_wrapper_classes_do_not_drop_the_notice() {
    let ing = ingest_str(
        r#"<body><div id="page" class="layout has-sidebar">
        <header class="site-header"><a href="/">Yhdistys</a><nav><a href="/">Etusivu</a></nav></header>
        <article><header class="entry-header"><h1>Tietosuojaseloste</h1><p class="byline">Julkaistu 1.1.2024</p></header>
        <h2>1. Rekisterinpitäjä</h2><p>Yhdistys ry, Esimerkkikatu 1, 00100 Helsinki.</p></article>
        <footer class="site-footer">© Yhdistys</footer></div></body>"#,
    );
    assert_eq!(
        texts(&ing),
        [
            "Tietosuojaseloste",
            "",
            "1. Rekisterinpitäjä",
            "",
            "Yhdistys ry, Esimerkkikatu 1, 00100 Helsinki."
        ]
    );
}

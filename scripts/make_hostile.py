#!/usr/bin/env python3
"""Generate the hostile-input corpus for `tests/hostile.rs` (issue 8).

    scripts/make_hostile.py --small tests/hostile   # the small files, committed
    scripts/make_hostile.py --large DIR             # the large ones, made at test time
    scripts/make_hostile.py --all DIR               # both

Every file is deterministic (fixed seeds, fixed dates), so a regenerated corpus is
byte-identical. Small files (a few KiB each) are committed under tests/hostile/;
large ones (a 10,000-page PDF, a 50 MB single-line text, zip bombs) are generated into
a temporary directory by the test. Symlink loops, unreadable files, FIFOs and dangling
symlinks cannot be committed: the Rust test creates them.

Needs only the Python standard library (zlib, zipfile, hashlib).
"""

import hashlib
import io
import os
import random
import sys
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A small, valid PDF with a text layer (ReportLab, Helvetica): source of the cut files.
CUT_SOURCE = os.path.join(ROOT, "tests", "data", "pdf", "multi__rl_helv_hf.pdf")

NOTICE = (
    "Tietosuojaseloste\n\n"
    "Rekisterinpitäjä\n\n"
    "Esimerkki Oy, Mäkitie 1, 00100 Helsinki, tietosuoja@example.fi\n\n"
    "Henkilötietojen käsittelyn tarkoitus\n\n"
    "Asiakassuhteen hoitaminen ja laskutus.\n\n"
    "Tietojen säilytysaika\n\n"
    "Tietoja säilytetään kuusi vuotta asiakassuhteen päättymisen jälkeen.\n"
)


# ---------------------------------------------------------------- PDF building


def pdf(objects, root=1, trailer_extra=b"", header=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"):
    """A PDF with a correct xref table. `objects`: {number: body bytes}."""
    out = bytearray(header)
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        if num in offsets:
            out += b"%010d 00000 n \n" % offsets[num]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (size, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_content(lines, size=11):
    ops = [b"BT /F1 %d Tf 72 760 Td 14 TL" % size]
    for line in lines:
        s = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(" + s + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def one_page(content, resources=b"<< /Font << /F1 4 0 R >> >>", extra_objects=None):
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 5 0 R >>"
        % resources,
        4: FONT,
        5: stream(content),
    }
    objs.update(extra_objects or {})
    return pdf(objs)


NOTICE_LINES = [l for l in NOTICE.split("\n") if l]


def good_pdf():
    return one_page(text_content(NOTICE_LINES))


# ---------------------------------------------------------------- RC4 encryption (R2)

PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user=b"salasana", owner=b"omistaja"):
    """Standard security handler, revision 2 (RC4, 40-bit), with a user password."""
    file_id = hashlib.md5(b"seloste hostile").digest()
    pad = lambda pw: (pw + PAD)[:32]
    o = rc4(hashlib.md5(pad(owner)).digest()[:5], pad(user))
    p = -44
    key = hashlib.md5(pad(user) + o + p.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    u = rc4(key, PAD)

    def obj_key(num):
        return hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10]

    content = rc4(obj_key(5), text_content(NOTICE_LINES))
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        4: FONT,
        5: stream(content),
        6: b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o.hex().encode(), u.hex().encode(), p),
    }
    hexid = file_id.hex().encode()
    return pdf(objs, trailer_extra=b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (hexid, hexid))


# ---------------------------------------------------------------- small files


def small_files():
    files = {}
    src = open(CUT_SOURCE, "rb").read()
    for pct in (10, 50, 90):
        files["pdf_cut_%02d.pdf" % pct] = src[: len(src) * pct // 100]

    good = good_pdf()
    # Broken xref: every offset in the table points 7 bytes off, and startxref is wrong.
    head, _, tail = good.partition(b"xref\n")
    broken = bytearray(tail)
    table = broken.decode("latin-1")
    lines = table.split("\n")
    for i, l in enumerate(lines):
        if l.endswith(" n "):
            lines[i] = "%010d 00000 n " % (int(l[:10]) + 7)
    files["pdf_broken_xref.pdf"] = head + b"xref\n" + "\n".join(lines).encode("latin-1").replace(
        b"startxref\n", b"startxref\n9"
    )

    # Page tree cycle: the root's Kids hold the root itself and a Pages node whose
    # Kids point back at the root; the page's Parent is the node.
    files["pdf_page_tree_cycle.pdf"] = pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [2 0 R 6 0 R] /Count 3 >>",
            6: b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R 6 0 R] /Count 2 >>",
            3: b"<< /Type /Page /Parent 6 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            4: FONT,
            5: stream(text_content(NOTICE_LINES)),
        }
    )

    # A Form XObject that draws itself (directly, and through a second form).
    form = b"BT /F1 11 Tf 72 500 Td (Lomake piirt\xe4\xe4 itsens\xe4) Tj ET /X1 Do /X2 Do"
    files["pdf_form_draws_itself.pdf"] = one_page(
        text_content(NOTICE_LINES) + b"\n/X1 Do",
        resources=b"<< /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >>",
        extra_objects={
            6: stream(
                form,
                b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                b"/Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R /X2 7 0 R >> >> ",
            ),
            7: stream(
                b"/X1 Do",
                b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X1 6 0 R >> >> ",
            ),
        },
    )

    # Flate bomb: a content stream of 1 GiB of spaces, deflated twice (about 1 KiB).
    c = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    once = b"".join(c.compress(chunk) for _ in range(1024)) + c.flush()
    twice = zlib.compress(once, 9)
    files["pdf_flate_bomb.pdf"] = one_page(b"", extra_objects={5: stream(twice, b"/Filter [/FlateDecode /FlateDecode] ")})

    # Cross-reference chain that loops: /Prev points at the table itself.
    g = good_pdf()
    xref_at = int(g.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    files["pdf_xref_prev_loop.pdf"] = g.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref_at)

    # A million unbalanced `q` (graphics state pushes), flate-compressed.
    qs = text_content(NOTICE_LINES[:2]) + b"\n" + b"q " * 1_000_000 + b"\n" + text_content(NOTICE_LINES[2:])
    files["pdf_q_bomb.pdf"] = one_page(b"", extra_objects={5: stream(zlib.compress(qs, 9), b"/Filter /FlateDecode ")})

    files["pdf_encrypted_user_password.pdf"] = encrypted_pdf()

    # Scanned: one page drawing a 16x16 grey image, no text.
    img = bytes((x * 16) % 256 for x in range(256))
    files["pdf_scanned_image_only.pdf"] = one_page(
        b"q 500 0 0 700 40 60 cm /Im0 Do Q",
        resources=b"<< /XObject << /Im0 6 0 R >> >>",
        extra_objects={
            6: stream(img, b"/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 ")
        },
    )

    rnd = random.Random(8)
    for ext in ("pdf", "html", "txt"):
        files["random_bytes.%s" % ext] = bytes(rnd.getrandbits(8) for _ in range(16384))
        files["empty.%s" % ext] = b""

    # Invalid UTF-8: a UTF-8 notice with a stray continuation byte, a truncated sequence
    # and an overlong encoding in it.
    files["invalid_utf8.txt"] = NOTICE.encode().replace(b"laskutus", b"lasku\x80tus \xc3 \xc0\xaf")
    files["utf16le_no_bom.txt"] = NOTICE.encode("utf-16-le")
    files["utf16be_no_bom.txt"] = NOTICE.encode("utf-16-be")

    # Zip with unsafe entry names next to a good entry.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("../../x.txt", NOTICE), ("/etc/x.txt", NOTICE), ("ok/notice.txt", NOTICE)):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode())
    files["zip_unsafe_names.zip"] = buf.getvalue()
    files["zip_truncated.zip"] = buf.getvalue()[: len(buf.getvalue()) // 2]
    # Zips nested three deep (the deepest one is past the depth cap).
    inner = NOTICE.encode()
    for level, name in ((3, "notice.txt"), (2, "level3.zip"), (1, "level2.zip")):
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, inner)
        inner = b.getvalue()
    files["zip_nested_3_deep.zip"] = inner
    return files


# ---------------------------------------------------------------- large files


def many_pages(n=10_000):
    """n pages sharing one font and one content stream, in a balanced page tree."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: FONT, 5: stream(text_content(NOTICE_LINES))}
    kids = []
    per = 100
    next_id = 6
    for g in range(n // per):
        node = next_id
        next_id += 1
        page_ids = list(range(next_id, next_id + per))
        next_id += per
        objs[node] = b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % p for p in page_ids),
            per,
        )
        for p in page_ids:
            objs[p] = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>" % node
        kids.append(node)
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), n)
    return pdf(objs)


def zip_bomb():
    """One entry of 256 MiB of zeros (ratio about 1000:1) next to a good entry."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("a_good.txt", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, NOTICE.encode())
        info = zipfile.ZipInfo("bomb.txt", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as w:
            chunk = b"\0" * (1 << 20)
            for _ in range(256):
                w.write(chunk)
    return b.getvalue()


def nested_zip_bomb():
    """A zip of 16 zips, each with one 64 MiB entry of zeros."""
    inner_buf = io.BytesIO()
    with zipfile.ZipFile(inner_buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("zeros.txt", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as w:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                w.write(chunk)
    inner = inner_buf.getvalue()
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        for i in range(16):
            info = zipfile.ZipInfo("inner%02d.zip" % i, date_time=(2024, 1, 1, 0, 0, 0))
            z.writestr(info, inner)
    return b.getvalue()


def deep_files():
    """Nesting 100,000 deep (a few hundred KiB each, so generated, not committed)."""
    files = {}
    # Nesting 100,000 deep: an array in the page dictionary, and one in the content stream.
    deep = b"[" * 100_000 + b"]" * 100_000
    files["pdf_deep_nesting_object.pdf"] = pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Deep 7 0 R >>",
            4: FONT,
            5: stream(text_content(NOTICE_LINES)),
            7: b"<< /Deep " + deep + b" >>",
        }
    )
    files["pdf_deep_nesting_content.pdf"] = one_page(
        text_content(NOTICE_LINES) + b"\nBT " + b"[" * 100_000 + b"(x)" + b"]" * 100_000 + b" TJ ET"
    )
    files["pdf_deep_dict_nesting.pdf"] = pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Deep 7 0 R >>",
            4: FONT,
            5: stream(text_content(NOTICE_LINES)),
            7: b"<< /A " * 100_000 + b"1" + b" >>" * 100_000,
        }
    )

    body = "".join("<p>%s</p>" % l for l in NOTICE_LINES)
    files["html_deep_div.html"] = ("<html><body>" + "<div>" * 100_000 + body + "</div>" * 100_000 + "</body></html>").encode()
    files["html_deep_b_unclosed.html"] = ("<html><body>" + "<b><i>" * 50_000 + body + "</body></html>").encode()
    files["html_deep_table.html"] = ("<html><body>" + "<table><tr><td>" * 20_000 + body + "</body></html>").encode()

    return files


def large_files():
    files = deep_files()
    files.update(
        {
            "pdf_10000_pages.pdf": many_pages(),
            # 50 MB on one line: a notice's words repeated with no line break.
            "text_50mb_one_line.txt": (b"Rekisterinpitaja on Esimerkki Oy. " * 1_600_000)[:50_000_000],
            "zip_bomb_ratio.zip": zip_bomb(),
            "zip_bomb_nested.zip": nested_zip_bomb(),
        }
    )
    return files


def main(argv):
    if len(argv) != 3 or argv[1] not in ("--small", "--large", "--all"):
        sys.stderr.write(__doc__)
        return 2
    kind, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    files = {}
    if kind in ("--small", "--all"):
        files.update(small_files())
    if kind in ("--large", "--all"):
        files.update(large_files())
    for name, data in sorted(files.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

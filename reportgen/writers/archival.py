"""What turns WeasyPrint's PDF/A-3a output into the published document (a WeasyPrint
`finisher`, run on the pydyf objects just before the file is written, so the bytes stay
reproducible):

- the layout tables of the frame and the closing (no header cell) are tagged as `Div`, not
  `Table`: a screen reader reads the agency, number and date, not "table, row 1, cell 2";
- an empty signature field (`SIGNATURE_FIELD`) over the blank space between the signer's
  title and name, tagged as a `Form` in the closing, so `reportgen sign` and the signing
  software staff already use fill it in place (Nghị định 30/2020, Phụ lục I);
- the XMP packet gets `dc:language` and full dates that match the document information;
- embedded YAML files get the `application/yaml` media type;
- a content digest (page content streams and embedded files) in the catalog
  (`DIGEST_KEY`): `reportgen sign` refuses a file whose pages or data changed since build.

Nothing here fetches or reads a file; geometry comes from WeasyPrint's layout of the
`.signature-space` box of the HTML writer.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Optional

SIGNATURE_FIELD = "ChuKyNguoiCoThamQuyen"
SIGNATURE_TOOLTIP = "Chữ ký số của người có thẩm quyền"
SIGNATURE_CLASS = "signature-space"
DIGEST_KEY = "RGContentDigest"  # catalog entry: 'sha256:<hex>'
FIELD_WIDTH_PT = 170.0  # 60 mm: a signature image, centred in the signer's column
PX_TO_PT = 0.75


# ------------------------------------------------------------------ content digest
def content_digest(pages: Iterable[bytes], files: Iterable[tuple[str, bytes]]) -> str:
    """The digest `build` stores and `sign`/`verify` recompute: every page's content
    stream (decoded) then every embedded file (name and bytes), in order."""
    h = hashlib.sha256()
    for i, data in enumerate(pages):
        h.update(f"page {i} {len(data)}\n".encode())
        h.update(data)
    for name, data in files:
        h.update(f"file {name} {len(data)}\n".encode())
        h.update(data)
    return "sha256:" + h.hexdigest()


def _joined(stream) -> bytes:
    """Uncompressed bytes of a pydyf stream (what a reader decodes back), kept as the
    stream's one piece: writing the file then does not join its pieces a second time (pydyf
    joins them the same way, so the bytes written are the same)."""
    import pydyf
    to_bytes = pydyf._to_bytes
    data = b"\n".join(item if type(item) is bytes else to_bytes(item) for item in stream.stream)
    stream.stream = [data]
    return data


def _obj(pdf, ref):
    """The pydyf object a reference ('12 0 R' bytes or str) points to."""
    if isinstance(ref, (bytes, str)):
        text = ref.decode() if isinstance(ref, bytes) else ref
        return pdf.objects[int(text.split()[0])]
    return ref


# ------------------------------------------------------------------ geometry
def signature_box(document) -> Optional[tuple[int, tuple[float, float, float, float]]]:
    """(page index, PDF rectangle) of the signature field: `FIELD_WIDTH_PT` wide, centred
    in the `.signature-space` box, as tall as it; None when the page has no such box."""
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) != "div":
                continue
            if SIGNATURE_CLASS not in (element.get("class") or "").split():
                continue
            x, y = box.border_box_x(), box.border_box_y()
            w, h = box.border_width(), box.border_height()
            page_h = page.height * PX_TO_PT
            cx = (x + w / 2) * PX_TO_PT
            width = min(FIELD_WIDTH_PT, w * PX_TO_PT)
            top = page_h - y * PX_TO_PT
            bottom = page_h - (y + h) * PX_TO_PT
            rect = (round(cx - width / 2, 2), round(bottom, 2), round(cx + width / 2, 2),
                    round(top, 2))
            return index, rect
    return None


# ------------------------------------------------------------------ the finisher
def finisher(language: str = "vi", created: Optional[str] = None):
    """The WeasyPrint finisher (document, pdf) for the archival PDF."""

    def finish(document, pdf) -> None:
        _signature_field(document, pdf, _layout_tables_as_div(pdf))
        _xmp(pdf, language, created)
        _yaml_media_type(pdf)
        _digest(pdf)

    return finish


def _struct_kids(pdf, elem) -> list:
    import pydyf
    kids = elem.get("K")
    if not isinstance(kids, pydyf.Array):
        return []
    out = []
    for k in kids:
        if isinstance(k, (bytes, str)) and str(k if isinstance(k, str) else k.decode()).endswith(" R"):
            child = _obj(pdf, k)
            if isinstance(child, dict) and child.get("Type") == "/StructElem":
                out.append(child)
    return out


def _document_elem(pdf):
    if "StructTreeRoot" not in pdf.catalog:
        return None
    root = _obj(pdf, pdf.catalog["StructTreeRoot"])
    kids = _struct_kids(pdf, root)
    return kids[0] if kids else None


def _layout_tables_as_div(pdf) -> list:
    """Retag the layout tables (no header cell) as Div; returns them, in document order."""
    doc = _document_elem(pdf)
    if doc is None:
        return []
    known: dict[int, list] = {}  # each element's children, resolved once (tables are walked twice)

    def walk(elem):
        yield elem
        kids = known.get(id(elem))
        if kids is None:
            kids = known[id(elem)] = _struct_kids(pdf, elem)
        for child in kids:
            yield from walk(child)

    layout = []
    for elem in list(walk(doc)):
        if elem.get("S") != "/Table":
            continue
        inner = list(walk(elem))
        if any(e.get("S") == "/TH" for e in inner):
            continue  # a data table: keeps its headers
        for e in inner:
            if e.get("S") in ("/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TD"):
                e["S"] = "/Div"
                e.pop("A", None)
        layout.append(elem)
    return layout


def _signature_field(document, pdf, layout: list) -> None:
    """`layout`: the layout tables (`_layout_tables_as_div`), the closing among them."""
    import pydyf

    found = signature_box(document)
    if found is None:
        return
    index, rect = found
    page_ref = pdf.page_references[index]
    page = _obj(pdf, page_ref)
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    appearance = pydyf.Stream([b""], pydyf.Dictionary({
        "Type": "/XObject", "Subtype": "/Form",
        "BBox": pydyf.Array((0, 0, round(width, 2), round(height, 2))),
        "Resources": pydyf.Dictionary({}),
    }))
    pdf.add_object(appearance)
    widget = pydyf.Dictionary({
        "Type": "/Annot", "Subtype": "/Widget", "FT": "/Sig",
        "T": pydyf.String(SIGNATURE_FIELD), "TU": pydyf.String(SIGNATURE_TOOLTIP),
        "Rect": pydyf.Array(rect), "F": 4, "P": page_ref,
        "AP": pydyf.Dictionary({"N": appearance.reference}),
    })
    pdf.add_object(widget)
    annots = page.get("Annots")
    if isinstance(annots, (bytes, str)):
        annots = _obj(pdf, annots)
    if annots is None:
        page["Annots"] = pydyf.Array([widget.reference])
    else:
        annots.append(widget.reference)
    page["Tabs"] = "/S"
    pdf.catalog["AcroForm"] = pydyf.Dictionary({"Fields": pydyf.Array([widget.reference])})

    doc = _document_elem(pdf)
    if doc is None:
        return
    # tagged: a Form element in the closing (the last layout table on that page)
    on_page = [e for e in layout if e.get("Pg") == page_ref]
    parent = on_page[-1] if on_page else doc
    objr = pydyf.Dictionary({"Type": "/OBJR", "Obj": widget.reference, "Pg": page_ref})
    pdf.add_object(objr)
    form = pydyf.Dictionary({
        "Type": "/StructElem", "S": "/Form", "P": parent.reference, "Pg": page_ref,
        "K": pydyf.Array([objr.reference]), "Alt": pydyf.String(SIGNATURE_TOOLTIP),
    })
    pdf.add_object(form)
    parent["K"].append(form.reference)
    root = _obj(pdf, pdf.catalog["StructTreeRoot"])
    tree = _obj(pdf, root["ParentTree"])
    nums = tree["Nums"]
    index_key = max(int(n) for n in nums[0::2]) + 1 if len(nums) else 0
    nums.extend([index_key, form.reference])
    widget["StructParent"] = index_key
    root["ParentTreeNextKey"] = index_key + 1


_DATE = re.compile(r"<xmp:(CreateDate|ModifyDate)>(\d{4}-\d{2}-\d{2})</xmp:\1>")


def _xmp(pdf, language: str, created: Optional[str]) -> None:
    """dc:language, and dates with a time and zone (equal to the information dictionary's)."""
    if "Metadata" not in pdf.catalog:
        return
    meta = _obj(pdf, pdf.catalog["Metadata"])
    text = b"".join(meta.stream).decode("utf-8")
    text = _DATE.sub(lambda m: f"<xmp:{m[1]}>{m[2]}T00:00:00Z</xmp:{m[1]}>", text)
    lang = (f'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>"
            "</rdf:Description>")
    text = text.replace("</rdf:RDF>", lang + "</rdf:RDF>", 1)
    meta.stream = [text.encode("utf-8")]


def _embedded(pdf):
    """(name, stream object) of every embedded file, in name-tree order."""
    names = pdf.catalog.get("Names")
    if not names or "EmbeddedFiles" not in names:
        return []
    tree = _obj(pdf, names["EmbeddedFiles"])
    pairs = tree["Names"]
    out = []
    for i in range(0, len(pairs), 2):
        spec = _obj(pdf, pairs[i + 1])
        name = spec["UF"].string
        out.append((name.decode("utf-8") if isinstance(name, bytes) else name,
                    _obj(pdf, spec["EF"]["F"])))
    return out


def _yaml_media_type(pdf) -> None:
    import pydyf
    if "AF" in pdf.catalog:  # WeasyPrint 70 lists each file twice (name tree and object scan)
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
    for name, stream in _embedded(pdf):
        if name.endswith((".yaml", ".yml")):
            stream.extra["Subtype"] = "/application#2fyaml"


def _digest(pdf) -> None:
    import pydyf
    pages = []
    for ref in pdf.page_references:
        contents = _obj(pdf, _obj(pdf, ref)["Contents"])
        pages.append(_joined(contents))
    files = [(name, _joined(stream)) for name, stream in _embedded(pdf)]
    pdf.catalog[DIGEST_KEY] = pydyf.String(content_digest(pages, files))

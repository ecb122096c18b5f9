"""Reads an OFD with readers written by others, for tests/it/ofd.rs: ofdkit (the document, its
pages, text runs and custom tags) and fontTools (each embedded face). Prints one JSON object.

Usage: python ofd_readers.py FILE.ofd
"""

import io
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

import ofdkit
from fontTools.ttLib import TTFont

NS = "{http://www.ofdspec.org/2016}"


def main(path):
    out = {"ofdkit": ofdkit.__version__, "pages": [], "faces": [], "figures": []}
    with ofdkit.open(path) as doc:
        out["info"] = doc.info.to_dict()
        for page in doc.pages:
            out["pages"].append(
                {
                    "id": page.id,
                    "width": page.width,
                    "height": page.height,
                    "text": page.text(),
                    "runs": [
                        {"text": r.text, "x": r.x, "y": r.y, "size": r.size, "id": r.object_id}
                        for r in page.runs
                    ],
                }
            )
        # The figures' custom tags: each ObjectRef's text object, found by ofdkit on its page.
        package = zipfile.ZipFile(path)
        tags = ET.fromstring(package.read("Doc_0/Tags/CustomTag.xml"))
        for figure in tags:
            texts = []
            for ref in figure:
                page = doc.page_by_id(ref.get("PageRef"))
                texts.append(page.object_text(ref.text) if page is not None else None)
            out["figures"].append({"name": figure.get("Name"), "texts": texts})
        out["warnings"] = list(doc.warnings)

    # Each face: the characters of the TextCodes set in it, and whether its cmap maps each to a
    # glyph the face has (not .notdef).
    res = ET.fromstring(package.read("Doc_0/PublicRes.xml"))
    base = res.get("BaseLoc")
    files = {}
    for font in res.iter(NS + "Font"):
        files[font.get("ID")] = "Doc_0/" + base + "/" + font.find(NS + "FontFile").text
    chars = {fid: set() for fid in files}
    document = ET.fromstring(package.read("Doc_0/Document.xml"))
    for page in document.iter(NS + "Page"):
        content = ET.fromstring(package.read("Doc_0/" + page.get("BaseLoc")))
        for obj in content.iter(NS + "TextObject"):
            for code in obj.iter(NS + "TextCode"):
                chars[obj.get("Font")].update(code.text or "")
    for fid, name in sorted(files.items()):
        data = package.read(name)
        face = TTFont(io.BytesIO(data))
        cmap = face.getBestCmap() or {}
        order = set(face.getGlyphOrder())
        missing = sorted(
            c for c in chars[fid] if cmap.get(ord(c)) in (None, ".notdef") or cmap[ord(c)] not in order
        )
        out["faces"].append(
            {
                "id": fid,
                "file": name,
                "bytes": len(data),
                "tables": sorted(face.keys()),
                "glyphs": len(order),
                "chars": len(chars[fid]),
                "mapped": len(cmap),
                "missing": missing,
                "family": face["name"].getBestFamilyName(),
            }
        )
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])

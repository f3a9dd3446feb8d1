"""Our own reading of a tagged PDF's structure, for what the `pdfua` checker does not look at.

`tag_problems(path)` lists, one line each, every way the PDF falls short of
what a screen reader needs from a leaflet: marked content that the tag tree
does not reach and is no artifact, text drawn outside any mark, an empty
structure element, a list that is not L > LI > (Lbl, LBody) or says nothing of
its numbering, a figure without alt text, a link annotation without its Link
element, a parent tree that disagrees with the tree, and a missing language,
title or DisplayDocTitle. An empty list means none was found.
"""

from collections import Counter
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

TEXT_OPERATORS = {"Tj", "TJ", "'", '"', "Do"}


def tag_problems(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [*document_problems(pdf), *element_problems(pdf), *content_problems(pdf), *link_problems(pdf)]


def document_problems(pdf) -> list[str]:
    found = []
    if not str(pdf.Root.get("/Lang", "")):
        found.append("no /Lang in the catalog")
    if not str(pdf.docinfo.get("/Title", "")):
        found.append("no /Title in the document information")
    if "dc:title" not in pdf.Root.Metadata.read_bytes().decode():
        found.append("no dc:title in the XMP metadata")
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        found.append("no /ViewerPreferences /DisplayDocTitle true")
    if not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
        found.append("no /MarkInfo /Marked true")
    return found


# --- The tree --------------------------------------------------------------------------------------

def kids(node) -> list:
    found = node.get("/K")
    if found is None:
        return []
    return list(found) if isinstance(found, Array) else [found]


def is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") not in (Name("/MCR"), Name("/OBJR"))


def elements(node):
    """Every structure element under node, in document order."""
    for kid in kids(node):
        if is_element(kid):
            yield kid
            yield from elements(kid)


def role(element) -> str:
    return str(element.S)[1:]


def marked_content(pdf) -> dict[tuple[int, int], pikepdf.Dictionary]:
    """Every (page number, MCID) the tree reaches, with the element it belongs to."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    found = {}
    for element in elements(pdf.Root.StructTreeRoot):
        for kid in kids(element):
            if isinstance(kid, int):
                found[pages[element.Pg.objgen], kid] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name("/MCR"):
                page = kid.Pg if "/Pg" in kid else element.Pg
                found[pages[page.objgen], int(kid.MCID)] = element
    return found


def marks_content(element) -> bool:
    return any(not is_element(kid) or marks_content(kid) for kid in kids(element))


def element_problems(pdf) -> list[str]:
    """Empty elements, lists of the wrong shape, figures without alt text, leftover private keys."""
    found = []
    parts = [element for element in elements(pdf.Root.StructTreeRoot) if role(element) == "Part"]
    if len(parts) > 1:
        found.append(f"{len(parts)} /Part elements: one per page, not one for the leaflet")
    for element in elements(pdf.Root.StructTreeRoot):
        name, children = role(element), [role(kid) for kid in kids(element) if is_element(kid)]
        if not marks_content(element):
            found.append(f"empty /{name}")
        if name == "L":
            numbering = element.get("/A", {}).get("/ListNumbering")
            if numbering is None:
                found.append("an /L without /ListNumbering")
            if set(children) - {"LI", "Caption"}:
                found.append(f"an /L holding {children}")
        if name == "LI" and children != ["Lbl", "LBody"]:
            found.append(f"an /LI holding {children}, not [Lbl, LBody]")
        if name == "Figure" and not str(element.get("/Alt", "")).strip():
            found.append("a /Figure without /Alt")
        private = [str(key) for key in element if str(key) not in STANDARD_KEYS]
        if private:
            found.append(f"/{name} with keys {private}")
    return found + orphan_problems(pdf)


def orphan_problems(pdf) -> list[str]:
    """Structure elements in the file that the tree does not reach (halves joined to another, empties)."""
    reached = {element.objgen for element in elements(pdf.Root.StructTreeRoot)}
    return [f"a /{role(orphan)} outside the tree" for orphan in pdf.objects
            if isinstance(orphan, Dictionary) and orphan.get("/Type") == Name("/StructElem")
            and orphan.objgen not in reached]


STANDARD_KEYS = {"/Type", "/S", "/P", "/ID", "/Pg", "/K", "/A", "/C", "/R", "/T", "/Lang", "/Alt", "/E",
                 "/ActualText"}


# --- The content streams ---------------------------------------------------------------------------

def content_problems(pdf) -> list[str]:
    """Every MCID drawn is reached by the tree once and is in the parent tree; text outside any mark."""
    reached = marked_content(pdf)
    parents = parent_tree(pdf)
    found, drawn = [], Counter()
    for number, page in enumerate(pdf.pages):
        if int(page.obj.get("/StructParents", -1)) != number:
            found.append(f"page {number + 1}: /StructParents is not {number}")
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator in ("BDC", "BMC"):
                mcid = operands[1].get("/MCID") if len(operands) > 1 and isinstance(operands[1], Dictionary) \
                    else None
                if mcid is not None:
                    drawn[number, int(mcid)] += 1
                stack.append("mcid" if mcid is not None else str(operands[0]))
            elif operator == "EMC":
                stack.pop()
            elif operator in TEXT_OPERATORS and not ({"mcid", "/Artifact"} & set(stack)):
                found.append(f"page {number + 1}: {operator} outside any marked content or artifact")
    for (number, mcid), count in sorted(drawn.items()):
        if (number, mcid) not in reached:
            found.append(f"page {number + 1}: MCID {mcid} is neither in the tag tree nor an artifact")
        elif parents.get((number, mcid)) != reached[number, mcid].objgen:
            found.append(f"page {number + 1}: MCID {mcid}'s parent tree entry is not its element")
        if count > 1:
            found.append(f"page {number + 1}: MCID {mcid} marks {count} sequences")
    found += [f"page {number + 1}: the tree reaches MCID {mcid}, which the page does not draw"
              for number, mcid in sorted(set(reached) - set(drawn))]
    return found


def parent_tree(pdf) -> dict:
    """The parent tree's (page number, MCID) and annotation keys, each with its element's object id."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    found: dict = {}
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if isinstance(value, Array):
            found.update({(key, mcid): parent.objgen for mcid, parent in enumerate(value)
                          if isinstance(parent, Dictionary)})
        else:
            found[key] = value.objgen
    return found


def link_problems(pdf) -> list[str]:
    """Each /Link annotation has a /StructParent, which the parent tree maps to a Link element holding it."""
    holders = {}
    for element in elements(pdf.Root.StructTreeRoot):
        for kid in kids(element):
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name("/OBJR"):
                holders[kid.Obj.objgen] = element
    parents = parent_tree(pdf)
    found = []
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != Name("/Link"):
                continue
            holder = holders.get(annotation.objgen)
            if holder is None or role(holder) != "Link":
                found.append(f"page {number + 1}: a /Link annotation without a Link element and OBJR")
            elif "/StructParent" not in annotation or \
                    parents.get(int(annotation.StructParent)) != holder.objgen:
                found.append(f"page {number + 1}: a /Link annotation whose /StructParent is not its Link")
    return found


def roles(path: Path) -> Counter:
    """How many structure elements of each type the PDF has."""
    with pikepdf.open(path) as pdf:
        return Counter(role(element) for element in elements(pdf.Root.StructTreeRoot))


def lists(path: Path) -> list[tuple[str, int]]:
    """Each /L with its /ListNumbering and how many items, in document order."""
    with pikepdf.open(path) as pdf:
        return [(str(element.A.ListNumbering)[1:], sum(role(kid) == "LI" for kid in kids(element) if is_element(kid)))
                for element in elements(pdf.Root.StructTreeRoot) if role(element) == "L"]


def sections(path: Path) -> list[list[str]]:
    """Each /Sect's element types, its own kids only, in order."""
    with pikepdf.open(path) as pdf:
        return [[role(kid) for kid in kids(element) if is_element(kid)]
                for element in elements(pdf.Root.StructTreeRoot) if role(element) == "Sect"]


def artifact_text_pages(path: Path) -> list[str]:
    """The text drawn inside /Artifact marked content, page by page (footers, page numbers)."""
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return ["".join(char["text"] for char in page.chars if char.get("tag") == "Artifact")
                for page in pdf.pages]


def element_texts(path: Path, wanted: str) -> list[str]:
    """The text each structure element of this type marks, as a screen reader reads it, in document order."""
    import pdfplumber
    drawn: dict[tuple[int, int], str] = {}
    with pdfplumber.open(path) as document:
        for page in document.pages:
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (page.page_number - 1, char["mcid"])
                    drawn[key] = drawn.get(key, "") + char["text"]
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}

        def text(element) -> str:
            parts = []
            for kid in kids(element):
                if isinstance(kid, int):
                    parts.append(drawn.get((pages[element.Pg.objgen], kid), ""))
                elif isinstance(kid, Dictionary) and kid.get("/Type") == Name("/MCR"):
                    page = kid.Pg if "/Pg" in kid else element.Pg
                    parts.append(drawn.get((pages[page.objgen], int(kid.MCID)), ""))
                elif is_element(kid):
                    parts.append(text(kid))
            return "".join(parts)
        return [" ".join(text(element).split()) for element in elements(pdf.Root.StructTreeRoot)
                if role(element) == wanted]

"""Mend the tag tree WeasyPrint 70 writes, so that it follows the leaflet rather than its pages.

WeasyPrint tags each page on its own: an element that runs on to the next
page (the main content, a section, a list, a list item, a paragraph) becomes
a second element there, and the running footers are tagged but left out of
the tree. The tree alone can't tell a paragraph continued at the top of a
page from a new one, but the layout can: while WeasyPrint writes the tags,
`origins_recorded` marks each structure element with the HTML element it was
made for (a private key, ORIGIN). `mend_tree` then, with pikepdf:

- makes the footers' marked content /Artifact /Pagination and drops their
  structure elements (everything on a page that the tree does not reach);
- joins the halves of every element a page or line break split (same origin);
- tags a definition list's term and description as one item (Lbl, LBody),
  an aside as the Sect it is, and says how each list is numbered;
- drops structure elements that mark no content (an empty line to write on);
- numbers the marked content of each page again from 0 and writes the parent
  tree afresh, so that every MCID and link annotation points to its element.

The same bytes in give the same bytes out: nothing depends on time, and the
file identifier is computed from the content.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name

ORIGIN = "/LeafletpressOrigin"  # "<number> <html tag>", present only between writing and mending
NUMBERING = {"ul": "/Disc", "ol": "/Decimal", "dl": "/None"}
PAGINATION = Dictionary(Type=Name("/Pagination"))


@contextmanager
def origins_recorded() -> Iterator[None]:
    """While WeasyPrint writes a PDF, each structure element it makes for a box keeps its HTML element.

    Boxes of the same element on different pages (a paragraph split by a page
    break) get the same number; an element's own box and an anonymous box
    inside it (a list item and its body) differ by their structure type.
    """
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    numbers: dict[tuple[int, str, str], int] = {}

    def build_box_tree(box, parent, *args):
        for element in original(box, parent, *args):
            html = getattr(box, "element", None)
            if html is not None and ORIGIN[1:] not in element:
                key = (id(html), box.element_tag, str(element["S"]))
                number = numbers.setdefault(key, len(numbers))
                element[ORIGIN[1:]] = pydyf.String(f"{number} {box.element_tag}")
            yield element

    tags._build_box_tree = build_box_tree  # the function calls itself through the module: children too
    try:
        yield
    finally:
        tags._build_box_tree = original


def mend_tree(pdf_bytes: bytes) -> bytes:
    """The PDF with its tag tree mended (see the module's docstring)."""
    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.StructTreeRoot
        document = root.K[0]
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        renumbered = artifact_footers(pdf, reachable_elements(root))
        join_halves(document)
        for element in list(elements(document)):
            retag(element)
        lift_link_objects(document)
        drop_empty(document)
        for element in elements(document):
            renumber(element, renumbered, pages)
            if ORIGIN in element:
                del element[ORIGIN]
        write_parent_tree(pdf, root, document, pages)
        output = BytesIO()
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


# --- The tree ------------------------------------------------------------------------------------------

def kids(element) -> list:
    found = element.get("/K")
    if found is None:
        return []
    return list(found) if isinstance(found, Array) else [found]


def is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") not in (Name("/MCR"), Name("/OBJR"))


def elements(node) -> Iterator[Dictionary]:
    """Every structure element under node (node included when it is one), in document order."""
    if "/S" in node:
        yield node
    for kid in kids(node):
        if is_element(kid):
            yield from elements(kid)


def reachable_elements(root) -> set[tuple[int, int]]:
    return {element.objgen for element in elements(root)}


def html_tag(element) -> str:
    return str(element[ORIGIN]).split(" ", 1)[1] if ORIGIN in element else ""


# --- Footers -------------------------------------------------------------------------------------------

def artifact_footers(pdf, reachable: set) -> dict[int, dict[int, int]]:
    """Marked content whose element the tree does not reach becomes /Artifact /Pagination.

    Those are the running footers and page numbers (WeasyPrint's margin boxes).
    Each page's remaining MCIDs are numbered again from 0 in the order they are
    drawn: {page number: {old MCID: new MCID}}.
    """
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    renumbered = {}
    for index in range(0, len(nums), 2):
        page_number, parents = int(nums[index]), nums[index + 1]
        if not isinstance(parents, Array):
            continue  # an annotation's parent
        unreached = {mcid for mcid, parent in enumerate(parents)
                     if isinstance(parent, Dictionary) and parent.objgen not in reachable}
        renumbered[page_number] = rewrite_marks(pdf, pdf.pages[page_number], unreached)
    return renumbered


def rewrite_marks(pdf, page, artifacts: set[int]) -> dict[int, int]:
    """Mark the page's content with these MCIDs as pagination artifacts; number the others from 0."""
    instructions = pikepdf.parse_content_stream(page)
    numbers: dict[int, int] = {}
    for index, instruction in enumerate(instructions):
        operands, operator = instruction.operands, instruction.operator
        if str(operator) != "BDC" or not isinstance(operands[1], Dictionary) or "/MCID" not in operands[1]:
            continue
        mcid = int(operands[1].MCID)
        if mcid in artifacts:
            marked = [Name("/Artifact"), PAGINATION]
        else:
            numbers[mcid] = len(numbers)
            marked = [operands[0], Dictionary(MCID=numbers[mcid])]
        instructions[index] = pikepdf.ContentStreamInstruction(marked, operator)
    if artifacts or any(old != new for old, new in numbers.items()):
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return numbers


# --- One element for one HTML element ------------------------------------------------------------------

def join_halves(node) -> None:
    """Join each element that a page or a line break split into two or more: the later halves' kids go to
    the first. Two neighbours made for the same HTML element (with the same structure type) are one."""
    joined: list = []
    for kid in kids(node):
        if joined and is_element(kid) and is_element(joined[-1]) and same_origin(joined[-1], kid):
            absorb(joined[-1], kid)
        else:
            joined.append(kid)
    node.K = Array(joined)
    for kid in joined:
        if is_element(kid):
            join_halves(kid)


def same_origin(first, second) -> bool:
    return ORIGIN in first and ORIGIN in second and first[ORIGIN] == second[ORIGIN]


def absorb(first, second) -> None:
    """Move second's kids into first; an MCID of another page becomes a marked-content reference."""
    page = second.get("/Pg")
    other_page = page is not None and page.objgen != first.Pg.objgen
    ours = kids(first)
    for kid in kids(second):
        if is_element(kid):
            kid.P = first
        elif isinstance(kid, int) and other_page:
            kid = Dictionary(Type=Name("/MCR"), Pg=page, MCID=kid)
        ours.append(kid)
    first.K = Array(ours)


# --- What each element is ------------------------------------------------------------------------------

def retag(element) -> None:
    """An aside is a Sect; a definition list's items are Lbl and LBody; every list says how it is numbered."""
    tag = html_tag(element)
    if tag == "aside":
        element.S = Name("/Sect")
    if str(element.S) == "/L" and tag in NUMBERING:
        element.A = Dictionary(O=Name("/List"), ListNumbering=Name(NUMBERING[tag]))
        if tag == "dl":
            pair_terms(element)


def pair_terms(definition_list) -> None:
    """WeasyPrint makes <dt> and <dd> two LI, each with an LBody: make each pair one LI (Lbl, LBody)."""
    paired: list = []
    for item in kids(definition_list):
        if not is_element(item):
            paired.append(item)
            continue
        body = next((kid for kid in kids(item) if is_element(kid)), None)
        if html_tag(item) == "dt" and body is not None:
            body.S = Name("/Lbl")
            paired.append(item)
        elif html_tag(item) == "dd" and paired and is_element(paired[-1]) and html_tag(paired[-1]) == "dt":
            term = paired[-1]
            for kid in kids(item):
                if is_element(kid):
                    kid.P = term
            term.K = Array(kids(term) + kids(item))
        else:
            paired.append(item)
    definition_list.K = Array(paired)


def lift_link_objects(document) -> None:
    """An annotation WeasyPrint made for an element inside a link (a span in an address) goes to that Link.

    Its own element would otherwise hold a link that no Link element names.
    """
    for element in list(elements(document)):
        if element.get("/S") == Name("/Link"):
            continue
        link = element.get("/P")
        while link is not None and "/S" in link and link.get("/S") != Name("/Link"):
            link = link.get("/P")
        if link is None or link.get("/S") != Name("/Link"):
            continue
        moved = [kid for kid in kids(element) if isinstance(kid, Dictionary) and kid.get("/Type") == Name("/OBJR")]
        if moved:
            element.K = Array([kid for kid in kids(element) if kid not in moved])
            link.K = Array(kids(link) + moved)


def marks_content(element) -> bool:
    return any(not is_element(kid) or marks_content(kid) for kid in kids(element))


def drop_empty(node) -> None:
    """Remove every structure element under node that marks no content, however deep."""
    kept = []
    for kid in kids(node):
        if is_element(kid):
            if not marks_content(kid):
                continue
            drop_empty(kid)
        kept.append(kid)
    node.K = Array(kept)


# --- Marked content and the parent tree ----------------------------------------------------------------

def renumber(element, renumbered: dict[int, dict[int, int]], pages: dict) -> None:
    """The element's MCIDs as the pages number them now."""
    own_page = pages[element.Pg.objgen] if "/Pg" in element else -1
    found = []
    for kid in kids(element):
        if isinstance(kid, int):
            kid = renumbered[own_page][kid]
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name("/MCR"):
            page = pages[kid.Pg.objgen] if "/Pg" in kid else own_page
            kid.MCID = renumbered[page][int(kid.MCID)]
        found.append(kid)
    if "/K" in element:
        element.K = Array(found)


def write_parent_tree(pdf, root, document, pages: dict) -> None:
    """The parent tree afresh from the tree: each page's MCIDs, then each annotation, to its element."""
    marks: dict[int, dict[int, Dictionary]] = {number: {} for number in range(len(pdf.pages))}
    annotations: list[tuple[Dictionary, Dictionary]] = []
    for element in elements(document):
        own_page = pages[element.Pg.objgen] if "/Pg" in element else -1
        for kid in kids(element):
            if isinstance(kid, int):
                marks[own_page][kid] = element
            elif kid.get("/Type") == Name("/MCR"):
                marks[pages[kid.Pg.objgen] if "/Pg" in kid else own_page][int(kid.MCID)] = element
            elif kid.get("/Type") == Name("/OBJR"):
                annotations.append((kid.Obj, element))
    nums: list = []
    for number, found in marks.items():
        nums += [number, Array([found[mcid] for mcid in range(len(found))])]  # every MCID, from 0
        pdf.pages[number].obj.StructParents = number
    for key, (annotation, element) in enumerate(annotations, start=len(pdf.pages)):
        annotation.StructParent = key
        nums += [key, element]
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = len(pdf.pages) + len(annotations)

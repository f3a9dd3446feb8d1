"""Mend the tag tree WeasyPrint 70 writes, so that it follows the leaflet rather than its pages.

WeasyPrint tags each page on its own: an element that runs on to the next
page (the main content, a section, a list, a list item, a paragraph) becomes
a second element there, and the running footers are tagged but left out of
the tree. The tree alone can't tell a paragraph continued at the top of a
page from a new one, but the layout can. So the tree is mended while
WeasyPrint writes the PDF, before any byte of it exists (`tags_mended`):

- as the footers and page numbers (WeasyPrint's margin boxes) are drawn,
  their marked content becomes /Artifact /Pagination, and no structure
  element is made for them; the rest of each page keeps its MCIDs, numbered
  from 0 in the order they are drawn;
- as the structure elements are made, each one made for a box notes the HTML
  element it was made for (a private key, ORIGIN);
- then, in the PDF objects that pydyf is about to write (`mend_tree`, passed
  to write_pdf as its finisher): the halves of every element a page or line
  break split are joined (same origin); a definition list's term and
  description become one item (Lbl, LBody), an aside the Sect it is, and
  each list says how it is numbered; structure elements that mark no content
  (an empty line to write on) are dropped; the parent tree is written afresh,
  so that every MCID and link annotation points to its element.

Elements left out of the tree stay in the file as empty dictionaries that
nothing refers to: pydyf has numbered every object already. Nothing depends
on time, so the same pages give the same bytes.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from pydyf import PDF, Array, Dictionary
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags
from weasyprint.pdf.stream import Stream

ORIGIN = "LeafletpressOrigin"  # (number, html tag), present only between making the elements and mending them
NUMBERING = {"ul": "/Disc", "ol": "/Decimal", "dl": "/None"}


@contextmanager
def tags_mended(pages) -> Iterator[None]:
    """While these laid-out pages are written, footers are artifacts and elements note their origin.

    Pass `mend_tree` as write_pdf's finisher in the block to finish the work.
    """
    footers = {box for page in pages.pages for margin_box in page._page_box.children
               if isinstance(margin_box, boxes.MarginBox) for box in margin_box.descendants(placeholders=True)}
    with footers_as_artifacts(footers), origins_recorded():
        yield


@contextmanager
def footers_as_artifacts(footers: set) -> Iterator[None]:
    """While PDFs are written in this block, what is drawn for these boxes is marked /Artifact /Pagination.

    WeasyPrint's Stream.marked (wrapped in engines/rtl.py too) still writes
    the content; its MCID is taken back at once, so the next mark gets it.
    """
    previous = Stream.marked

    @contextmanager
    def marked(stream, box, tag):
        start = len(stream.stream)
        with previous(stream, box, tag):
            if stream._tags is not None and box in footers:
                as_pagination(stream, start, stream._tags.pop(box)["mcid"])
            yield

    Stream.marked = marked
    try:
        yield
    finally:
        Stream.marked = previous


def as_pagination(stream, start: int, mcid: int) -> None:
    """Turn the `/Tag <</MCID mcid>> BDC` written from item start on into `/Artifact <</Type /Pagination>> BDC`."""
    for index in range(start + 1, len(stream.stream)):
        item = stream.stream[index]
        if isinstance(item, Dictionary) and item.get("MCID") == mcid:
            stream.stream[index - 1:index + 1] = ["/Artifact", Dictionary({"Type": "/Pagination"})]
            return
    raise AssertionError(f"no marked content with MCID {mcid} was written for a footer")


@contextmanager
def origins_recorded() -> Iterator[None]:
    """While WeasyPrint makes the tag tree, each structure element it makes for a box keeps its HTML element.

    Boxes of the same element on different pages (a paragraph split by a page
    break) get the same number; an element's own box and an anonymous box
    inside it (a list item and its body) differ by their structure type.
    Margin boxes get no element: footers_as_artifacts marked their content.
    """
    original = tags._build_box_tree
    numbers: dict[tuple[int, str, str], int] = {}

    def build_box_tree(box, parent, *args):
        if isinstance(box, boxes.MarginBox):
            return
        for element in original(box, parent, *args):
            html = getattr(box, "element", None)
            if html is not None and ORIGIN not in element:
                key = (id(html), box.element_tag, element["S"])
                element[ORIGIN] = (numbers.setdefault(key, len(numbers)), box.element_tag)
            yield element

    tags._build_box_tree = build_box_tree  # the function calls itself through the module: children too
    try:
        yield
    finally:
        tags._build_box_tree = original


def mend_tree(_document, pdf: PDF) -> None:
    """Mend the tag tree of the pydyf PDF WeasyPrint has made, before it is written (a write_pdf finisher)."""
    root = target(pdf, pdf.catalog["StructTreeRoot"])
    top = target(pdf, root["K"][0])
    made = resolve(pdf, top)
    join_halves(top)
    for element in list(elements(top)):
        retag(element)
    lift_link_objects(top)
    drop_empty(top)
    write_parent_tree(pdf, root, top)
    kept = refer(top, root)
    for number in made - kept:
        pdf.objects[number].clear()  # no longer in the tree, and referred to by nothing


# --- The tree, its kids named by the objects themselves while it is mended -----------------------------

def target(pdf: PDF, reference: bytes) -> Dictionary:
    """The object a reference (b"12 0 R") names."""
    return pdf.objects[int(reference.split(b" ", 1)[0])]


def resolve(pdf: PDF, element: Dictionary) -> set[int]:
    """Name each kid under element by its object rather than its reference: each element's number."""
    element["K"] = Array([target(pdf, kid) if isinstance(kid, bytes) else kid for kid in element.get("K", [])])
    made = {element.number}
    for kid in kids(element):
        if is_element(kid):
            made |= resolve(pdf, kid)
    return made


def refer(element: Dictionary, parent: Dictionary) -> set[int]:
    """Name each kid under element by its reference again, and each element's parent: each element's number."""
    kept = {element.number}
    for kid in kids(element):
        if is_element(kid):
            kept |= refer(kid, element)
    element.pop(ORIGIN, None)
    element["P"] = parent.reference
    element["K"] = Array([kid.reference if isinstance(kid, Dictionary) and kid.number is not None else kid
                          for kid in kids(element)])
    return kept


def kids(element) -> list:
    return element.get("K", [])


def is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("Type") not in ("/MCR", "/OBJR")


def elements(node) -> Iterator[Dictionary]:
    """Every structure element under node (node included), in document order."""
    yield node
    for kid in kids(node):
        if is_element(kid):
            yield from elements(kid)


def html_tag(element) -> str:
    return element[ORIGIN][1] if ORIGIN in element else ""


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
    node["K"] = Array(joined)
    for kid in joined:
        if is_element(kid):
            join_halves(kid)


def same_origin(first, second) -> bool:
    return ORIGIN in first and ORIGIN in second and first[ORIGIN] == second[ORIGIN]


def absorb(first, second) -> None:
    """Move second's kids into first; an MCID of another page becomes a marked-content reference."""
    page = second.get("Pg")
    other_page = page is not None and page != first.get("Pg")
    first["K"] = Array([*kids(first), *(Dictionary({"Type": "/MCR", "Pg": page, "MCID": kid})
                                        if isinstance(kid, int) and other_page else kid for kid in kids(second))])


# --- What each element is ------------------------------------------------------------------------------

def retag(element) -> None:
    """An aside is a Sect; a definition list's items are Lbl and LBody; every list says how it is numbered."""
    tag = html_tag(element)
    if tag == "aside":
        element["S"] = "/Sect"
    if element["S"] == "/L" and tag in NUMBERING:
        element["A"] = Dictionary({"O": "/List", "ListNumbering": NUMBERING[tag]})
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
            body["S"] = "/Lbl"
            paired.append(item)
        elif html_tag(item) == "dd" and paired and is_element(paired[-1]) and html_tag(paired[-1]) == "dt":
            term = paired[-1]
            term["K"] = Array([*kids(term), *kids(item)])
        else:
            paired.append(item)
    definition_list["K"] = Array(paired)


def lift_link_objects(node, link=None) -> None:
    """An annotation WeasyPrint made for an element inside a link (a span in an address) goes to that Link.

    Its own element would otherwise hold a link that no Link element names.
    """
    for element in [kid for kid in kids(node) if is_element(kid)]:
        if element["S"] == "/Link":
            lift_link_objects(element, element)
            continue
        moved = [kid for kid in kids(element) if isinstance(kid, Dictionary) and kid.get("Type") == "/OBJR"]
        if link is not None and moved:
            element["K"] = Array([kid for kid in kids(element) if not any(kid is objr for objr in moved)])
            link["K"] = Array([*kids(link), *moved])
        lift_link_objects(element, link)


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
    node["K"] = Array(kept)


# --- The parent tree -----------------------------------------------------------------------------------

def write_parent_tree(pdf: PDF, root: Dictionary, top: Dictionary) -> None:
    """The parent tree afresh from the tree: each page's MCIDs, then each annotation, to its element."""
    pages = {reference: number for number, reference in enumerate(pdf.page_references)}
    marks: dict[int, dict[int, Dictionary]] = {number: {} for number in pages.values()}
    annotations: list[tuple[bytes, Dictionary]] = []  # (the annotation's reference, its element)
    for element in elements(top):
        for kid in kids(element):
            if isinstance(kid, int):
                marks[pages[element["Pg"]]][kid] = element
            elif is_element(kid):
                continue
            elif kid["Type"] == "/MCR":
                marks[pages[kid["Pg"]]][kid["MCID"]] = element
            else:
                annotations.append((kid["Obj"], element))
    nums = Array()
    for number, found in marks.items():
        nums += [number, Array([found[mcid].reference for mcid in range(len(found))])]  # every MCID, from 0
    for key, (annotation, element) in enumerate(annotations, start=len(pages)):
        target(pdf, annotation)["StructParent"] = key
        nums += [key, element.reference]
    target(pdf, root["ParentTree"])["Nums"] = nums
    root["ParentTreeNextKey"] = len(pages) + len(annotations)

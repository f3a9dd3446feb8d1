"""The one source of layout values: type sizes, spacing, colours, paper and footer, as named tokens.

Change a value here and both engines move: the HTML engine's stylesheet
(templates/leaflet.css) reads every token as a CSS custom property
(`var(--paragraph-gap)`), written by `Style.css_properties`, and the ReportLab
engine computes its styles from the same `Style`. Neither engine restates a
number. Lengths are in points; a token that follows the text size (a gap of
0.75 em after a paragraph) is computed here from the print size, once.

Clear print (UKAAF, RNIB): the smallest text anywhere is 12 pt (16 pt in large
print), line spacing about 1.5, black on white, contrast above 7:1.
"""

from dataclasses import dataclass, field, fields

MM = 72 / 25.4  # points in a millimetre


@dataclass(frozen=True)
class PrintSize:
    """Type sizes in points and margins in millimetres for one print size.

    The smallest size is used for everything that is not body text or a
    heading: footer, page numbers, captions, credits.
    """

    name: str
    body: float
    smallest: float
    title: float
    heading: float
    subheading: float
    leading: float
    margin: float
    figure_width: float  # share of the text column beside the text
    stacked_picture: float  # share of the column a picture set above its text takes
    note_lines: int  # ruled lines in the notes box
    question_lines: int  # lines for the patient's own questions

    @property
    def bottom_margin(self) -> float:
        """Millimetres below the text: the margin plus room for the running footer."""
        return self.margin + self.smallest * 0.9


PRINT_SIZES = {
    "standard": PrintSize("standard", body=13, smallest=12, title=28, heading=19, subheading=15,
                          leading=1.5, margin=18, figure_width=0.46, stacked_picture=1.0, note_lines=20,
                          question_lines=4),
    "large": PrintSize("large", body=18, smallest=16, title=34, heading=25, subheading=21,
                       leading=1.5, margin=16, figure_width=1.0, stacked_picture=0.72, note_lines=13,
                       question_lines=3),
}


@dataclass(frozen=True)
class Paper:
    name: str
    width: float  # millimetres
    height: float


PAPERS = {
    "a4": Paper("a4", 210, 297),
    "letter": Paper("letter", 215.9, 279.4),
    "a5": Paper("a5", 148, 210),
}

#: A booklet's pages are half its sheet: folded A4 makes A5, folded Letter half-letter.
BOOKLET_PAGES = {
    "a4": PAPERS["a5"],
    "letter": Paper("half-letter", 139.7, 215.9),
}

#: Pages narrower than this (mm) put a figure above its text: beside it, the text would be too narrow.
NARROW_PAGE = 180


def token(doc: str, unit: str = "pt"):
    """A layout value with what it is for; unit '' for colours and plain numbers, '%' for a share."""
    return field(metadata={"doc": doc, "unit": unit})


@dataclass(frozen=True)
class Style:
    """Every layout value of one print size, each a token both engines read."""

    # Type
    body: float = token("Body text size.")
    smallest: float = token("Smallest text: footer, page numbers, captions, credits, the About box.")
    title: float = token("The leaflet's title.")
    heading: float = token("Section headings.")
    subheading: float = token("Subheadings, the subtitle and the About box's heading.")
    leading: float = token("Line height of body text, as a multiple of its size.", "")
    title_leading: float = token("Line height of the title, as a multiple of its size.", "")
    heading_leading: float = token("Line height of headings, as a multiple of their size.", "")
    caption_leading: float = token("Line height of captions and credits, as a multiple of their size.", "")
    # Text blocks
    paragraph_gap: float = token("Space after a paragraph and after a list.")
    item_gap: float = token("Space between list items.")
    list_indent: float = token("Indent of list items; the marker hangs in it.")
    heading_before: float = token("Space above a section heading.")
    heading_after: float = token("Space below a section heading.")
    subheading_before: float = token("Space above a subheading.")
    subheading_after: float = token("Space below a subheading.")
    # Title block
    title_gap: float = token("Space below the title, the subtitle and the clinic banner's lines.")
    notice_gap: float = token("Space above the translation notice and the partial-handout line.")
    title_rule: float = token("Thickness of the accent rule under the title block.")
    title_rule_gap: float = token("Space between the title block's text and its rule.")
    title_block_gap: float = token("Space between the title block's rule and the first section.")
    warning_border: float = token("Border of a notice that must be seen (draft, review overdue).")
    warning_padding_block: float = token("Padding above and below a notice's text.")
    warning_padding_inline: float = token("Padding beside a notice's text.")
    warning_gap: float = token("Space below a notice.")
    banner_gap: float = token("Space between the clinic's logo and name, and below the banner.")
    logo_height: float = token("Height of the clinic's logo.")
    # Figures
    figure_width: float = token("Share of the text column a figure takes beside its text (0-1).", "%")
    stacked_picture: float = token("Share of the column a picture above its text takes; its caption takes the "
                                   "whole width. Large print keeps pictures smaller than the page, so a page "
                                   "is not left half empty for one.", "%")
    figure_gap: float = token("Space between a figure and the text beside it.")
    figure_stacked_gap: float = token("Space below a figure set above its text.")
    figure_border: float = token("The thin frame around a picture.")
    caption_gap: float = token("Space between a picture and its caption.")
    credit_gap: float = token("Space between a caption and the picture's credit.")
    # Boxes: care team, About, notes
    box_border: float = token("Border of the care-team, About and notes boxes.")
    box_padding_block: float = token("Padding above and below a box's content.")
    box_padding_inline: float = token("Padding beside a box's content.")
    box_gap: float = token("Space above a box.")
    clinic_name_gap: float = token("Space below the clinic's name in the care-team box.")
    write_in_gap: float = token("Space between a label and its line to write on, or its value.")
    write_in_height: float = token("Height of a line to write on.")
    rule: float = token("Thickness of a line to write on.")
    about_gap: float = token("Space after a paragraph in the About box.")
    about_heading_after: float = token("Space below the About box's heading.")
    sources_heading_before: float = token("Space above the 'Sources' heading in the About box.")
    sources_heading_after: float = token("Space below the 'Sources' heading.")
    sources_indent: float = token("Indent of the list of sources.")
    source_gap: float = token("Space between sources.")
    sources_after: float = token("Space after the list of sources.")
    qr_size: float = token("Width and height of the QR code, quiet zone included.")
    qr_gap: float = token("Space between the QR code and the address beside it.")
    online_gap: float = token("Space above and below the QR code's row.")
    # Page
    margin: float = token("Page margin on the top and the sides.")
    bottom_margin: float = token("Page margin at the bottom, with room for the running footer.")
    footer_gap: float = token("Space between the text column and the running footer.")
    footer_title_share: float = token("Share of the width the footer's title may take (0-1).", "")
    note_lines: int = token("Ruled lines in the notes box.", "")
    question_lines: int = token("Lines to write on in the box for the patient's questions.", "")
    # Colours
    ink: str = token("Text, and the borders of what must be seen (notices, urgent help, lines to write on): "
                     "black, 21:1 on white.", "")
    background: str = token("The page behind the text: white, as the paper it prints on (ReportLab draws none).", "")
    accent: str = token("Headings, the title, rules, list markers: 9.6:1 on white (WCAG AAA).", "")
    warning_background: str = token("Behind a notice that must be seen: black on pale yellow.", "")
    frame: str = token("Picture frames and the About box's border.", "")
    credit: str = token("Picture credits: 12.6:1 on white.", "")

    @classmethod
    def of(cls, size: PrintSize) -> "Style":
        body, small, heading, subheading = size.body, size.smallest, size.heading, size.subheading
        return cls(
            body=body, smallest=small, title=size.title, heading=heading, subheading=subheading,
            leading=size.leading, title_leading=1.2, heading_leading=1.25, caption_leading=1.35,
            paragraph_gap=0.75 * body, item_gap=0.25 * body, list_indent=1.3 * body,
            heading_before=1.1 * heading, heading_after=0.4 * heading,
            subheading_before=0.9 * subheading, subheading_after=0.3 * subheading,
            title_gap=2 * MM, notice_gap=2 * MM, title_rule=3, title_rule_gap=4 * MM, title_block_gap=6 * MM,
            warning_border=2, warning_padding_block=2 * MM, warning_padding_inline=3 * MM, warning_gap=4 * MM,
            banner_gap=4 * MM, logo_height=14 * MM,
            figure_width=size.figure_width, stacked_picture=size.stacked_picture, figure_gap=6 * MM,
            figure_stacked_gap=5 * MM, figure_border=1, caption_gap=2 * MM, credit_gap=1 * MM,
            box_border=1.5, box_padding_block=4 * MM, box_padding_inline=5 * MM, box_gap=8 * MM,
            clinic_name_gap=0.2 * body, write_in_gap=4 * MM, write_in_height=2.2 * body, rule=1,
            about_gap=0.4 * small, about_heading_after=0.4 * subheading, sources_heading_before=0.5 * small,
            sources_heading_after=0.3 * small, sources_indent=1.2 * small, source_gap=0.25 * small,
            sources_after=0.75 * small,
            qr_size=26 * MM, qr_gap=5 * MM, online_gap=3 * MM,
            margin=size.margin * MM, bottom_margin=size.bottom_margin * MM, footer_gap=3 * MM,
            footer_title_share=0.68, note_lines=size.note_lines, question_lines=size.question_lines,
            ink="#000000", background="#ffffff", accent="#1a4d7a", warning_background="#fff3b0", frame="#666666",
            credit="#333333",
        )

    def css_properties(self) -> str:
        """Every token as a CSS custom property: `--paragraph-gap: 9.75pt;` and so on."""
        lines = []
        for token_field in fields(self):
            value, unit = getattr(self, token_field.name), token_field.metadata["unit"]
            if unit == "%":  # a share, written as a percentage
                value, unit = value * 100, "%"
            shown = f"{value:.6g}{unit}" if isinstance(value, (int, float)) else value
            lines.append(f"--{token_field.name.replace('_', '-')}: {shown};")
        return " ".join(lines)


STYLES = {name: Style.of(size) for name, size in PRINT_SIZES.items()}

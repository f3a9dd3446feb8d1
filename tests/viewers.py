"""A PDF page drawn by the four renderers patients' software is built on, and how alike the drawings are.

Poppler (Evince, Okular, pdftoppm), MuPDF (SumatraPDF, many phone readers),
Ghostscript (CUPS print queues) and pdfium (Chrome, Edge). Each gives a grey
page image and what it said on stderr; a glyph it can't load is a warning
there, a font it can't read a blank or a row of .notdef boxes in the picture.
"""

import itertools
import subprocess
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image, ImageFilter

DPI = 100  # low enough to be quick, fine enough that a .notdef box doesn't look like a character
HARMLESS = ("warning: ICC support is not available",)  # how Debian builds MuPDF, not a problem of the file


def draw_poppler(pdf: Path, page: int, folder: Path) -> tuple[Image.Image, str]:
    run = subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", str(page), "-l", str(page), "-singlefile",
                          str(pdf), str(folder / "poppler")], capture_output=True, text=True)
    return _image(folder / "poppler.pgm", run), run.stderr


def draw_mupdf(pdf: Path, page: int, folder: Path) -> tuple[Image.Image, str]:
    target = folder / "mupdf.pgm"
    run = subprocess.run(["mutool", "draw", "-q", "-r", str(DPI), "-c", "gray", "-o", str(target), str(pdf), str(page)],
                         capture_output=True, text=True)
    return _image(target, run), run.stderr


def draw_ghostscript(pdf: Path, page: int, folder: Path) -> tuple[Image.Image, str]:
    target = folder / "ghostscript.pgm"
    run = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pgmraw", f"-r{DPI}",
                          "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",  # smoothed, as the others draw
                          f"-dFirstPage={page}", f"-dLastPage={page}", "-o", str(target), str(pdf)],
                         capture_output=True, text=True)
    return _image(target, run), run.stdout + run.stderr  # Ghostscript reports font errors on stdout


def draw_pdfium(pdf: Path, page: int, folder: Path) -> tuple[Image.Image, str]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return document[page - 1].render(scale=DPI / 72, grayscale=True).to_pil().convert("L"), ""
    finally:
        document.close()


RENDERERS = {"Poppler": draw_poppler, "MuPDF": draw_mupdf, "Ghostscript": draw_ghostscript, "pdfium": draw_pdfium}


def _image(path: Path, run: subprocess.CompletedProcess) -> Image.Image:
    assert run.returncode == 0 and path.exists(), f"{run.args[0]} failed: {run.stderr or run.stdout}"
    with Image.open(path) as image:
        return image.convert("L")


def draw_everywhere(pdf: Path, page: int) -> tuple[dict[str, Image.Image], dict[str, list[str]]]:
    """The page (1-based) drawn by each renderer, and what each said beyond the harmless."""
    images, said = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for name, draw in RENDERERS.items():
            images[name], stderr = draw(pdf, page, Path(folder))
            said[name] = [line for line in stderr.splitlines() if line.strip() and line not in HARMLESS]
    return images, said


def ink(image: Image.Image) -> float:
    """The share of the page's pixels that are dark."""
    histogram = image.histogram()
    return sum(histogram[:128]) / sum(histogram)


def likeness(first: Image.Image, second: Image.Image) -> float:
    """How alike two drawings of a page are: the correlation of their pixels, blurred a little and
    shrunk three times, so that smoothing and a pixel's shift count for little and a missing or
    boxed character for much (1 = the same; a page whose Chinese drew as boxes scores about 0.8)."""
    second = second.resize(first.size, Image.Resampling.BILINEAR)  # Ghostscript may round a pixel off
    size = (first.width // 3, first.height // 3)
    xs, ys = (list(image.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BOX).get_flattened_data())
              for image in (first, second))
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    spread = (sum((x - mean_x) ** 2 for x in xs) * sum((y - mean_y) ** 2 for y in ys)) ** 0.5
    return covariance / spread if spread else float(xs == ys)


def least_alike(images: dict[str, Image.Image]) -> tuple[float, str]:
    """The lowest likeness between any two renderers' drawings, and which two."""
    return min((likeness(images[a], images[b]), f"{a} and {b}") for a, b in itertools.combinations(images, 2))

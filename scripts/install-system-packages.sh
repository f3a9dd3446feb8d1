#!/bin/sh
# Install the Debian/Ubuntu packages the project needs, only those missing.
#   sh scripts/install-system-packages.sh        what building PDFs needs
#   sh scripts/install-system-packages.sh test   what the tests need besides
# WeasyPrint lays text out with Pango and HarfBuzz; without libharfbuzz-subset0
# it falls back to a font subsetter several times slower. Chinese is printed
# with Noto Sans CJK SC from fonts-noto-cjk. Braille (build --format brf) is
# translated by liblouis (liblouis20) with its tables (liblouis-data). The tests
# open build/index.html in headless Chromium (the web page's browser tests drive
# it through chromium-driver), and draw the PDFs with Poppler,
# MuPDF and Ghostscript (and pdfium, from pip) to see that every viewer and
# printer draws the same page.
set -eu

packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-noto-cjk \
    liblouis20 liblouis-data"
if [ "${1:-}" = "test" ]; then
    packages="chromium chromium-driver poppler-utils mupdf-tools ghostscript"
fi

missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages:$missing (install them with your package manager)" >&2
    exit 2
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing system packages:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing

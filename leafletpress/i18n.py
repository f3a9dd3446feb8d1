"""Fixed wording through gettext catalogs, and dates written the way each locale writes them.

Catalogs live in templates/locale/<locale>/LC_MESSAGES/messages.po; `make
catalogs` compiles them to .mo. A catalog whose .mo is missing or older than
its .po is compiled in memory, so a fresh edit is never printed in English.
"""

from datetime import date
from functools import cache
from io import BytesIO

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from .project import TEMPLATES

CATALOGS = TEMPLATES / "locale"
DOMAIN = "messages"


def babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def catalog_folder(lang: str):
    return CATALOGS / str(babel_locale(lang)) / "LC_MESSAGES"


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog for a language; English (the msgids themselves) when there is none."""
    folder = catalog_folder(lang)
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.exists():
        return NullTranslations()
    if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        with mo.open("rb") as stream:
            return Translations(stream, DOMAIN)
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=babel_locale(lang))
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, DOMAIN)


def format_date(value: date, lang: str) -> str:
    return babel_format_date(value, format="long", locale=babel_locale(lang))


def direction(lang: str) -> str:
    return "rtl" if babel_locale(lang).character_order == "right-to-left" else "ltr"

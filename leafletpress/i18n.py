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


def known_locale(name: str) -> bool:
    """Whether Babel knows the locale (en-GB, es-419, zh-Hans-CN ...)."""
    try:
        Locale.parse(name.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


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


def format_date(value: date, locale: str) -> str:
    """A date the way the locale writes it: 24 November 2026 (en-GB), November 24, 2026 (en-US)."""
    return babel_format_date(value, format="long", locale=babel_locale(locale))


def format_list(items: list[str], locale: str) -> str:
    """'English, español and العربية', with the locale's own commas and 'and' (Chinese: 、和)."""
    from babel.lists import format_list as babel_format_list

    return babel_format_list(items, locale=babel_locale(locale))


def language_name(lang: str, reader: str | None = None) -> str:
    """A language's name in the reader's language (in itself when no reader is given):
    inglés, árabe; español, العربية; Chinese with its own brackets: 中文（简体）."""
    name = babel_locale(lang).get_display_name(babel_locale(reader or lang)) or lang
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        name = name.replace(" (", "（").replace("(", "（").replace(")", "）")
    return name


def direction(lang: str) -> str:
    return "rtl" if babel_locale(lang).character_order == "right-to-left" else "ltr"

"""Fixed wording through gettext catalogs, and dates written the way each locale writes them."""

from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.support import NullTranslations, Translations

from . import PROJECT

CATALOGS = PROJECT / "templates" / "locale"
DOMAIN = "messages"


def babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalog for a language; English (the msgids) when there is none."""
    return Translations.load(str(CATALOGS), [str(babel_locale(lang))], DOMAIN)


def format_date(value: date, lang: str) -> str:
    return babel_format_date(value, format="long", locale=babel_locale(lang))


def direction(lang: str) -> str:
    return "rtl" if babel_locale(lang).character_order == "right-to-left" else "ltr"

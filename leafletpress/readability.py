"""Readability per section and language, with textstat: the formula that fits each language.

Headings and list items are scored as sentences of their own; otherwise a
bulleted list would read as one endless sentence. textstat is pinned to
0.7.3, which counts syllables with pyphen alone and works offline.
"""

import re
from dataclasses import dataclass

from .model import ListBlock, Paragraph, Section, Subheading

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Formula:
    name: str
    function: str  # textstat's function name
    target: float
    higher_is_easier: bool

    def meets(self, value: float) -> bool:
        return value >= self.target if self.higher_is_easier else value <= self.target

    def describe_target(self) -> str:
        return f"{'≥' if self.higher_is_easier else '≤'} {self.target:g}"


#: NIH asks for grade 8 or below in English. For Spanish, the Szigriszt-Pazos
#: score read on the INFLESZ scale, validated on texts for patients
#: (Barrio-Cantalejo et al., 2008): 55 and above is "normal" or easier.
FORMULAS = {
    "en": Formula("Flesch–Kincaid grade", "flesch_kincaid_grade", 8, higher_is_easier=False),
    "es": Formula("Szigriszt-Pazos (INFLESZ)", "szigriszt_pazos", 55, higher_is_easier=True),
}


@dataclass(frozen=True)
class Score:
    section: Section
    formula: Formula
    value: float
    words_per_sentence: float
    hardest: tuple[str, ...]  # the hardest sentences, hardest first

    @property
    def meets_target(self) -> bool:
        return self.formula.meets(self.value)


def formula_for(lang: str) -> Formula | None:
    return FORMULAS.get(lang.split("-")[0].lower())


def sentences(section: Section) -> list[str]:
    """The section's text as sentences: heading, subheadings and list items each count as one."""
    found = [section.heading]
    for block in section.blocks:
        match block:
            case Paragraph(runs=runs):
                found += SENTENCE_END.split(_plain(runs))
            case ListBlock(items=items):
                found += [_plain(item) for item in items]
            case Subheading(text=text):
                found.append(text)
    return [s.strip() for s in found if s.strip()]


def _plain(runs) -> str:
    return " ".join("".join(run.text for run in runs).split())


def _as_sentence(text: str) -> str:
    return text if text[-1] in ".!?" else text.rstrip(":;,") + "."


def measure(text: str, lang: str, formula: Formula) -> float:
    import textstat

    textstat.set_lang(lang.split("-")[0].lower())
    return float(getattr(textstat, formula.function)(text))


def score(section: Section, lang: str) -> Score | None:
    """The section's readability in its language, or None where there is no formula for it."""
    formula = formula_for(lang)
    if formula is None:
        return None
    parts = [_as_sentence(s) for s in sentences(section)]
    value = measure(" ".join(parts), lang, formula)
    words = sum(len(part.split()) for part in parts)
    return Score(section, formula, round(value, 1), round(words / len(parts), 1),
                 hardest(parts, lang, formula))


def hardest(parts: list[str], lang: str, formula: Formula, count: int = 2) -> tuple[str, ...]:
    """The sentences that pull the score down most; one long word alone is not a sentence to fix."""
    sign = -1 if formula.higher_is_easier else 1
    candidates = [s for s in dict.fromkeys(parts) if len(s.split()) >= 5] or list(dict.fromkeys(parts))
    ranked = sorted(candidates, key=lambda s: (sign * measure(s, lang, formula), len(s.split())),
                    reverse=True)
    return tuple(ranked[:count])

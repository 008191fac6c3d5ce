"""Plain-English explanations of the legal words a victim meets, and `link_terms`, which links
those words in update text to the glossary page.

The explanations describe the process and never the victim's conduct (TRAUMA_INFORMED.md
rule 21). `link_terms` escapes the text before it adds any markup, so update text written by
staff or sent by a partner system can never inject HTML. Welsh text is linked on the terms'
Welsh names (their translations), with the mutated forms of their first letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from notifications.welsh import mutations

__all__ = ["GLOSSARY", "GLOSSARY_PATH", "Term", "link_terms", "term"]

GLOSSARY_PATH = "/information/glossary"


@dataclass(frozen=True)
class Term:
    slug: str
    name: object  # the heading, a lazy string
    explanation: object
    matches: tuple[str, ...]  # English phrases linked in English text (the name and variants)

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"

    @property
    def href(self) -> str:
        return f"{GLOSSARY_PATH}#{self.anchor}"


def _t(slug: str, name: object, english: str, explanation: object, *also: str) -> Term:
    """A term: its translated name, and the English phrases (`english` and `also`) to link."""
    return Term(slug, name, explanation, (english, *also))


GLOSSARY: tuple[Term, ...] = tuple(
    sorted(
        (
            _t(
                "acquittal",
                _l("acquittal"),
                "acquittal",
                _l(
                    "When a court finds the defendant not guilty. It means the jury or "
                    "magistrates were not sure enough to convict. It is not a finding that you "
                    "were not telling the truth."
                ),
                "acquitted",
            ),
            _t(
                "adjournment",
                _l("adjournment"),
                "adjournment",
                _l(
                    "When a hearing or trial is put off to a later date. The court should give "
                    "a reason, and you should be told it, along with what happens next."
                ),
                "adjourned",
                "adjournments",
            ),
            _t(
                "bail",
                _l("bail"),
                "bail",
                _l(
                    "When a suspect or defendant is released while the case continues, on the "
                    "promise that they will come back to the police station or court when told. "
                    "Bail can come with conditions. Breaking bail can lead to arrest."
                ),
            ),
            _t(
                "bail-conditions",
                _l("bail conditions"),
                "bail conditions",
                _l(
                    "Rules a person on bail must follow, such as not contacting you or not "
                    "going to certain places. You should be told about conditions that protect "
                    "you. If they are broken, call 999 in an emergency or tell the police."
                ),
            ),
            _t(
                "charge",
                _l("charge"),
                "charge",
                _l(
                    "A formal accusation that a person committed a crime. Once a suspect is "
                    "charged, the case goes to court, and they are called the defendant."
                ),
                "charged",
                "charges",
            ),
            _t(
                "cps",
                _l("CPS"),
                "CPS",
                _l(
                    "The Crown Prosecution Service. Its lawyers, called prosecutors, decide "
                    "whether a suspect is charged with a serious crime, and they present the "
                    "case in court. They do not represent you personally, but they must keep "
                    "you informed."
                ),
                "Crown Prosecution Service",
            ),
            _t(
                "defendant",
                _l("defendant"),
                "defendant",
                _l("The person charged with a crime, once the case is going to court."),
            ),
            _t(
                "early-advice",
                _l("early advice"),
                "early advice",
                _l(
                    "When the police ask the CPS for advice during an investigation, before a "
                    "charging decision. It helps the police find the right evidence. The CPS "
                    "aims to give early advice within 21 days."
                ),
            ),
            _t(
                "evidence",
                _l("evidence"),
                "evidence",
                _l(
                    "The information a court can use to decide a case. It includes what "
                    "witnesses say, documents, messages, medical and forensic results, and "
                    "what the suspect said in interview."
                ),
            ),
            _t(
                "hearing",
                _l("hearing"),
                "hearing",
                _l(
                    "A time when a court meets to deal with part of a case. Most hearings "
                    "before a trial are short, and you do not usually need to go to them."
                ),
                "hearings",
            ),
            _t(
                "intermediary",
                _l("intermediary"),
                "intermediary",
                _l(
                    "A trained specialist who helps a witness understand questions and be "
                    "understood when giving evidence. An intermediary is one of the special "
                    "measures a court can allow."
                ),
            ),
            _t(
                "isva",
                _l("ISVA"),
                "ISVA",
                _l(
                    "An Independent Sexual Violence Adviser. An ISVA gives you support and "
                    "information from report to after the trial, and can speak up for you. "
                    "They are independent of the police and the courts."
                ),
                "Independent Sexual Violence Adviser",
            ),
            _t(
                "licence-conditions",
                _l("licence conditions"),
                "licence conditions",
                _l(
                    "Rules a person must follow after they are released from prison, until "
                    "their sentence ends. They can include not contacting you or not going to "
                    "an area. Breaking them can mean a return to prison."
                ),
                "licence",
            ),
            _t(
                "no-further-action",
                _l("no further action"),
                "no further action",
                _l(
                    "A decision by the police or the CPS that the suspect will not be charged, "
                    "at least for now. You can ask for this decision to be reviewed under the "
                    "Victims' Right to Review scheme."
                ),
                "NFA",
            ),
            _t(
                "not-guilty-plea",
                _l("not guilty plea"),
                "not guilty plea",
                _l(
                    "When a defendant tells the court they deny the charge. It means there "
                    "will be a trial, and you will probably be asked to give evidence."
                ),
                "pleaded not guilty",
                "pleads not guilty",
            ),
            _t(
                "parole-board",
                _l("Parole Board"),
                "Parole Board",
                _l(
                    "An independent body that decides whether some people in prison can be "
                    "safely released. If you are in the Victim Contact Scheme, you can make a "
                    "statement for the Parole Board to read."
                ),
            ),
            _t(
                "plea",
                _l("plea"),
                "plea",
                _l(
                    "The defendant's answer to each charge in court: guilty or not guilty. A "
                    "guilty plea means there is no trial for that charge."
                ),
                "pleas",
                "pleaded",
            ),
            _t(
                "pre-trial-therapy",
                _l("pre-trial therapy"),
                "pre-trial therapy",
                _l(
                    "Counselling or therapy before a trial. You can have therapy at any time. "
                    "It is your choice, and nobody should tell you to wait until after the "
                    "trial."
                ),
                "therapy",
                "counselling",
            ),
            _t(
                "released-under-investigation",
                _l("released under investigation"),
                "released under investigation",
                _l(
                    "When the police release a suspect without bail while they keep "
                    "investigating. There are no bail conditions. It does not mean the police "
                    "have stopped investigating."
                ),
                "RUI",
            ),
            _t(
                "sentence",
                _l("sentence"),
                "sentence",
                _l(
                    "The punishment a judge gives someone found guilty, such as prison or a "
                    "community order. Judges must follow sentencing guidelines."
                ),
                "sentenced",
                "sentences",
            ),
            _t(
                "special-measures",
                _l("special measures"),
                "special measures",
                _l(
                    "Support that helps you give evidence, such as a screen so you do not see "
                    "the defendant, a video link from another room, or recording your evidence "
                    "before the trial. The judge decides which to allow."
                ),
            ),
            _t(
                "suspect",
                _l("suspect"),
                "suspect",
                _l(
                    "The person the police believe may have committed the crime, before any "
                    "charge. Once charged, they are called the defendant."
                ),
            ),
            _t(
                "trial",
                _l("trial"),
                "trial",
                _l(
                    "The court hearing where the evidence is heard and the jury (or, in a "
                    "magistrates' court, the magistrates) decide whether the defendant is "
                    "guilty. A trial can last several days."
                ),
                "trials",
            ),
            _t(
                "unduly-lenient-sentence-scheme",
                _l("Unduly Lenient Sentence scheme"),
                "Unduly Lenient Sentence scheme",
                _l(
                    "A way to ask the Attorney General's Office to look at a sentence you "
                    "think is too low. Your request must reach them within 28 days of the "
                    "sentence. This limit cannot be extended. Only some crimes and courts are "
                    "covered."
                ),
                "unduly lenient sentence",
            ),
            _t(
                "verdict",
                _l("verdict"),
                "verdict",
                _l(
                    "The decision at the end of a trial: guilty or not guilty, for each charge. "
                    "In the Crown Court, a jury decides."
                ),
                "verdicts",
            ),
            _t(
                "officer-in-charge",
                _l("officer in charge"),
                "officer in charge",
                _l(
                    "The police officer who leads the investigation of your case. They, or the "
                    "officer they name, are your main police contact until the case goes to "
                    "court."
                ),
                "officer in charge of the case",
                "officer in charge of your case",
            ),
            _t(
                "victim-contact-scheme",
                _l("Victim Contact Scheme"),
                "Victim Contact Scheme",
                _l(
                    "A Probation Service scheme for victims when the sentence is 12 months or "
                    "more. You can be told about important stages, such as release, and ask "
                    "for licence conditions that protect you."
                ),
            ),
            _t(
                "victim-liaison-officer",
                _l("Victim Liaison Officer"),
                "Victim Liaison Officer",
                _l(
                    "Your contact at the Probation Service if you join the Victim Contact "
                    "Scheme. They keep you informed about the sentence and release."
                ),
            ),
            _t(
                "victim-personal-statement",
                _l("Victim Personal Statement"),
                "Victim Personal Statement",
                _l(
                    "Your chance to say, in your own words, how the crime has affected you. "
                    "The judge reads it before sentencing. You can ask to read it out in "
                    "court, or to have someone read it for you."
                ),
            ),
            _t(
                "victims-right-to-review",
                _l("Victims' Right to Review"),
                "Victims' Right to Review",
                _l(
                    "Your right to ask the police or the CPS to look again at a decision not "
                    "to charge the suspect, or to stop the case. Someone who was not involved "
                    "in the first decision does the review. It is best to ask within 10 "
                    "working days, and within 3 months at most."
                ),
            ),
            _t(
                "witness-care-unit",
                _l("Witness Care Unit"),
                "Witness Care Unit",
                _l(
                    "A team run by the police and the CPS that keeps you informed once a case "
                    "is going to court. They tell you about hearings and the trial, and arrange "
                    "support for giving evidence."
                ),
                "WCU",
            ),
        ),
        key=lambda t: t.slug,
    )
)

_BY_SLUG = {t.slug: t for t in GLOSSARY}

# Everyday phrases that contain a glossary word in another sense ("in charge of" is not a
# criminal charge). Matched as whole phrases like terms, so they win over the shorter term
# inside them, and left unlinked.
NOT_TERMS: tuple[str, ...] = ("in charge of", "free of charge", "take charge", "took charge")


def term(slug: str) -> Term:
    return _BY_SLUG[slug]


def _phrase_pattern(phrase: str) -> str:
    """A regex for `phrase` (a `_key`) as it appears in *escaped* text: spaces match any
    whitespace and an apostrophe matches a straight (escaped as &#39;) or a curly one."""
    parts = []
    for word in phrase.split():
        escaped = re.escape(str(escape(word)))
        parts.append(escaped.replace(re.escape("&#39;"), "(?:&\\#39;|’)"))
    return r"\s+".join(parts)


# Welsh articles dropped from the front of a term's Welsh name ("y Bwrdd Parôl"), so the term
# is still found after "i'r"; mutated forms that are everyday words in their own right ("ble",
# where, is "ple" softened).
_CY_ARTICLES = ("y", "yr")
_CY_NOT_TERMS = frozenset({"ble"})
_CY_FIXED = ("ch", "dd", "ff", "ng", "ph", "th")  # letters that never mutate


def _key(phrase: str) -> str:
    """The form a phrase is looked up by: lower case, one space, straight apostrophes."""
    return " ".join(phrase.replace("’", "'").split()).lower()


def _welsh_phrases(name: str) -> tuple[str, ...]:
    """A term's Welsh name as it can appear in running text: without a leading article, and
    with the first letter mutated (soft, nasal, aspirate, h- before a vowel: "ei ddedfryd",
    "fy nhreial"), except for acronyms (CPS, ISVA), which never mutate."""
    words = name.split()
    if len(words) > 1 and words[0].lower() in _CY_ARTICLES:
        words = words[1:]
    phrase = _key(" ".join(words))
    if not words or words[0].isupper() or phrase.startswith(_CY_FIXED):
        return (phrase,)
    return tuple(f for f in mutations(phrase) if f == phrase or f not in _CY_NOT_TERMS)


def _compile(by_phrase: dict[str, Term | None]) -> re.Pattern[str]:
    # Longest first, so "bail conditions" wins over "bail" and "not guilty plea" over "plea".
    phrases = sorted(by_phrase, key=len, reverse=True)
    alternatives = "|".join(_phrase_pattern(p) for p in phrases)
    # Whole words only (a hyphen joins words: "pre-trial" is not "trial"); never start inside
    # an entity such as &#39;.
    return re.compile(rf"(?<![\w&#-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _english() -> tuple[re.Pattern[str], dict[str, Term | None]]:
    by_phrase: dict[str, Term | None] = {_key(p): None for p in NOT_TERMS}
    for t in GLOSSARY:
        for phrase in t.matches:
            by_phrase[_key(phrase)] = t
    return _compile(by_phrase), by_phrase


@lru_cache(maxsize=4)
def _welsh(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, Term | None]]:
    """Cached on the Welsh names themselves, so a changed catalogue gets a new pattern."""
    by_phrase: dict[str, Term | None] = {}
    for t, name in zip(GLOSSARY, names, strict=True):
        for phrase in _welsh_phrases(name):
            by_phrase.setdefault(phrase, t)
    return _compile(by_phrase), by_phrase


def _matcher(language: str) -> tuple[re.Pattern[str], dict[str, Term | None]]:
    """Welsh text is matched on the terms' Welsh names (their translations in the catalogue:
    the names the Welsh glossary page shows); any other text on the English phrases."""
    if language != "cy":
        return _english()
    with force_locale("cy"):
        names = tuple(str(t.name) for t in GLOSSARY)
    return _welsh(names)


def _normalise(matched: str) -> str:
    return _key(matched.replace("&#39;", "'"))


def link_terms(text: str, language: str = "en") -> Markup:
    """Escape `text`, then link the first use of each glossary term to its explanation.
    ``language`` is the language `text` is written in ("cy" for an update's Welsh text)."""
    escaped = str(escape(text))
    pattern, by_phrase = _matcher(language)
    linked: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        t = by_phrase[_normalise(found)]
        if t is None or t.slug in linked:
            return found
        linked.add(t.slug)
        return f'<a class="govuk-link" href="{t.href}">{found}</a>'

    return Markup(pattern.sub(replace, escaped))  # noqa: S704  (built from escaped text)

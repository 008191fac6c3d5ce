"""The glossary's terms: the data behind the glossary page and ``portal.glossary.link_terms``.

Each term has a plain-English explanation that describes the process and never the victim's
conduct (TRAUMA_INFORMED.md rule 21). Names and explanations are lazy strings, so Babel extracts
them from here and each reader sees their own language. Kept apart from the matching code in
``portal.glossary`` because it is words to review, not logic.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

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

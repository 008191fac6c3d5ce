"""Starter texts from the first hearing to after the sentence, and for any time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.starters.common import ISVA_OR_WCU, Starter

COURT_AND_AFTER: dict[str, Starter] = {
    "hearing_scheduled": Starter(
        _l(
            "A court hearing has been arranged. The Witness Care Unit or your ISVA can tell you "
            "the date, time and place."
        ),
        _l(
            "Hearings before a trial are usually short. The court deals with things like the "
            "defendant's plea, bail, and plans for the trial. You do not usually need to go."
        ),
        _l(
            "You will be told what happens at the hearing. If you would like to go and watch, "
            "tell the Witness Care Unit or your ISVA first, so they can plan with you."
        ),
        ISVA_OR_WCU,
        _l(
            "Under the Victims' Code (right 8), you should be told the date, time and place of "
            "each hearing within 1 working day of the Witness Care Unit getting it."
        ),
    ),
    "not_guilty_plea": Starter(
        _l("The defendant has pleaded not guilty. This means there will be a trial."),
        _l(
            "A not guilty plea means the defendant denies the charges. At a trial, a jury hears "
            "the evidence and decides. You will probably be asked to give evidence. There is "
            "support to help you do this."
        ),
        _l(
            "The Witness Care Unit will contact you to ask what you need. You can ask for "
            "special measures, such as a screen or giving evidence by video link. You can also "
            "ask to visit the court before the trial."
        ),
        ISVA_OR_WCU,
        _l(
            "Under the Victims' Code (right 8), you should be told about the plea within 1 "
            "working day. You can ask for special measures to help you give evidence."
        ),
    ),
    "special_measures": Starter(
        _l("This update is about special measures: support to help you give evidence."),
        _l(
            "Special measures can include a screen so you do not see the defendant, giving "
            "evidence by video link from another room, or recording your evidence before the "
            "trial. The judge decides which measures to allow."
        ),
        _l(
            "The Witness Care Unit will explain how this will work on the day. You can ask to "
            "see the room or the video link before the trial."
        ),
        _l(
            "The Witness Care Unit, or your ISVA. If the measures are not what you hoped for, "
            "say so. Your ISVA can raise it for you."
        ),
        _l(
            "Under the Victims' Code (right 8), you should be told whether special measures "
            "were asked for and whether the court agreed to them."
        ),
    ),
    "trial_date_set": Starter(
        _l(
            "The court has set a date for the trial. The Witness Care Unit or your ISVA can tell "
            "you the date and place."
        ),
        _l(
            "You will probably be asked to give evidence at the trial. A trial can last several "
            "days, but you will usually only be needed for part of it. Sometimes a court gives "
            "a range of dates instead of one date."
        ),
        _l(
            "The Witness Care Unit will keep in touch before the trial. You can ask to visit "
            "the court and talk about special measures. You can have therapy or counselling "
            "before the trial if you want it."
        ),
        ISVA_OR_WCU,
        _l(
            "Under the Victims' Code (right 8), you should be told the trial date within 1 "
            "working day. You should be offered a visit to the court before the trial."
        ),
    ),
    "trial_date_changed": Starter(
        _l("The trial will not go ahead on the date you were given. The reason is in this update."),
        _l(
            "Trial dates sometimes change, often for reasons nobody in the case controls. A "
            "change can be very hard, especially after getting ready for the trial."
        ),
        _l(
            "The Witness Care Unit will tell you the new date, or when a new date will be set, "
            "and will keep in touch."
        ),
        _l(
            "The Witness Care Unit, or your ISVA. Your ISVA can help if you need to rearrange "
            "work, childcare or support around a new date."
        ),
        _l(
            "Under the Victims' Code (right 8), you should be told about a change to the trial "
            "date within 1 working day, with the reason."
        ),
    ),
    "verdict": Starter(
        _l("The trial has finished and the jury has reached its verdict. It is in this update."),
        _l(
            "A guilty verdict means the jury was sure the defendant committed the offence. A "
            "not guilty verdict means the jury was not sure enough to convict. It does not mean "
            "the jury decided you were not telling the truth."
        ),
        _l(
            "If the defendant is found guilty, the judge will decide the sentence, often at a "
            "later hearing. If the jury could not agree, the CPS decides whether to ask for a "
            "new trial. Your ISVA will talk with you about what support you want now."
        ),
        ISVA_OR_WCU,
        _l(
            "Under the Victims' Code (right 9), you should be told the verdict within 1 working "
            "day of the Witness Care Unit getting it."
        ),
    ),
    "sentence": Starter(
        _l(
            "The judge has sentenced the defendant. Your ISVA or the Witness Care Unit can "
            "explain the sentence."
        ),
        _l(
            "Judges follow sentencing guidelines that all courts use. Someone sent to prison "
            "usually spends part of the sentence in prison and the rest in the community, on "
            "licence. On licence, they must keep to conditions and can be sent back to prison "
            "if they break them."
        ),
        _l(
            "If the sentence is 12 months or more, you can join the Victim Contact Scheme. It "
            "tells you about important changes, such as release. You can also ask for the "
            "sentence to be reviewed."
        ),
        _l("Your ISVA, or the Witness Care Unit. Your ISVA can help you ask for a review."),
        _l(
            "Under the Victims' Code (right 9), you should be told the sentence within 1 working "
            "day, with an explanation. If you think the sentence is too low, you can ask for it "
            "to be reviewed under the Unduly Lenient Sentence scheme. Your request must reach "
            "the Attorney General's Office within 28 days of the sentence. This time limit "
            "cannot be extended."
        ),
    ),
    "appeal": Starter(
        _l(
            "There is an appeal in the case. Your ISVA or the Witness Care Unit can tell you the "
            "details."
        ),
        _l(
            "An appeal asks a higher court to look again at the verdict, the sentence, or both. "
            "The Court of Appeal first decides whether an appeal can go ahead."
        ),
        _l(
            "You will be told the dates of any hearings and the result. You do not usually "
            "need to go to court or give evidence again."
        ),
        ISVA_OR_WCU,
        _l(
            "Under the Victims' Code (right 9), you should be told about an appeal, its hearing "
            "dates and its result, each within 1 working day."
        ),
    ),
    "victim_contact_scheme": Starter(
        _l("You have been referred to the Victim Contact Scheme. The Probation Service runs it."),
        _l(
            "A Victim Liaison Officer will be your contact while the person serves their "
            "sentence. They can tell you about important stages, such as when release is "
            "being considered. You choose how much you want to be told."
        ),
        _l(
            "A Victim Liaison Officer will contact you. You can ask for licence conditions that "
            "protect you, such as a condition not to contact you."
        ),
        _l("Your Victim Liaison Officer, once they have contacted you. Until then, your ISVA."),
        _l(
            "Under the Victims' Code (right 11), you should be referred to the scheme within 10 "
            "working days of the sentence. A Victim Liaison Officer should contact you within "
            "20 working days of the referral."
        ),
    ),
    "offender_release": Starter(
        _l(
            "The Probation Service has an update about the person's sentence. It is about "
            "licence conditions, a Parole Board review, release or a return to prison."
        ),
        _l(
            "Most people sent to prison are released before the end of their sentence. They "
            "then live in the community on licence, with conditions. If they break the "
            "conditions, they can be sent back to prison."
        ),
        _l(
            "Your Victim Liaison Officer will explain what happens next. If the Parole Board "
            "is reviewing the case, you can make a Victim Personal Statement for it."
        ),
        _l(
            "Your Victim Liaison Officer, or your ISVA. If you feel unsafe, call 999 in an "
            "emergency."
        ),
        _l(
            "Under the Victims' Code (right 11), you should be told about licence conditions "
            "that relate to you, and about release. You can ask for conditions that protect "
            "you, such as no contact with you."
        ),
    ),
    "case_closed": Starter(
        _l("Your case has now closed."),
        _l(
            "Your case closing does not mean your support has to end. How you feel about what "
            "happened can change over time. You can still get support."
        ),
        _l(
            "Your ISVA will talk with you about the support you want now, such as counselling "
            "or another service. You can ask for support again in the future."
        ),
        _l(
            "Your ISVA. If you need help now, call 999 in an emergency, or one of the 24-hour "
            "support lines at the bottom of this page."
        ),
        _l(
            "If any of your rights under the Victims' Code were not met, you can still make a "
            "complaint (right 12). Your ISVA can help you."
        ),
    ),
    "complaint": Starter(
        _l("Your complaint has been received."),
        _l(
            "You have the right to complain if your rights under the Victims' Code were not "
            "met. Making a complaint should not affect your case."
        ),
        _l(
            "The organisation should reply to your complaint, or tell you when it will, within "
            "10 working days. If you are not happy with the reply, you can ask the "
            "Parliamentary and Health Service Ombudsman to look at it, through your MP."
        ),
        _l("Your ISVA can help you with the complaint and what follows."),
        _l(
            "Under the Victims' Code (right 12), you can complain if your rights were not met, "
            "and get a reply."
        ),
    ),
}

"""Plain-English starter text for the five questions of every journey event.

The ISVA edits these before publishing; they are a good first draft, not a form letter. Rules
(TRAUMA_INFORMED.md 12 and 21): short sentences, second person, active voice; describe the
process and the suspect's conduct, never question the victim's; never "complainant" or
"alleged victim"; no promise an agency cannot keep; legal terms are glossary terms (they are
linked when shown). Rights follow the Victims' Code's enhanced rights for victims of sexual
offences (most updates within 1 working day). No placeholders: the ISVA adds the details
(dates, places, charges), prompted by the event's compose hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Starter:
    """The five questions (TRAUMA_INFORMED.md rule 12), as lazy translated strings."""

    what_happened: object
    what_it_means: object
    what_happens_next: object
    who_to_contact: object
    your_rights: object


_ISVA_OR_OFFICER = _l(
    "Your ISVA can talk this through with you. You can also contact the officer in charge of "
    "your case."
)
_ISVA_OR_WCU = _l(
    "The Witness Care Unit is your main contact while the case is in court. Your ISVA can talk "
    "this through with you."
)
_SAFETY = _l(
    "If you feel unsafe, call 999 in an emergency. Otherwise, tell the officer in charge of "
    "your case. Your ISVA can help you plan how to stay safe."
)

STARTERS: dict[str, Starter] = {
    "report_recorded": Starter(
        _l("The police have recorded your report as a crime. This starts the investigation."),
        _l(
            "Your report is now on police records. The police will look for evidence. You do "
            "not need to do this yourself."
        ),
        _l(
            "An officer will contact you about the next steps. They should offer you support, "
            "including an ISVA. They should agree with you how often they will update you, and "
            "how."
        ),
        _ISVA_OR_OFFICER,
        _l(
            "Under the Victims' Code (right 3), you should get written confirmation of your "
            "report. It includes the crime reference number and how to contact the officer. If "
            "having this in writing is not safe for you, you can say no to it."
        ),
    ),
    "support_referral": Starter(
        _l("The police have referred you to support services, including an ISVA."),
        _l(
            "An ISVA is there for you, not for the police or the court. They can explain what "
            "is happening, go with you to appointments and help you get other support, such as "
            "counselling. You choose how much support you want."
        ),
        _l(
            "A support worker will contact you to ask what would help. You can say yes, take "
            "time to decide, or say no. You can change your mind later."
        ),
        _l(
            "The support service that contacts you. If nobody has contacted you, tell the "
            "officer in charge of your case."
        ),
        _l(
            "Under the Victims' Code (right 4), the police should refer you to support services "
            "within 2 working days of your report, if you want this. Support is free. You can "
            "have it whether or not the case goes to court."
        ),
    ),
    "vps_offered": Starter(
        _l("You have been offered the chance to make a Victim Personal Statement."),
        _l(
            "A Victim Personal Statement explains, in your own words, how the crime has "
            "affected you. It is different from your statement about what happened. If the "
            "suspect is found guilty, the judge reads it before deciding the sentence. If the "
            "case goes to court, the defence will see it."
        ),
        _l(
            "You do not have to make one. You can make it now or later, and you can add to it "
            "as the case goes on. An officer can write it down with you."
        ),
        _l(
            "Your ISVA can help you think about what to say. The officer in charge of your case "
            "can take the statement."
        ),
        _l(
            "Under the Victims' Code (right 7), you can make a Victim Personal Statement and be "
            "told how it will be used. You can ask to read it out in court, or to have someone "
            "read it for you."
        ),
    ),
    "investigation_update": Starter(
        _l("This is your regular update about the investigation."),
        _l(
            "Investigations like this can take a long time. If nothing has changed since your "
            "last update, you will still be told, so you are not left wondering."
        ),
        _l(
            "The police will keep investigating. Your next update will come at the time you "
            "agreed. If something important happens before then, you will be told sooner."
        ),
        _l(
            "Your ISVA, or the officer in charge of your case. You can ask for an update at any "
            "time."
        ),
        _l(
            "Under the Victims' Code (right 6), you should be kept informed about the "
            "investigation. You can agree with the police how often you are updated, and how."
        ),
    ),
    "suspect_arrested": Starter(
        _l("The police have arrested the suspect."),
        _l(
            "An arrest lets the police question the suspect and collect evidence from them. It "
            "does not mean the suspect has been charged."
        ),
        _l(
            "The police will usually interview the suspect. Then they will decide whether to "
            "release them on bail, release them while the investigation continues, or ask for "
            "a charging decision. You will be told what they decide."
        ),
        _ISVA_OR_OFFICER,
        _l(
            "Under the Victims' Code (right 6), you should be told about an arrest within 1 "
            "working day."
        ),
    ),
    "suspect_interviewed": Starter(
        _l("The police have interviewed the suspect under caution."),
        _l(
            "An interview under caution is a formal, recorded interview. What the suspect says "
            "can be used as evidence. The police use it to test the suspect's account against "
            "the other evidence."
        ),
        _l(
            "The police may need to gather more evidence. The suspect may be released on bail, "
            "or released while the investigation continues. You will be told which."
        ),
        _ISVA_OR_OFFICER,
        _l(
            "Under the Victims' Code (right 6), you should be told about an interview within 1 "
            "working day."
        ),
    ),
    "suspect_bailed": Starter(
        _l("The police have released the suspect on bail while the investigation continues."),
        _l(
            "Bail means the suspect must follow rules, called bail conditions. For example, "
            "they may be told not to contact you or not to go to certain places. The "
            "conditions that protect you are listed in this update. If the suspect breaks "
            "them, they can be arrested."
        ),
        _l(
            "The investigation continues. Bail lasts until a set date. The police can extend, "
            "change or end it. You will be told if that happens."
        ),
        _SAFETY,
        _l(
            "Under the Victims' Code (right 6), you should be told within 1 working day when "
            "the suspect is released on bail, and about any conditions that affect you."
        ),
    ),
    "suspect_rui": Starter(
        _l(
            "The police have released the suspect without bail while the investigation "
            "continues. This is called released under investigation."
        ),
        _l(
            "The suspect has no bail conditions. The investigation has not stopped, and the "
            "police have not made a decision. They are still gathering evidence."
        ),
        _l(
            "The police will keep investigating and update you at the time you agreed. If you "
            "are worried about your safety, tell the police. They can look at other ways to "
            "protect you."
        ),
        _SAFETY,
        _l(
            "Under the Victims' Code (right 6), you should be told within 1 working day when "
            "the suspect is released."
        ),
    ),
    "bail_changed": Starter(
        _l("The suspect's bail has changed."),
        _l(
            "The police or the court can change or end bail conditions. This update says which "
            "conditions have changed and which still apply."
        ),
        _l(
            "The suspect must keep to any conditions that still apply. If they break them, "
            "they can be arrested."
        ),
        _SAFETY,
        _l(
            "Under the Victims' Code (rights 6 and 8), you should be told within 1 working day "
            "about changes to bail that affect you."
        ),
    ),
    "file_to_cps": Starter(
        _l(
            "The police have sent the case file to the Crown Prosecution Service (CPS). The CPS "
            "decides whether a case goes to court."
        ),
        _l(
            "The police may be asking the CPS for early advice about what evidence is still "
            "needed. Or they may be asking for a decision on whether to charge the suspect. "
            "This is a normal step in a serious case."
        ),
        _l(
            "A prosecutor will look at the evidence. For early advice, the CPS aims to reply "
            "within 21 days. A charging decision can take longer. You will be told the decision."
        ),
        _l("Your ISVA, or the officer in charge of your case. The police are still your contact."),
        _l(
            "Under the Victims' Code (right 6), you should be kept informed while the CPS "
            "looks at the case."
        ),
    ),
    "police_nfa": Starter(
        _l(
            "The police have decided to take no further action against the suspect. This means "
            "the suspect will not be charged at this time."
        ),
        _l(
            "The decision is about whether the evidence meets the test for a prosecution. It "
            "is not a decision about whether you are believed. This can be very hard to hear. "
            "You do not have to decide anything today."
        ),
        _l(
            "The police should explain the reasons for their decision. If you disagree with it, "
            "you can ask for a review. Your ISVA can help you do this."
        ),
        _l(
            "Your ISVA can talk this through with you and help you ask for a review. The "
            "officer in charge of your case can explain the decision."
        ),
        _l(
            "Under the Victims' Code (right 6), you should be told about this decision, and why "
            "it was made, within 1 working day. You can ask for a review under the Victims' "
            "Right to Review scheme. The date this closes is shown with this update. It is best "
            "to ask within 10 working days."
        ),
    ),
    "charged": Starter(
        _l("The suspect has been charged. The case will now go to court."),
        _l(
            "The suspect is now called the defendant. The charges are listed in this update. "
            "The court will decide the case."
        ),
        _l(
            "The first hearing is usually at a magistrates' court. You do not need to go. The "
            "Witness Care Unit will contact you. They will be your main contact while the case "
            "is in court."
        ),
        _l("Your ISVA, or the Witness Care Unit once they have contacted you."),
        _l(
            "Under the Victims' Code (right 6), you should be told about a charge within 1 "
            "working day. You can make a Victim Personal Statement, or add to one you made "
            "before."
        ),
    ),
    "cps_no_charge": Starter(
        _l(
            "The Crown Prosecution Service (CPS) has made a decision about the charges. The "
            "suspect will not be charged, or the case against them has been stopped or "
            "changed. This update explains which."
        ),
        _l(
            "The CPS decides whether the evidence is strong enough, and whether a prosecution "
            "is needed in the public interest. It is not a decision about whether you are "
            "believed. This can be very hard to hear. You do not have to decide anything today."
        ),
        _l(
            "The CPS will write to you with the reasons. You may be offered a meeting with the "
            "prosecutor to talk about the decision. If you disagree with it, you can ask for a "
            "review."
        ),
        _l(
            "Your ISVA can talk this through with you, help you arrange a meeting with the CPS "
            "and help you ask for a review."
        ),
        _l(
            "Under the Victims' Code (right 6), you should be told about this decision, and why "
            "it was made, within 1 working day. You can ask for a review under the Victims' "
            "Right to Review scheme. The date this closes is shown with this update. It is best "
            "to ask within 10 working days of the CPS letter."
        ),
    ),
    "vrr_requested": Starter(
        _l("Your request for a review of the decision has been sent."),
        _l(
            "Someone who was not involved in the first decision will look at the case again. "
            "They will decide whether the decision was right."
        ),
        _l(
            "You should get confirmation that your request has arrived. A review usually takes "
            "about 6 weeks. It can take longer in a complex case. You will be told if it will."
        ),
        _l("Your ISVA can follow up the request for you."),
        _l(
            "This is your right under the Victims' Code (right 6) and the Victims' Right to "
            "Review scheme."
        ),
    ),
    "vrr_outcome": Starter(
        _l("The review of the decision has finished. This update tells you the result."),
        _l(
            "If the decision has been changed, the case can go ahead. If the decision has been "
            "kept, the reviewer should explain why."
        ),
        _l(
            "If the case goes ahead, you will be told the next steps. If the decision was kept, "
            "your ISVA can explain any other options you have."
        ),
        _l("Your ISVA can talk this through with you."),
        _l(
            "Under the Victims' Code (right 6), you should be told the result of the review and "
            "the reasons for it."
        ),
    ),
    "hearing_scheduled": Starter(
        _l("A court hearing has been arranged. The date, time and place are in this update."),
        _l(
            "Hearings before a trial are usually short. The court deals with things like the "
            "defendant's plea, bail, and plans for the trial. You do not usually need to go."
        ),
        _l(
            "You will be told what happens at the hearing. If you would like to go and watch, "
            "tell the Witness Care Unit or your ISVA first, so they can plan with you."
        ),
        _ISVA_OR_WCU,
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
        _ISVA_OR_WCU,
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
        _l("The court has set a date for the trial. The date and place are in this update."),
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
        _ISVA_OR_WCU,
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
            "The new date, or when a new date will be set, is in this update. The Witness Care "
            "Unit will keep in touch."
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
        _ISVA_OR_WCU,
        _l(
            "Under the Victims' Code (right 9), you should be told the verdict within 1 working "
            "day of the Witness Care Unit getting it."
        ),
    ),
    "sentence": Starter(
        _l("The judge has sentenced the defendant. The sentence is explained in this update."),
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
        _l("There is an appeal in the case. The details are in this update."),
        _l(
            "An appeal asks a higher court to look again at the verdict, the sentence, or both. "
            "The Court of Appeal first decides whether an appeal can go ahead."
        ),
        _l(
            "You will be told the dates of any hearings and the result. You do not usually "
            "need to go to court or give evidence again."
        ),
        _ISVA_OR_WCU,
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

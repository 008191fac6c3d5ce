"""Starter texts from the report to the charging decision and any review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.starters.common import ISVA_OR_OFFICER, SAFETY, Starter

BEFORE_COURT: dict[str, Starter] = {
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
        ISVA_OR_OFFICER,
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
        ISVA_OR_OFFICER,
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
        ISVA_OR_OFFICER,
        _l(
            "Under the Victims' Code (right 6), you should be told about an interview within 1 "
            "working day."
        ),
    ),
    "suspect_bailed": Starter(
        _l("The police have released the suspect on bail while the investigation continues."),
        _l(
            "Bail means the suspect must follow rules, called bail conditions. For example, "
            "they may be told not to contact you or not to go to certain places. Your ISVA or "
            "the officer in charge of your case can tell you the conditions that protect you. "
            "If the suspect breaks them, they can be arrested."
        ),
        _l(
            "The investigation continues. Bail lasts until a set date. The police can extend, "
            "change or end it. You will be told if that happens."
        ),
        SAFETY,
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
        SAFETY,
        _l(
            "Under the Victims' Code (right 6), you should be told within 1 working day when "
            "the suspect is released."
        ),
    ),
    "bail_changed": Starter(
        _l("The suspect's bail has changed."),
        _l(
            "The police or the court can change or end bail conditions. Your ISVA or the "
            "officer in charge of your case can tell you which conditions have changed and "
            "which still apply."
        ),
        _l(
            "The suspect must keep to any conditions that still apply. If they break them, "
            "they can be arrested."
        ),
        SAFETY,
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
            "The suspect is now called the defendant. The court will decide the case. Your "
            "ISVA can explain each charge and what it means."
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
            "changed. Your ISVA can tell you which."
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
        _l("The review of the decision has finished. Your ISVA can tell you the result."),
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
}

"""The notification denylist in Welsh: the English list's words and their mutated forms.

Every SMS and email, in either language, is checked against these as well as the English
words (notifications/render.py).
"""

from __future__ import annotations


def mutations(radical: str) -> tuple[str, ...]:
    """A Welsh word and the forms its first letter takes after other words (treigladau):
    soft ("ei ddedfryd", "ei lys"), nasal ("fy nhreial", "yn nhrosedd"), aspirate
    ("a thrais", "ei chyhuddo") and h- before a vowel ("ei hymosodiad"). A list of radicals
    alone would let "ei ddedfryd" or "fy nghyhuddo" through, since Welsh changes the start of
    the word itself, so every mutated form is denied too. The glossary links these forms of
    its Welsh terms too (portal/glossary.py)."""
    word = radical.lower()
    forms = {word}
    for start, soft, nasal, aspirate in _MUTATING:
        if word.startswith(start):
            rest = word[len(start) :]
            forms.update(f + rest for f in (soft, nasal, aspirate) if f is not None)
            break
    else:
        if word[0] in "aeiouwy":
            forms.add("h" + word)
    return tuple(sorted(forms))


# (first letters, soft, nasal, aspirate). "ll" and "rh" before "l" and "r"; "g" softens to
# nothing; "m" and "b" both soften to "f".
_MUTATING = (
    ("ll", "l", None, None),
    ("rh", "r", None, None),
    ("p", "b", "mh", "ph"),
    ("t", "d", "nh", "th"),
    ("c", "g", "ngh", "ch"),
    ("b", "f", "m", None),
    ("d", "dd", "n", None),
    ("g", "", "ng", None),
    ("m", "f", None, None),
)

# The English list's words in Welsh (Termiadur / Gwasanaeth Erlyn y Goron, Llysoedd a
# Thribiwnlysoedd terms). Some also have an everyday sense ("prawf" is a test, "rhyw" is also
# "some", "achos" also "because"): templates must avoid them anyway, so they stay denied.
DENYLIST_CY_RADICALS = (
    "treisio",  # to rape
    "treisiwyd",  # was raped
    "trais",  # rape, violence ("trais rhywiol")
    "ymosodiad",  # assault, attack
    "ymosod",  # to attack
    "rhywiol",  # sexual
    "rhyw",  # sex
    "camdriniaeth",  # abuse
    "cam-drin",  # to abuse
    "camdrin",
    "trosedd",  # offence, crime
    "troseddau",
    "troseddwr",  # offender
    "dioddefwr",  # victim
    "dioddefwraig",
    "dioddefwyr",
    "drwgdybiedig",  # suspect
    "amheuir",  # suspected
    "diffynnydd",  # defendant
    "cyhuddedig",  # accused
    "cyhuddo",  # to charge, accuse
    "cyhuddwyd",  # was charged
    "cyhuddiad",  # charge
    "heddlu",  # police
    "heddwas",  # police officer
    "swyddog",  # officer
    "coron",  # crown: "Llys y Goron", "Gwasanaeth Erlyn y Goron" (the soft form)
    "erlyn",  # prosecute
    "erlyniad",  # prosecution
    "llys",  # court
    "llysoedd",
    "treial",  # trial
    "gwrandawiad",  # hearing
    "barnwr",  # judge
    "rheithfarn",  # verdict
    "dyfarniad",  # verdict, ruling
    "dedfryd",  # sentence
    "mechnïaeth",  # bail
    "mechniaeth",  # bail, typed without the diaeresis
    "arestio",  # arrest
    "arestiwyd",  # arrested
    "tyst",  # witness
    "tystion",
    "prawf",  # probation ("y Gwasanaeth Prawf"), also "test" and a trial
    "parôl",  # parole
    "parol",
    "achos",  # case ("achos llys"), also "because"
    "tystiolaeth",  # evidence
    "datganiad",  # statement
)
DENYLIST_CY = tuple(sorted({f for w in DENYLIST_CY_RADICALS for f in mutations(w)}))

"""Translatable names of the domain's values, shared by the forms, /mydata and staff messages."""

from __future__ import annotations

from bot.domain.checkins import CheckinStatus
from bot.domain.protection import ConcernCategory
from bot.domain.registration import AgeGroup, Gender, Monitoring, Need, PassportState, Status
from bot.i18n import N_

GENDERS = {
    Gender.WOMAN: N_("Woman"),
    Gender.MAN: N_("Man"),
    Gender.OTHER: N_("Another gender"),
    Gender.UNSAID: N_("Prefer not to say"),
}
AGE_GROUPS = {
    AgeGroup.UNDER_18: N_("Under 18"),
    AgeGroup.FROM_18_TO_25: N_("18–25"),
    AgeGroup.FROM_26_TO_35: N_("26–35"),
    AgeGroup.FROM_36_TO_50: N_("36–50"),
    AgeGroup.OVER_50: N_("Over 50"),
}
PASSPORTS = {
    PassportState.VALID: N_("Valid passport"),
    PassportState.EXPIRED: N_("Expired passport"),
    PassportState.NONE: N_("No passport"),
}
NEEDS = {
    Need.MEDICAL: N_("Medical needs"),
    Need.PREGNANCY: N_("Pregnancy"),
    Need.DISABILITY: N_("Disability"),
    Need.CHILDREN: N_("Children with me"),
    Need.MINOR_ALONE: N_("Under 18 and alone"),
    Need.UNSAFE: N_("I do not feel safe / I was forced or exploited"),
    Need.PUSHED: N_("Someone is pushing me to go back"),
    Need.NO_EMBASSY: N_("Asylum, refugee, or afraid of my country's authorities"),
}
STATUSES = {
    Status.NEW: N_("New"),
    Status.CONTACTED: N_("Contacted"),
    Status.INTERVIEW: N_("Interview"),
    Status.MEDICAL_CHECK: N_("Medical check"),
    Status.TRAVEL_DOCUMENTS: N_("Travel documents"),
    Status.DEPARTURE_PLANNED: N_("Departure planned"),
    Status.RETURNED: N_("Returned"),
    Status.WITHDRAWN: N_("Withdrawn"),
    Status.CLOSED: N_("Closed"),
}
# What the person reads when staff move their case (in their language).
STATUS_NOTICES = {
    Status.CONTACTED: N_(
        "News about your registration {reference}: staff have looked at it and will contact "
        "you to arrange an interview."
    ),
    Status.INTERVIEW: N_(
        "News about your registration {reference}: the next step is your interview with staff."
    ),
    Status.MEDICAL_CHECK: N_(
        "News about your registration {reference}: the next step is a medical check, to make "
        "sure you can travel safely."
    ),
    Status.TRAVEL_DOCUMENTS: N_(
        "News about your registration {reference}: staff are working on your travel document."
    ),
    Status.DEPARTURE_PLANNED: N_(
        "News about your registration {reference}: your departure is being prepared. Staff will "
        "tell you the date. You can still change your mind at any time."
    ),
    Status.CLOSED: N_(
        "Your registration {reference} is closed. You can write to the office or register "
        "again at any time."
    ),
}

CONCERN_CATEGORIES = {
    ConcernCategory.MONEY: N_("💰 Asked for money or a favour"),
    ConcernCategory.SEXUAL: N_("⚠️ Sexual abuse or exploitation"),
    ConcernCategory.MISTREATED: N_("✋ Insulted, threatened or hurt"),
    ConcernCategory.OTHER: N_("📝 Something else"),
}
ALERT_TEXTS = {  # why a check-in alerts staff (never the answers themselves)
    "help_now": N_("asks for help now"),
    "no_food": N_("often goes without enough food"),
    "unsafe": N_("does not feel safe"),
}

# What happened to a case, as its history lists it (the kinds the services record).
EVENT_KINDS = {
    "created": N_("registration received"),
    "edited": N_("details changed by the person"),
    "status": N_("status changed"),
    "withdrawn": N_("withdrawn by the person"),
    "erased": N_("data deleted by the person"),
    "retention": N_("data deleted after the keeping period"),
}
MONITORING = {
    Monitoring.ACTIVE: N_("on"),
    Monitoring.PAUSED: N_("paused by the person"),
    Monitoring.STOPPED: N_("stopped"),
}
CHECKIN_STATUSES = {
    CheckinStatus.SCHEDULED: N_("planned"),
    CheckinStatus.SENT: N_("sent, waiting for answers"),
    CheckinStatus.ANSWERED: N_("answered"),
    CheckinStatus.MISSED: N_("missed"),
    CheckinStatus.CANCELLED: N_("cancelled"),
}

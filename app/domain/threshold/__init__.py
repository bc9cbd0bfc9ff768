"""The Community Trigger threshold: does an application have enough qualifying complaints?

The rules are in spec/RULES.md §2, after the Anti-social Behaviour, Crime and Policing Act 2014
s.104(4) and (11): at least three complaints (or fewer, as a council sets), each made to a
relevant body within one month after the behaviour, the application made within six months
after the complaint. That is a floor: a council's wording may be more generous, never stricter,
and where it reads narrower on some date the Act's reading applies and the explanation says so.

``evaluate_threshold`` advises; the relevant bodies decide in the threshold task and may depart
from the advice with recorded reasons, except that they cannot refuse an application that
``evaluate_confirmed_records`` (the evaluation on the agencies' confirmed records) finds met by
route ``qualifying_complaints`` (``refusal_barred``). The result carries a plain-English
explanation fit to quote in the decision letter (``explain_threshold``); ``describe_threshold``
words a council's threshold for the letters.
"""

from app.domain.threshold.evaluation import (
    FLOOR_GROUNDS,
    Exclusion,
    FloorNote,
    ThresholdResult,
    evaluate_confirmed_records,
    evaluate_threshold,
    refusal_barred,
)
from app.domain.threshold.inputs import (
    Discretionary,
    Incident,
    Report,
    discretionary_refusal,
    incidents_from_data,
    normalise_reporter,
    normalise_role,
    role_label,
)
from app.domain.threshold.policy import (
    ACT_CITATION,
    ACT_MAX_QUALIFYING,
    ACT_REPORT_MONTHS,
    ACT_WINDOW_MONTHS,
    AGENCIES,
    AGENCY_NAMES,
    EXCLUSION_REASONS,
    METHODS,
    RELEVANT_BODIES,
    REPORT_REASONS,
    ROUTES,
    SENIOR_ROLES,
    ReportLimit,
    ThresholdPolicy,
    above_the_act,
)
from app.domain.threshold.qualifying import report_reason
from app.domain.threshold.wording import METHOD_PHRASES, describe_threshold, explain_threshold

__all__ = [
    "ACT_CITATION",
    "ACT_MAX_QUALIFYING",
    "ACT_REPORT_MONTHS",
    "ACT_WINDOW_MONTHS",
    "AGENCIES",
    "AGENCY_NAMES",
    "EXCLUSION_REASONS",
    "FLOOR_GROUNDS",
    "METHODS",
    "METHOD_PHRASES",
    "RELEVANT_BODIES",
    "REPORT_REASONS",
    "ROUTES",
    "SENIOR_ROLES",
    "Discretionary",
    "Exclusion",
    "FloorNote",
    "Incident",
    "Report",
    "ReportLimit",
    "ThresholdPolicy",
    "ThresholdResult",
    "above_the_act",
    "describe_threshold",
    "discretionary_refusal",
    "evaluate_confirmed_records",
    "evaluate_threshold",
    "explain_threshold",
    "incidents_from_data",
    "normalise_reporter",
    "normalise_role",
    "refusal_barred",
    "report_reason",
    "role_label",
]

"""Pure domain rules: the working-day calendar, the threshold and eligibility.

Nothing here imports Flask, SQLAlchemy or the rest of ``app``: the API, the BPMN script
environment, the letters and the reports all use these modules directly.
"""

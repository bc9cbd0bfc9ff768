"""The Jinja set-up of the web pages: GOV.UK Frontend macros, and undefined names that fail."""

from __future__ import annotations

import sys

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader, StrictUndefined, Undefined

from app.domain.calendar import format_day, govuk_date
from app.domain.labels import agency_label, method_label, role_label

GOVUK_PREFIX = "govuk_frontend_jinja"


def _used_by_govuk_frontend() -> bool:
    """Whether the template being run is one of govuk_frontend_jinja's (its frames carry the
    template's file name)."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.endswith(".html"):
            return f"{GOVUK_PREFIX}/templates/" in filename.replace("\\", "/")
        frame = frame.f_back
    return False


class OurStrictUndefined(StrictUndefined):
    """StrictUndefined for our templates; Jinja's lenient Undefined inside GOV.UK Frontend's.

    The GOV.UK macros, ported from Nunjucks, test names that may be unset (``params.classes``,
    ``successBanner``, ``undefined``); a name our own templates get wrong must still fail.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return Undefined.__str__(self) if _used_by_govuk_frontend() else super().__str__()

    def __iter__(self):
        return Undefined.__iter__(self) if _used_by_govuk_frontend() else super().__iter__()

    def __len__(self) -> int:
        return Undefined.__len__(self) if _used_by_govuk_frontend() else super().__len__()

    def __bool__(self) -> bool:
        return Undefined.__bool__(self) if _used_by_govuk_frontend() else super().__bool__()

    def __eq__(self, other: object) -> bool:
        return Undefined.__eq__(self, other) if _used_by_govuk_frontend() else super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return Undefined.__ne__(self, other) if _used_by_govuk_frontend() else super().__ne__(other)

    def __hash__(self) -> int:
        return id(type(self))


def init_jinja(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader({GOVUK_PREFIX: PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.undefined = OurStrictUndefined
    app.jinja_env.filters["long_date"] = format_day
    # Shared by every page (SHARED_DECISIONS.md): GOV.UK dates and the product's agency names.
    app.jinja_env.filters["govuk_date"] = govuk_date
    app.jinja_env.filters["agency_label"] = agency_label
    app.jinja_env.filters["method_label"] = method_label
    app.jinja_env.filters["role_label"] = role_label

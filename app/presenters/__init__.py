"""Presenters: what each audience may see of a resource, decided once for the API and the pages.

A presenter chooses the fields for one audience (council staff, a partner agency); the API dumps
its result through a marshmallow schema and the pages lay out the same result, so a field hidden
from partners on a page cannot appear in the API (STYLE.md §5).
"""

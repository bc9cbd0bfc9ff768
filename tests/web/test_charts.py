"""The dashboard's charts (app/web/charts.py) are plain inline SVG whatever else registered XML
namespaces in the process: WeasyPrint registers "" for its PDF metadata when a letter is made."""

from __future__ import annotations

import re

import weasyprint.pdf.metadata  # noqa: F401  (registers its namespaces, as making a letter does)

from app.web.charts import bar_chart


def test_a_chart_is_inline_svg_after_weasyprint_registered_its_namespaces():
    chart = str(bar_chart("chart-x", "Title <b>", "What it shows & why", ["a <i>", "b"], [("Met", [1, 2])]))
    assert re.match(r'<svg id="chart-x" [^>]*xmlns="http://www.w3.org/2000/svg"', chart)
    assert not re.search(r"<\w+:", chart)  # no prefixed elements
    assert '<title id="chart-x-title">Title &lt;b&gt;</title>' in chart
    assert '<desc id="chart-x-desc">What it shows &amp; why</desc>' in chart
    assert "a &lt;i&gt;" in chart

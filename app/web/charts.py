"""Charts drawn on the server as SVG with pygal, inlined in the page (issue 15: no JavaScript chart
library, no CDN).

pygal's output is made safe and accessible here, once for every chart:
- its labels come from council data (a diagram's deadline labels), and pygal writes them as XML
  text through lxml, escaped; the SVG is parsed again (defusedxml) and written back by the
  standard library, so only well-formed, escaped markup reaches the page;
- its <script> (a tooltip configuration) and <style> are removed: the pages' CSP allows neither
  inline scripts nor inline styles, and the charts are styled by app/static/dashboard.css;
  pygal's own JavaScript (a CDN by default) is never referenced (``js=[]``);
- comments, pygal's per-value <desc> tooltips and the axis <title>s are dropped, and the root
  gets role="img" with a <title> and <desc> of ours (aria-labelledby, aria-describedby): a screen
  reader hears one title and one description, and reads the figures in the table beside it.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import pygal
from defusedxml.ElementTree import fromstring
from markupsafe import Markup
from pygal.style import Style

SVG = "http://www.w3.org/2000/svg"

# GOV.UK Design System colours: blue for met or counted, red for missed.
BLUE, RED, GREEN, GREY, YELLOW = "#1d70b8", "#d4351c", "#00703c", "#505a5f", "#ffdd00"
STYLE = Style(
    colors=(BLUE, RED, GREEN, GREY, YELLOW),
    font_family="arial, sans-serif",
    background="transparent",
    plot_background="transparent",
    # pygal lays the chart out for these sizes; app/static/dashboard.css draws the text at them.
    label_font_size=15,
    major_label_font_size=15,
    legend_font_size=15,
    no_data_font_size=18,
)
_DROPPED = {f"{{{SVG}}}{tag}" for tag in ("script", "style", "desc", "title")}


def _config(height: int) -> dict:
    return {
        "style": STYLE,
        "js": [],  # pygal's tooltips script, from a CDN by default
        "css": [],
        "disable_xml_declaration": True,
        "explicit_size": False,  # a viewBox only: the CSS sizes it to its column
        "width": 520,
        "height": height,
        "show_y_guides": True,
        "print_values": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_label": 40,
        "no_data_text": "None to show",
        "margin": 12,
    }


def bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
              series: Sequence[tuple[str, Sequence[int | float]]], *, stacked: bool = False,
              horizontal: bool = True) -> Markup:  # fmt: skip
    """A bar chart of ``series`` (name, one value per label), safe to inline in a page."""
    kind = {
        (True, True): pygal.HorizontalStackedBar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (False, False): pygal.Bar,
    }[(horizontal, stacked)]
    height = max(200, 70 + 40 * len(labels)) if horizontal else 340
    chart = kind(**_config(height), show_legend=len(series) > 1, x_label_rotation=0 if horizontal else 30)
    # pygal draws a horizontal chart's first bar at the bottom; the table beside it reads top down.
    order = slice(None, None, -1) if horizontal else slice(None)
    chart.x_labels = [str(label) for label in labels][order]
    for name, values in series:
        chart.add(name, list(values)[order])
    chart.y_labels = _whole_ticks(
        [v for _, values in series for v in values], stacked=stacked, width=len(labels)
    )
    return _accessible(chart.render(is_unicode=True), chart_id, title, description)


def _whole_ticks(values: list[int | float], *, stacked: bool, width: int) -> list[int]:
    """Whole-number ticks for the value axis (pygal would mark 0.1, 0.2, ... for counts of one):
    about five, from 0 to the tallest bar or more."""
    tallest = max(values, default=0)
    if stacked and width:
        columns = len(values) // width
        tallest = max((sum(values[i + width * c] for c in range(columns)) for i in range(width)), default=0)
    step = max(1, math.ceil(tallest / 5))
    return list(range(0, max(step, math.ceil(tallest)) + step, step))


def _accessible(svg: str, chart_id: str, title: str, description: str) -> Markup:
    root = fromstring(svg)
    _prune(root)
    root.set("id", chart_id)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title")
    root.set("aria-describedby", f"{chart_id}-desc")
    root.set("class", "app-chart__svg")
    heading = ET.Element(f"{{{SVG}}}title", {"id": f"{chart_id}-title"})
    heading.text = title
    desc = ET.Element(f"{{{SVG}}}desc", {"id": f"{chart_id}-desc"})
    desc.text = description
    root.insert(0, desc)
    root.insert(0, heading)
    # The root's attributes and our text are escaped by ElementTree, as pygal's labels were.
    _without_namespaces(root)
    root.set("xmlns", SVG)
    return Markup(ET.tostring(root, encoding="unicode", short_empty_elements=True))


def _without_namespaces(element: ET.Element) -> None:
    """Plain names (svg, g, rect; href for xlink:href), as an SVG inline in HTML is written. Not
    ET.register_namespace: its map is global, and WeasyPrint registers "" for its PDF metadata,
    after which the charts came out as <ns0:svg>, which no browser draws."""
    for node in element.iter():
        node.tag = node.tag.rpartition("}")[2]
        for name in [n for n in node.attrib if n.startswith("{")]:
            node.set(name.rpartition("}")[2], node.attrib.pop(name))


def _prune(element: ET.Element) -> None:
    """Remove what the page may not run or should not read twice (module docstring), and the
    ids pygal repeats in every chart (a page's ids must be unique)."""
    for child in list(element):
        if (
            not isinstance(child.tag, str)
            or child.tag in _DROPPED
            or "tooltip-overlay" in child.get("class", "")
        ):
            element.remove(child)
            continue
        child.attrib.pop("id", None)
        child.attrib.pop("style", None)
        _prune(child)
        if child.tag == f"{{{SVG}}}defs" and not len(child):
            element.remove(child)

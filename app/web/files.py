"""Files the web pages serve for download rather than display.

A diagram is the process owner's XML: XHTML inside it would render as a page of this site, and
a ``meta refresh`` in it once sent the browser elsewhere (issue 13, "Served files"). So it is an
attachment (a browser saves it, never opens it) under a sandboxing CSP that allows nothing, in
case something still renders it. The modeler and the case diagram read it with ``fetch``,
which ignores both.
"""

from __future__ import annotations

import re

from flask import Response

# No script, no style, no navigation, no plugin: even a rendered document could do nothing.
SANDBOX_CSP = "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def diagram_download(xml: str, process_key: str, number: int) -> Response:
    """Version ``number`` of a process's diagram as a download, ``<key>-v<number>.bpmn``."""
    response = Response(xml, mimetype="application/xml")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", process_key)  # a process id is an XML name: no quotes, but be sure
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-v{number}.bpmn"'
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

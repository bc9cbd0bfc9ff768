"""marshmallow schemas at the boundary, shared by the API and the web pages.

Input schemas reject unknown fields and load into plain dicts or domain objects; output schemas
list their fields explicitly. apispec reads the same classes for the OpenAPI document.
"""

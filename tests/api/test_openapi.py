import re


def test_openapi_documents_every_api_route_from_the_schemas(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented
    schemas = spec["components"]["schemas"]
    for name in ("ThresholdCheck", "ThresholdResult", "Incident", "Report", "WorkingDays", "Token", "Error"):
        assert name in schemas, sorted(schemas)
    assert schemas["Report"]["properties"]["agency"]["enum"] == [
        "council",
        "police",
        "housing_provider",
        "icb",
        "youth_offending",
        "other",
    ]
    assert schemas["ThresholdCheck"]["additionalProperties"] is False

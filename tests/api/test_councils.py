from tests.factories.users import auth_headers


def test_a_user_sees_only_their_councils(app, client):
    headers = auth_headers(app, client, councils=("east-herts", "derby-city"))
    response = client.get("/api/v1/councils", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 25
    assert body["items"] == [
        {
            "id": "derby-city",
            "name": "Derby City Council",
            "nation": "england",
            "county": "derbyshire",
            "process": {"key": "community_trigger_derbyshire", "version": None},
        },
        {
            "id": "east-herts",
            "name": "East Herts Council",
            "nation": "england",
            "county": "hertfordshire",
            "process": {"key": "community_trigger_east_herts", "version": None},
        },
    ]


def test_councils_are_paginated(app, client):
    everywhere = ("derby-city", "amber-valley", "bolsover", "chesterfield", "erewash")
    headers = auth_headers(app, client, councils=everywhere)
    body = client.get("/api/v1/councils?page=2&per_page=2", headers=headers).get_json()
    # By name: Amber Valley, Bolsover | Chesterfield, Derby City | Erewash.
    assert [c["id"] for c in body["items"]] == ["chesterfield", "derby-city"]
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert client.get("/api/v1/councils?page=4&per_page=2", headers=headers).get_json()["items"] == []


def test_bad_paging_is_a_422_naming_the_parameter(app, client):
    headers = auth_headers(app, client)
    for query, field in [
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("sort=id", "sort"),
    ]:
        response = client.get(f"/api/v1/councils?{query}", headers=headers)
        assert response.status_code == 422, query
        assert field in response.get_json()["error"]["fields"], query


def test_a_council_shows_the_process_version_its_new_cases_use(app, client, processes):
    headers = auth_headers(app, client, councils=("derby-city",))
    body = client.get("/api/v1/councils", headers=headers).get_json()
    # Derby City runs the Derbyshire county-wide variant.
    assert body["items"][0]["process"] == {
        "key": "community_trigger_derbyshire",
        "version": processes["community_trigger_derbyshire"],
    }

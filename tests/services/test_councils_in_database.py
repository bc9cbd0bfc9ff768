"""Councils are read from the database (issue 16): the councils file only seeds the rows and
their settings, a council the file does not have is listed everywhere councils are, and an import
leaves it alone."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app import clock
from app.councils import settings_document
from app.extensions import db
from app.models import Council, CouncilSettingsVersion, County
from app.services import councils
from tests.factories.users import auth_headers


def add_council_row(app, council_id="newtown", county=("gwent", "Gwent"), name="Newtown Council"):
    """A council only the database has, as an administrator of the service adds one."""
    with app.app_context():
        seed = settings_document(councils.seed_registry().get("derby-city"))
        db.session.add(County(id=county[0], name=county[1]))
        db.session.flush()
        db.session.add(
            Council(
                id=council_id, name=name, nation="wales", county=county[0], reference_prefix="NEW",
                process_key="community_trigger_newtown", sender="smtp", consent={}, ineligible_review=None,
            )
        )  # fmt: skip
        db.session.add(
            CouncilSettingsVersion(
                council_id=council_id, number=1, effective_from=date(2014, 10, 20), created_at=clock.now(),
                created_by="admin@example.org", reason="Added", changes={**seed, "to_confirm": {}},
            )
        )  # fmt: skip
        db.session.commit()


def test_a_council_only_the_database_has_is_listed_and_has_its_settings(app, client):
    add_council_row(app)
    headers = auth_headers(app, client, councils=("newtown",))
    body = client.get("/api/v1/councils", headers=headers).get_json()
    assert body["items"] == [
        {
            "id": "newtown",
            "name": "Newtown Council",
            "nation": "wales",
            "county": "gwent",
            "process": {"key": "community_trigger_newtown", "version": None},
        }
    ]
    with app.app_context():
        policy = councils.policy_for("newtown")
        assert (policy.name, policy.nation, policy.settings_version) == ("Newtown Council", "wales", 1)
        assert policy.calendar.nation == "wales"
        registry = councils.registry()
        assert registry.county("gwent").name == "Gwent"
        assert [c.id for c in registry.councils_in("gwent")] == ["newtown"]
    # The public lists read the database too.
    assert "Newtown Council" in client.get("/privacy").get_data(as_text=True)
    assert client.get("/privacy/newtown").status_code == 200
    assert "Gwent" in client.get("/figures/county/gwent").get_data(as_text=True)


def test_the_database_is_the_truth_over_the_file(app, client):
    with app.app_context():
        db.session.execute(
            update(Council).where(Council.id == "derby-city").values(name="Derby City (renamed)")
        )
        db.session.commit()
        assert councils.policy_for("derby-city").name == "Derby City (renamed)"
        assert councils.registry().get("derby-city").name == "Derby City (renamed)"


def test_an_import_leaves_a_council_the_file_lacks_alone(app, runner):
    add_council_row(app)
    result = runner.invoke(args=["councils", "import"])
    assert result.exit_code == 0, result.output
    assert "newtown" not in result.output.split("Settings:")[0]
    with app.app_context():
        assert db.session.get(Council, "newtown").name == "Newtown Council"
        assert councils.policy_for("newtown").reference_prefix == "NEW"
        assert "newtown" in councils.registry()


def test_a_row_not_imported_since_migration_0021_reads_the_file(app):
    with app.app_context():
        db.session.execute(
            update(Council).where(Council.id == "east-herts").values(process_key=None, consent={})
        )
        db.session.commit()
        policy = councils.policy_for("east-herts")
        assert policy is councils.seed_registry().get("east-herts")
        assert policy.process_key == "community_trigger_east_herts"


def test_the_rows_hold_the_files_policy_after_an_import(app):
    with app.app_context():
        row = db.session.get(Council, "derby-city")
        assert (row.process_key, row.sender) == ("community_trigger_derbyshire", "smtp")
        assert row.consent == {"clock_starts": "completed_application", "follow_up_days": 28}
        assert row.ineligible_review == {
            "within_days": 28,
            "reviewer": "Office of the Police and Crime Commissioner for Derbyshire",
        }
        assert db.session.get(County, "derbyshire").name == "Derbyshire"

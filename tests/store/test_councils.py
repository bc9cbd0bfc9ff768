"""A transaction reads its council rows once, and only those it asks for (app/store/councils.py):
a case's council row comes with the case, in the whole-case query, so running the case asks
nothing more of the database for its settings; and what another process wrote meanwhile (a new
settings version, a renamed council) is seen by the next transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update

from app import clock as app_clock
from app.councils import settings_document
from app.extensions import db
from app.models import CaseTask, Council, CouncilSettingsVersion
from app.services import council_settings
from app.store import cases as case_store
from app.store import councils as council_store
from tests.factories.cases import application
from tests.store.test_cases import OPENED, counted_statements


def open_task(derby) -> int:
    case = derby.open_case(application())
    return case["open_tasks"][0]["id"]


def test_a_cases_council_comes_with_the_case_and_is_read_once_a_transaction(app, derby, clock):
    clock.freeze(OPENED)
    task_id = open_task(derby)
    with app.app_context():
        db.session.expunge_all()
        with counted_statements() as statements:
            case = case_store.get_case_of_task(task_id, ["derby-city"])
            settings = council_settings.settings_for_case(case)
        assert len(statements) == 1  # the whole-case query alone
        assert (settings.id, settings.name, settings.settings_version) == (
            "derby-city",
            "Derby City Council",
            1,
        )
        db.session.commit()
        # A new transaction: the one row asked for, read once.
        with counted_statements() as statements:
            assert council_settings.settings_for("derby-city") is settings
            assert council_settings.settings_for("derby-city") is settings
        assert len(statements) == 1 and "GROUP BY" not in statements[0]
        assert council_store.council_row("nowhere") is None
        # Every council, when a page lists them: one more query, then none.
        every = set(db.session.scalars(select(Council.id)))
        with counted_statements() as statements:
            assert set(council_store.council_rows()) == every
            assert council_store.council_row("amber-valley").record["name"] == "Amber Valley Borough Council"
            assert council_store.council_row("nowhere") is None
        assert len(statements) == 1


def test_what_another_process_wrote_is_seen_by_the_next_transaction(app, derby, clock):
    clock.freeze(OPENED)
    task_id = open_task(derby)
    with app.app_context():
        case = case_store.get_case_of_task(task_id, ["derby-city"])
        before = council_settings.settings_for_case(case)
        contacts = {**settings_document(before)["contacts"], "phone": "01332 000000"}
        db.session.commit()
        # Another process, on its own connection: a new settings version and a new name.
        with db.engine.begin() as other:
            other.execute(
                insert(CouncilSettingsVersion).values(
                    council_id="derby-city", number=2, effective_from=date(2014, 10, 20),
                    created_at=app_clock.now(), created_by="admin@example.org", reason="New number",
                    changes={"contacts": contacts},
                )
            )  # fmt: skip
            other.execute(
                update(Council).where(Council.id == "derby-city").values(name="Derby City (renamed)")
            )
        db.session.expunge_all()
        case = case_store.get_case_of_task(task_id, ["derby-city"])
        after = council_settings.settings_for_case(case)
        assert after.contacts.phone == "01332 000000" and before.contacts.phone != "01332 000000"
        assert after.name == "Derby City (renamed)"
        assert council_settings.settings_for("derby-city").settings_version == 2
        assert after.settings_version == case.settings_version == 1  # the policy it was received under
        assert db.session.scalar(select(CaseTask.case_id).where(CaseTask.id == task_id)) == case.id

"""People of one council, signed in, and the moves they make through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.factories.users import create_user, token_for

ROLES = {
    "officer": ("community_safety_officer", None),
    "manager": ("community_safety_manager", None),
    "chair": ("panel_chair", None),
    "appeals": ("appeal_body", None),
    "police": ("partner_agency", "police"),
    "housing": ("partner_agency", "housing_provider"),
    "icb": ("partner_agency", "icb"),
    "youth": ("partner_agency", "youth_offending"),
    "owner": ("process_owner", None),
}


# Who works each relevant body's records check: the council's own goes to its officers.
CHECKED_BY = {"council": "officer", "police": "police", "housing_provider": "housing", "icb": "icb",
              "youth_offending": "youth"}  # fmt: skip


@dataclass
class Council:
    """A council's staff and partners, each with a token; ``as_(who)`` gives their headers."""

    app: Any
    client: Any
    council_id: str = "derby-city"
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for who, (role, agency) in ROLES.items():
            email = create_user(
                self.app,
                councils=(self.council_id,),
                role=role,
                agency=agency,
                email=f"{who}.{self.council_id}@example.org",
            )
            self.headers[who] = {"Authorization": f"Bearer {token_for(self.client, email)}"}

    def as_(self, who: str) -> dict[str, str]:
        return self.headers[who]

    def open_case(self, body: dict[str, Any], who: str = "officer") -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/councils/{self.council_id}/cases", json=body, headers=self.as_(who)
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def case(self, case_id: int, who: str = "officer") -> dict[str, Any]:
        response = self.client.get(f"/api/v1/cases/{case_id}", headers=self.as_(who))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def open_task(self, case: dict[str, Any], form: str, **match: Any) -> dict[str, Any]:
        found = [
            t
            for t in case["open_tasks"]
            if t["form"] == form and all(t.get(k) == v for k, v in match.items())
        ]
        assert len(found) == 1, (form, match, [t["form"] for t in case["open_tasks"]])
        return found[0]

    def complete(
        self, case: dict[str, Any], form: str, body: dict[str, Any], who: str = "officer", **match: Any
    ):
        task = self.open_task(case, form, **match)
        response = self.client.post(f"/api/v1/tasks/{task['id']}/complete", json=body, headers=self.as_(who))
        assert response.status_code == 200, (form, response.get_json())
        return self.as_staff(response.get_json())

    def as_staff(self, case: dict[str, Any]) -> dict[str, Any]:
        """A partner's completion returns only its part of the case (app/presenters/case_file.py);
        the next move reads the whole case, as the officer sees it."""
        return self.case(case["id"]) if case.get("audience") == "partner" else case

    def check_records(
        self, case: dict[str, Any], answers: dict[str, dict[str, Any]] | None = None, **match: Any
    ) -> dict[str, Any]:
        """Every open records check (``confirm_reports``) completed by its body, each report
        confirmed unless ``answers`` (report id -> answer) says otherwise; the case after the last.
        ``match`` narrows the tasks (e.g. ``agency="police"``)."""
        answers = answers or {}
        case = self.as_staff(case)
        checks = [
            t
            for t in case["open_tasks"]
            if t["form"] == "confirm_reports" and all(t.get(k) == v for k, v in match.items())
        ]
        assert checks, "no records check is open"
        for task in checks:
            who = CHECKED_BY[task["agency"]]
            detail = self.client.get(f"/api/v1/tasks/{task['id']}", headers=self.as_(who))
            assert detail.status_code == 200, detail.get_json()
            reports = [
                {"report": r["report"], **answers.get(r["report"], {"confirmed": True})}
                for r in detail.get_json()["context"]["reports"]
            ]
            response = self.client.post(
                f"/api/v1/tasks/{task['id']}/complete", json={"reports": reports}, headers=self.as_(who)
            )
            assert response.status_code == 200, (task["agency"], response.get_json())
            case = self.as_staff(response.get_json())
        return case

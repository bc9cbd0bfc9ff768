"""The deadlines ahead walk the diagram once per starting steps and answers (app/engine/runtime.py
``_reachable_specs_memo``): a case whose application's facts answer the gateway's conditions
otherwise finds its own steps, never those remembered for another case."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from app.engine import runtime


@dataclass(eq=False)
class Spec:
    """A task spec as the walk reads it: a name, its flows, and a gateway's conditional flows."""

    name: str
    outputs: list = field(default_factory=list)
    cond_task_specs: list = field(default_factory=list)


def diagram() -> Spec:
    """start -> gateway -> consent (if the victim did not apply) or review (if they did)."""
    consent, review = Spec("ask_consent"), Spec("review")
    gateway = Spec("applicant", outputs=[consent, review])
    gateway.cond_task_specs = [
        (SimpleNamespace(args=["applicant_type != 'victim'"]), "ask_consent"),
        (SimpleNamespace(args=["applicant_type == 'victim'"]), "review"),
    ]
    return Spec("start", outputs=[gateway])


def facts(applicant_type: str):
    asked = []

    def ruled_out(condition: str) -> bool:
        asked.append(condition)
        return not eval(condition, {}, {"applicant_type": applicant_type})  # noqa: S307 (the test's own)

    return ruled_out, asked


def names(specs) -> set[str]:
    return {s.name for s in specs}


def test_each_cases_facts_find_their_own_steps_and_a_walk_is_made_once_per_answers():
    start = [diagram()]
    victim, victim_asked = facts("victim")
    first = runtime._reachable_specs_memo(start, victim)
    assert names(first) == {"start", "applicant", "review"}

    third_party, _ = facts("third_party")
    assert names(runtime._reachable_specs_memo(start, third_party)) == {"start", "applicant", "ask_consent"}

    again, again_asked = facts("victim")
    assert runtime._reachable_specs_memo(start, again) is first  # remembered: not walked again
    assert sorted(again_asked) == sorted(set(victim_asked))  # only the conditions asked again

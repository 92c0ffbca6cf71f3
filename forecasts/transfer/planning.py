"""Which resolutions an import appends, decided in memory before anything is written.

The file's own resolutions where they differ from the standing ones, and the automatic
annulments that follow when a condition fails, in the order the services would make them
(``resolve_question`` and ``add_question`` cascade the same way): conditions first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from forecasts import rules
from forecasts.errors import FieldErrors
from forecasts.models import Outcome
from forecasts.transfer import columns as C
from forecasts.transfer.cells import columns_of, display
from forecasts.transfer.nouns import QuestionNoun, Registry, Standing


class ResolutionPlan:
    """The plan for one import: ``link_conditions`` once every row is read, then ``plan``
    gives the resolutions to append (dicts with the question, outcome, option label,
    known-at, evidence, note, and whether it is automatic). A problem found on the way
    goes to ``bad(line, cells, [(column, rule)], values)``, as a bad row does."""

    def __init__(
        self, registry: Registry, new_questions: list[QuestionNoun], bad: Callable[..., None]
    ):
        self.registry = registry
        self.new_questions = new_questions
        self._bad = bad
        self.appends: list[dict] = []
        self.dependents: dict[int, list[QuestionNoun]] = defaultdict(list)

    def link_conditions(self) -> None:
        """Link each new question to its condition (named by statement or slug, in the
        registry or anywhere in the file) and check the outcome it needs."""
        for question in self.new_questions:
            text = question.condition_text
            if not text:
                continue
            values = {"condition": text, "condition_outcome": question.condition_outcome or ""}
            known = self.registry
            target = known.question_by_statement.get(text) or known.question_by_slug.get(text)
            if target is None:
                problem = (
                    "condition",
                    "names no question in the registry or the file (give its statement or slug)",
                )
            elif target.bad:
                problem = ("condition", f"the question defined on line {target.line} has errors")
            elif target is question or self._depends_on(target, question):
                problem = ("condition", rules.CONDITION_CYCLE)
            else:
                errors = FieldErrors()
                outcome = rules.check_condition_outcome(
                    errors,
                    rules.outcome_labels(target.kind, target.labels),
                    question.condition_outcome,
                )
                if outcome is not None:
                    question.condition, question.condition_outcome = target, outcome
                    continue
                problem = columns_of("question", errors.items)[0]
            self._bad(question.line, None, [problem], values)

    @staticmethod
    def _depends_on(question: QuestionNoun, target: QuestionNoun) -> bool:
        seen = set()
        current: QuestionNoun | None = question
        while current is not None and current.ref not in seen:
            if current is target:
                return True
            seen.add(current.ref)
            current = current.condition
        return False

    def plan(self) -> list[dict]:
        """Decide, in memory, which resolutions to append: the file's, where they differ from
        the standing ones, and the automatic annulments of questions whose condition fails
        (as ``resolve_question`` and ``add_question`` cascade), conditions first."""
        involved = [q for q in self.new_questions if q.condition is not None or q.resolution]
        involved += [q for q in self.registry.questions_by_id.values() if q.resolution is not None]
        if not involved:
            return self.appends
        for question in [*self.registry.questions_by_id.values(), *self.new_questions]:
            if question.condition is not None:
                self.dependents[question.condition.ref].append(question)

        def depth(question: QuestionNoun) -> int:
            n, current, seen = 0, question.condition, {question.ref}
            while current is not None and current.ref not in seen:
                seen.add(current.ref)
                n, current = n + 1, current.condition
            return n

        for question in sorted(involved, key=depth):
            if question.new and question.condition is not None and question.standing is None:
                reason = self._failure(question)
                if reason:  # added after its condition failed: starts annulled
                    self._append_automatic(question, reason)
                    self._cascade(question)
            wanted = question.resolution
            if wanted is None:
                continue
            errors = FieldErrors()
            rules.check_condition_allows(
                errors, self._failure(question), wanted["option_label"] or wanted["outcome"]
            )
            if errors.items:
                values = {
                    column: display(cell)
                    for column, cell in zip(C.RESOLUTION, question.resolution_cells, strict=True)
                }
                self._bad(
                    question.resolution_line,
                    None,
                    columns_of("resolution", errors.items),
                    values,
                )
                continue
            label = wanted["option_label"] or wanted["outcome"]
            standing = question.standing
            if (
                standing is not None
                and standing.label == label
                and (
                    standing.outcome == Outcome.ANNULLED or standing.known_at == wanted["known_at"]
                )
            ):
                continue  # the registry already says so
            self._append(
                question,
                outcome=wanted["outcome"],
                label=label,
                known_at=wanted["known_at"],
                evidence_url=wanted["evidence_url"],
                note=wanted["note"],
                automatic=False,
            )
            self._cascade(question)
        return self.appends

    def _failure(self, question: QuestionNoun) -> str | None:
        condition = question.condition
        if condition is None or condition.standing is None:
            return None
        standing = condition.standing
        return rules.condition_failure(
            condition.slug, standing.outcome, standing.label, question.condition_outcome
        )

    def _cascade(self, condition: QuestionNoun) -> None:
        for dependent in self.dependents.get(condition.ref, ()):
            reason = self._failure(dependent)
            standing = dependent.standing
            if reason is None or (standing is not None and standing.outcome == Outcome.ANNULLED):
                continue
            wanted = dependent.resolution
            if (
                wanted is not None
                and wanted["outcome"] == Outcome.ANNULLED
                and wanted["note"] != rules.automatic_annulment_note(reason)
            ):
                # The file annuls it with its own reason (annulled by hand before the
                # condition failed, as an export shows it): keep that annulment.
                self._append(
                    dependent,
                    outcome=wanted["outcome"],
                    label=wanted["outcome"],
                    known_at=wanted["known_at"],
                    evidence_url=wanted["evidence_url"],
                    note=wanted["note"],
                    automatic=False,
                )
            else:
                self._append_automatic(dependent, reason)
            self._cascade(dependent)

    def _append_automatic(self, question: QuestionNoun, reason: str) -> None:
        self._append(
            question,
            outcome=Outcome.ANNULLED.value,
            label=Outcome.ANNULLED.value,
            known_at=question.condition.standing.known_at,
            evidence_url=None,
            note=rules.automatic_annulment_note(reason),
            automatic=True,
        )

    def _append(self, question: QuestionNoun, **resolution) -> None:
        self.appends.append(
            {"question": question, "had_resolution": question.standing is not None, **resolution}
        )
        question.standing = Standing(
            resolution["outcome"], resolution["label"], resolution["known_at"]
        )

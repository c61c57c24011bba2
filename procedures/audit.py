"""A procedure's history as staff read it: each correction with the sites and drugs it changed ("Triamcinolone
80 → 40 mg"), and overrides named by their rules.

A correction replaces the procedure's site and drug rows (`services.procedure_update`): the rows it deleted and
wrote are kept in their own history, saved just after the procedure's, so each change of parts belongs to the
latest version of its procedure saved before it.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from clinic.audit import Change, HistoryEntry, HistorySource, Reading, amount, entries, latest_versions
from procedures.models import LimitRule, Procedure, ProcedureMedication, ProcedureSite


def _subject(record: Any) -> str:
    return f"{record.procedure_type.name} on {timezone.localdate(record.performed_at):%Y-%m-%d}"


def _url(record: Any) -> str:
    return reverse("procedures:detail", args=[record.id])


def _rule_names(codes: Sequence[str]) -> dict[str, str]:
    return dict(LimitRule.objects.filter(code__in=codes).values_list("code", "name"))


def overridden_rule_names(procedure: Procedure) -> list[str]:
    """The names of the hard limits a procedure was saved past (one query; none when it passed none)."""
    codes = [code for code in procedure.overridden_rules.split(",") if code]
    names = _rule_names(codes) if codes else {}
    return [names.get(code, code) for code in codes]


def _reading(names: dict[str, str]) -> Reading:
    def rules(value: Any) -> str:
        codes = [code for code in (value or "").split(",") if code]
        return "; ".join(names.get(code, code) for code in codes) or "—"

    return Reading(
        created="Logged",
        subject=_subject,
        url=_url,
        what=lambda record, fields: "Voided" if "voided_at" in fields and record.voided_at else None,
        show={"overridden_rules": rules},
        on_create=("overridden_rules", "override_reason"),
    )


def procedure_entries(versions: Sequence[Any]) -> list[HistoryEntry]:
    """The entries of these procedure versions (every version of each procedure), with their parts' changes.

    Four queries and one per related model named in a change, whatever the number of versions.
    """
    codes = {code for v in versions for code in v.overridden_rules.split(",") if code}
    found = entries(Procedure, versions, _reading(_rule_names(sorted(codes))))
    ids = {v.id for v in versions}
    sites = ProcedureSite.history.filter(procedure_id__in=ids).exclude(history_type="~")
    drugs = ProcedureMedication.history.filter(procedure_id__in=ids).exclude(history_type="~").select_related("drug")
    _attach_parts(found, [*sites, *drugs])
    return found


def _attach_parts(found: list[HistoryEntry], parts: Iterable[Any]) -> None:
    """Each correction's site and drug rows, as changes of the procedure entry they followed."""
    by_procedure: dict[Any, list[HistoryEntry]] = defaultdict(list)
    for entry in sorted(found, key=lambda e: (e.when, e.history_id)):
        by_procedure[entry.object_id].append(entry)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for part in parts:
        versions = by_procedure.get(part.procedure_id, [])
        at = bisect_right([e.when for e in versions], part.history_date) - 1
        if at >= 0:
            grouped[id(versions[at])].append(part)
    for versions in by_procedure.values():
        for entry in versions:
            if entry.what != "Logged":  # what was logged is the procedure itself, named in the entry
                entry.changes.extend(_part_changes(grouped.get(id(entry), [])))


def _part_changes(parts: list[Any]) -> list[Change]:
    removed = [p for p in parts if p.history_type == "-"]
    added = [p for p in parts if p.history_type == "+"]
    changes = []
    old_sites = _sites([p for p in removed if p.instance_type is ProcedureSite])
    new_sites = _sites([p for p in added if p.instance_type is ProcedureSite])
    if old_sites != new_sites:
        changes.append(Change("Levels and sides", old_sites or "—", new_sites or "—"))
    old = _doses([p for p in removed if p.instance_type is ProcedureMedication])
    new = _doses([p for p in added if p.instance_type is ProcedureMedication])
    for drug in [*old, *(d for d in new if d not in old)]:
        before, after = old.get(drug), new.get(drug)
        if before is not None and after is not None and before != after:
            changes.append(Change(drug, before, after, unit="mg"))
        elif after is None and before is not None:
            changes.append(Change("Drug", f"{drug} {before} mg", "—"))
        elif before is None and after is not None:
            changes.append(Change("Drug", "—", f"{drug} {after} mg"))
    return changes


def _sites(rows: list[Any]) -> str:
    return ", ".join(str(row.instance) for row in sorted(rows, key=lambda r: (r.position, r.id)))


def _doses(rows: list[Any]) -> dict[str, str]:
    """Each drug's dose; a drug given twice shows its doses added up, as the record's exposure counts them."""
    total: dict[str, Any] = defaultdict(int)
    for row in rows:
        total[row.drug.name] += row.dose_mg
    return {name: amount(dose) for name, dose in total.items()}


def procedure_history(procedure: Procedure) -> list[HistoryEntry]:
    """One procedure's whole history, newest first."""
    return procedure_entries(list(procedure.history.select_related("history_user", "procedure_type")))


def patient_procedures_history(patient_id: int, limit: int | None) -> list[HistoryEntry]:
    """The latest `limit` changes to a patient's procedures, newest first."""
    versions, latest = latest_versions(Procedure.history.filter(patient_id=patient_id), limit, "procedure_type")
    return [entry for entry in procedure_entries(versions) if entry.history_id in latest]


SOURCE = HistorySource("procedures.view_historicalprocedure", patient_procedures_history)

"""The entry form hands the logging and correcting services exactly the fields their signatures name."""

from procedures.forms import ProcedureForm
from procedures.services import ProcedureChanges, ProcedureFields, RecordFields


def test_the_entry_forms_fields_are_the_records_fields_the_services_take():
    assert set(ProcedureForm.Meta.fields) == set(RecordFields.__annotations__)
    assert set(RecordFields.__annotations__) == set(ProcedureChanges.__annotations__)
    assert set(RecordFields.__annotations__) - set(ProcedureFields.__annotations__) == {"procedure_type"}

"""The upload form and the mapping form: which of the file's columns holds each field."""

from typing import Any

from django import forms

from clinic.staff import PhysicianChoiceField
from imports import reading
from imports.columns import BY_KEY, FIELDS

NOT_IN_FILE = ""
REQUIRED = ("date", "procedure", "levels", "side")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Procedure log",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 10 MB, with the column names in its first row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > reading.MAX_BYTES:
            raise forms.ValidationError(reading.TOO_BIG.format(size=upload.size / 1024 / 1024))
        return upload


class ColumnsForm(forms.Form):
    """One choice per field among the file's headers; the physician for rows that name none."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "— not in the file —"), *((h, h) for h in headers if h)]
        for field in FIELDS:
            self.fields[field.key] = forms.ChoiceField(
                choices=choices, required=False, label=field.label, help_text=field.help
            )
        self.fields["default_physician"] = PhysicianChoiceField(
            include_inactive=True,
            required=False,
            label="Physician for rows without one",
            help_text="Used where the physician cell is empty, or for every row when no column names one.",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = {key: cleaned.get(key, NOT_IN_FILE) for key in BY_KEY}
        for key in REQUIRED:
            if not chosen[key]:
                self.add_error(key, f"Choose the column that holds the {BY_KEY[key].label.lower()}.")
        if not chosen["mrn"] and not all(chosen[k] for k in ("first_name", "last_name", "date_of_birth")):
            self.add_error("mrn", "Choose the MRN column, or the first name, last name and date of birth columns.")
        if bool(chosen["drug"]) != bool(chosen["dose"]):
            missing = "dose" if chosen["drug"] else "drug"
            self.add_error(missing, f"Choose the {BY_KEY[missing].label.lower()} column too, or neither.")
        if not chosen["physician"] and not cleaned.get("default_physician"):
            self.add_error("default_physician", "Choose the physician column, or the physician for every row.")
        used: dict[str, str] = {}
        for key, header in chosen.items():
            if header and header in used:
                self.add_error(key, f"“{header}” is already the {BY_KEY[used[header]].label.lower()} column.")
            used.setdefault(header, key)
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in BY_KEY if self.cleaned_data.get(key)}

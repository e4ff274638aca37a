"""Forms: JSON Schema (draft 2020-12) forms with ui schemas; pure Python, no IO, no engine."""

from forms.errors import FieldError, FormError, InvalidFormSchemaError
from forms.form import Form, merge_submission, ui_schema_for, validate_form_data
from forms.loading import load_form

__all__ = [
    "FieldError",
    "Form",
    "FormError",
    "InvalidFormSchemaError",
    "load_form",
    "merge_submission",
    "ui_schema_for",
    "validate_form_data",
]

"""Form pieces shared by the apps: photo fields that survive an error, service errors at their field.

* `HeldImageField` (one photo, or several with `multiple=True`): each file is checked by
  `lib/images.py` in the field, so a bad file's message stands at the field, per file; a good
  file is *held* (`lib/uploads.py`) when the form comes back with errors, and the page shows
  "Foto sudah dipilih: <thumbnail> — ganti" instead of asking for it again.
* `PortalForm`: the base of a form with such fields (`holder=uploads.holder_of(request)`), and
  `add_service_error(exc)`, which puts a service's ValidationError at the field its code or
  its dict key names (`error_fields = {code: field}`), the rest above the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import uploads
from .images import image_validate

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class _Posted:
    """What the widget read from a POST: new files, tokens of held ones, and "do not use"."""

    def __init__(self, files, tokens, drop):
        self.files, self.tokens, self.drop = files, tokens, drop

    def __bool__(self):
        return bool(self.files or (self.tokens and not self.drop))


class HeldImageInput(forms.ClearableFileInput):
    """A file input that, when files are held, shows them (thumbnail, name) with their tokens."""

    template_name = "widgets/held_image.html"

    def __init__(self, attrs=None, *, multiple=False):
        attrs = {"accept": IMAGE_ACCEPT, **(attrs or {})}
        self.allow_multiple_selected = multiple
        if multiple:
            attrs["multiple"] = True
        super().__init__(attrs)
        self.held: list[uploads.Held] = []
        self.can_drop = True

    def value_from_datadict(self, data, files, name):
        chosen = [f for f in (files.getlist(name) if hasattr(files, "getlist") else [files.get(name)]) if f]
        tokens = [t for t in (data.getlist(f"{name}_held") if hasattr(data, "getlist") else []) if t]
        return _Posted(chosen, tokens, bool(data.get(f"{name}_drop")))

    def value_omitted_from_data(self, data, files, name):
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        context["widget"].update(held=self.held, can_drop=self.can_drop, multiple=self.allow_multiple_selected)
        return context


class HeldImageField(forms.Field):
    """One image (a file object or None) or, with `multiple=True`, a list of them (at most `max_files`)."""

    widget = HeldImageInput
    default_error_messages = {
        "required": _("Pilih foto."),
        "expired": _("Foto yang dipilih tadi sudah tidak tersimpan; pilih lagi."),
        "too_many": _("Paling banyak %(n)s foto."),
    }

    def __init__(self, *, multiple=False, max_files=None, **kwargs):
        self.multiple, self.max_files = multiple, max_files
        kwargs.setdefault("widget", HeldImageInput(multiple=multiple))
        super().__init__(**kwargs)
        self.widget.can_drop = not self.required
        self.holder = ""

    def clean(self, value):
        posted = value if isinstance(value, _Posted) else _Posted([value] if value else [], [], False)
        files = list(posted.files) or ([] if posted.drop else self._held_files(posted.tokens))
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if self.max_files and len(files) > self.max_files:
            raise ValidationError(self.error_messages["too_many"] % {"n": self.max_files}, code="too_many")
        problems = []
        for file in files:
            if getattr(file, "held", None) is not None:
                continue  # checked when it was chosen
            try:
                image_validate(file)
                file.seek(0)
            except ValidationError as exc:
                prefix = f"{file.name}: " if self.multiple else ""
                problems.extend(ValidationError(prefix + str(m), code=exc.code) for m in exc.messages)
        if problems:
            raise ValidationError(problems)
        return files if self.multiple else (files[0] if files else None)

    def _held_files(self, tokens):
        files = [uploads.held_open(token, holder=self.holder) for token in tokens]
        if any(f is None for f in files):
            raise ValidationError(self.error_messages["expired"], code="expired")
        return files


class PortalForm(forms.Form):
    """A form whose photos are held when it comes back with errors, and which routes service errors."""

    error_fields: dict[str, str] = {}

    def __init__(self, *args, holder="", **kwargs):
        super().__init__(*args, **kwargs)
        self.holder = holder
        for field in self._held_fields():
            field.holder = holder

    def _held_fields(self):
        return [f for f in self.fields.values() if isinstance(f, HeldImageField)]

    def full_clean(self):
        self._cleaned = False
        super().full_clean()
        self._cleaned = True
        self._hold()

    def add_error(self, field, error):
        super().add_error(field, error)
        if getattr(self, "_cleaned", False):
            self._hold()

    def add_service_error(self, exc: ValidationError) -> None:
        """A service's ValidationError: dict keys and known codes at their field, the rest above the form."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
            return
        for error in exc.error_list:
            name = self.error_fields.get(error.code or "")
            self.add_error(name if name in self.fields else None, error)

    def _hold(self):
        """With errors to show, keep every valid photo so the page can offer it again."""
        if not self.is_bound or not self._errors or not self.holder:
            return  # no holder: a form whose page does not come back (e.g. it redirects with a message)
        for name, field in self.fields.items():
            if not isinstance(field, HeldImageField) or name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            files = value if isinstance(value, list) else [value] if value else []
            for file in files:
                if getattr(file, "held", None) is None:
                    file.held = uploads.hold(file, holder=self.holder)
            field.widget.held = [file.held for file in files]

    def held_release(self) -> None:
        """After a successful save: the held copies are no longer needed."""
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name) if isinstance(field, HeldImageField) else None
            for file in value if isinstance(value, list) else [value] if value else []:
                if getattr(file, "held", None) is not None:
                    uploads.held_release(file.held.token, holder=self.holder)

"""Dashboard filter and IKM target forms (messages in Bahasa Indonesia)."""

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib import l10n
from blitar_portal.lib.params import BoundedDateField

from .selectors import DEFAULT_DAYS, GRANULARITIES, MAX_DAYS_PER_VIEW, Filters
from .services import HISTORY_START

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VIEW_CHOICES = [
    ("", _("Otomatis")),
    ("hari", _("Harian")),
    ("minggu", _("Mingguan")),
    ("bulan", _("Bulanan")),
    ("tahun", _("Tahunan")),
]


class FilterForm(forms.Form):
    # Bounded: a date like 0001-01-01 would overflow the period arithmetic below.
    mulai = BoundedDateField(label=_("Dari tanggal"), widget=DATE_WIDGET)
    sampai = BoundedDateField(label=_("Sampai tanggal"), widget=DATE_WIDGET)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    tampilan = forms.ChoiceField(
        label=_("Tampilan"),
        required=False,
        choices=VIEW_CHOICES,
        error_messages={"invalid_choice": _("Pilih tampilan harian, mingguan, bulanan, atau tahunan.")},
    )

    def __init__(self, data=None, *, kecamatan_list, today=None):
        self.today = today or timezone.localdate()
        start = self.today - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if data is not None and not (data.get("mulai") or data.get("sampai")):
            # Only a kecamatan or a view chosen: keep showing (and applying) the default period.
            data = data.copy()
            data["mulai"], data["sampai"] = start.isoformat(), self.today.isoformat()
        super().__init__(data, initial={"mulai": start, "sampai": self.today})
        self.kecamatan_by_slug = {k.slug: k for k in kecamatan_list}
        self.fields["kecamatan"].choices = [("", _("Semua kecamatan"))] + [(k.slug, k.name) for k in kecamatan_list]
        for name in ("mulai", "sampai"):
            self.fields[name].widget = forms.DateInput(
                attrs={"type": "date", "min": HISTORY_START.isoformat(), "max": self.today.isoformat()},
                format="%Y-%m-%d",
            )

    def clean(self):
        data = super().clean()
        end = data.get("sampai") or self.today
        start = data.get("mulai") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("Tanggal mulai harus sebelum atau sama dengan tanggal akhir."))
        if end > self.today:
            raise forms.ValidationError(_("Tanggal akhir tidak boleh di masa depan."))
        if start < HISTORY_START:
            raise forms.ValidationError(
                _("Data dasbor dimulai %(date)s (awal program): pilih tanggal mulai sejak itu.")
                % {"date": l10n.date(HISTORY_START)}
            )
        view = data.get("tampilan") or ""
        longest = MAX_DAYS_PER_VIEW.get(GRANULARITIES.get(view, ""))
        if longest and (end - start).days + 1 > longest:
            raise forms.ValidationError(
                _("Tampilan %(view)s paling lama %(days)s hari: pilih tampilan bulanan atau tahunan.")
                % {"view": str(dict(VIEW_CHOICES)[view]).lower(), "days": longest}
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self):
        """Filters from valid input, or the defaults when the input is invalid.

        The inputs are then redrawn with the period the figures show (the message says what was
        wrong), so the dates in the form always match the figures below them."""
        if self.is_valid():
            kecamatan = self.kecamatan_by_slug.get(self.cleaned_data.get("kecamatan") or "")
            result = Filters(
                start=self.cleaned_data["start"],
                end=self.cleaned_data["end"],
                kecamatan=kecamatan,
                view=self.cleaned_data.get("tampilan") or "",
            )
        else:
            result = Filters(start=self.today - datetime.timedelta(days=DEFAULT_DAYS - 1), end=self.today)
        if self.is_bound:
            self.errors  # noqa: B018 - validate before the inputs are redrawn
            self.data = QueryDict(result.querystring())
        return result


class IkmTargetForm(forms.Form):
    target = forms.IntegerField(
        label=_("Target IKM online"),
        min_value=1,
        max_value=100_000,
        error_messages={"min_value": _("Target minimal 1 IKM."), "invalid": _("Target harus berupa bilangan bulat.")},
    )
    target_date = forms.DateField(label=_("Tanggal target"), widget=DATE_WIDGET)

    def clean_target_date(self):
        value = self.cleaned_data["target_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Tanggal target harus di masa depan."))
        return value


# --- staff review pages (views_review.py) ------------------------------------------------------

BULK_MAX = 100


class ReviewDecisionForm(forms.Form):
    """Verifikasi, or Tolak with a reason template (and an optional note)."""

    keputusan = forms.ChoiceField(
        choices=[("verifikasi", _("Verifikasi")), ("tolak", _("Tolak"))],
        error_messages={"required": _("Pilih keputusan."), "invalid_choice": _("Keputusan tidak dikenal.")},
    )
    alasan = forms.ChoiceField(
        label=_("Alasan penolakan"),
        required=False,
        error_messages={"invalid_choice": _("Pilih salah satu alasan dari daftar.")},
    )
    catatan = forms.CharField(
        label=_("Catatan untuk pemilik (opsional)"),
        required=False,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Catatan paling banyak %(limit_value)d karakter.")},
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_texts = dict(reasons)
        self.fields["alasan"].choices = [("", _("— pilih alasan —")), *reasons]

    def clean(self):
        data = super().clean()
        if data.get("keputusan") == "tolak" and not data.get("alasan") and "alasan" not in self.errors:
            self.add_error("alasan", _("Pilih alasan penolakan: pemilik perlu tahu apa yang harus diperbaiki."))
        return data

    def reason(self):
        """The reason as the owner reads it: the template in Bahasa (the stored record's language),
        then the note."""
        from django.utils import translation

        with translation.override("id"):
            text = str(self.reason_texts[self.cleaned_data["alasan"]])
        note = self.cleaned_data.get("catatan", "").strip()
        return f"{text}. {note}" if note else text


class BulkIdsField(forms.Field):
    """Up to BULK_MAX database ids from repeated `pilih` values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > BULK_MAX:
            raise forms.ValidationError(_("Pilih paling banyak %(n)s item sekaligus.") % {"n": BULK_MAX})
        ids = []
        for item in values:
            try:
                number = int(str(item))
            except ValueError:
                raise forms.ValidationError(_("Pilihan tidak dikenal.")) from None
            if not 1 <= number <= 2**63 - 1:
                raise forms.ValidationError(_("Pilihan tidak dikenal."))
            ids.append(number)
        return list(dict.fromkeys(ids))

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Pilih minimal satu item untuk diverifikasi."))


class BulkVerifyForm(forms.Form):
    pilih = BulkIdsField()
    konfirmasi = forms.BooleanField(required=False)

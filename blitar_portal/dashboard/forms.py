"""Dashboard filter and IKM target forms (messages in Bahasa Indonesia)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.params import BoundedDateField

from .selectors import DEFAULT_DAYS, Filters
from .services import HISTORY_DAYS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    # Bounded: a date like 0001-01-01 would overflow the period arithmetic below.
    mulai = BoundedDateField(label=_("Dari tanggal"), widget=DATE_WIDGET)
    sampai = BoundedDateField(label=_("Sampai tanggal"), widget=DATE_WIDGET)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)

    def __init__(self, data=None, *, kecamatan_list, today=None):
        self.today = today or timezone.localdate()
        start = self.today - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if data is not None and not (data.get("mulai") or data.get("sampai")):
            # Only a kecamatan chosen: keep showing (and applying) the default period.
            data = data.copy()
            data["mulai"], data["sampai"] = start.isoformat(), self.today.isoformat()
        super().__init__(data, initial={"mulai": start, "sampai": self.today})
        self.kecamatan_by_slug = {k.slug: k for k in kecamatan_list}
        self.fields["kecamatan"].choices = [("", _("Semua kecamatan"))] + [(k.slug, k.name) for k in kecamatan_list]

    def clean(self):
        data = super().clean()
        end = data.get("sampai") or self.today
        start = data.get("mulai") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("Tanggal mulai harus sebelum atau sama dengan tanggal akhir."))
        if end > self.today:
            raise forms.ValidationError(_("Tanggal akhir tidak boleh di masa depan."))
        if (self.today - start).days >= HISTORY_DAYS // 2:
            raise forms.ValidationError(
                _("Dasbor menyimpan riwayat harian %(days)s hari: pilih tanggal mulai yang lebih baru.")
                % {"days": HISTORY_DAYS // 2}
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self):
        """Filters from valid input, or the defaults when the input is invalid."""
        if self.is_valid():
            kecamatan = self.kecamatan_by_slug.get(self.cleaned_data.get("kecamatan") or "")
            return Filters(start=self.cleaned_data["start"], end=self.cleaned_data["end"], kecamatan=kecamatan)
        end = self.today
        return Filters(start=end - datetime.timedelta(days=DEFAULT_DAYS - 1), end=end)


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

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Topic

QUIET_CHOICES = [
    ("", _("Bawaan (21.00–06.00 WIB)")),
    ("22:00-05:00", _("22.00–05.00 WIB")),
    ("20:00-07:00", _("20.00–07.00 WIB")),
    ("off", _("Tanpa jam tenang")),
]


class PreferencesForm(forms.Form):
    """A signed-in person's channels, topics, language and quiet hours."""

    phone = forms.CharField(
        label=_("Nomor WhatsApp/HP"),
        required=False,
        max_length=20,
        help_text=_("Mis. 0812 3456 7890. Persetujuan WhatsApp/SMS berlaku untuk nomor ini."),
    )
    whatsapp = forms.BooleanField(label=_("Kirim lewat WhatsApp"), required=False)
    sms = forms.BooleanField(label=_("Kirim lewat SMS"), required=False)
    email = forms.BooleanField(label=_("Kirim lewat email akun"), required=False)
    topics = forms.MultipleChoiceField(
        label=_("Topik"), required=False, choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Bahasa pesan"), choices=settings.LANGUAGES)
    quiet_hours = forms.ChoiceField(
        label=_("Jam tenang"),
        required=False,
        choices=QUIET_CHOICES,
        help_text=_("Pesan yang tidak mendesak ditunda sampai jam tenang selesai."),
    )

    def clean_phone(self):
        from .services import e164

        value = self.cleaned_data["phone"].strip()
        return e164(value) if value else ""

    def clean(self):
        data = super().clean()
        if (data.get("whatsapp") or data.get("sms")) and not data.get("phone") and "phone" not in self.errors:
            raise ValidationError({"phone": _("Isi nomor WhatsApp/HP untuk menerima pesan lewat WhatsApp atau SMS.")})
        return data

    def consents(self):
        return [c for c in ("whatsapp", "sms", "email") if self.cleaned_data.get(c)]


class StopForm(forms.Form):
    """The stop link's confirmation (a GET never changes anything: link scanners open links)."""

    confirm = forms.BooleanField(initial=True, widget=forms.HiddenInput)

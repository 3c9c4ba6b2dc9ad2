from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

User = get_user_model()


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"), help_text=_("Untuk mengatur ulang kata sandi dan pemberitahuan."))
    first_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    consent = forms.BooleanField(
        label=_(
            "Saya menyetujui Pemerintah Kabupaten Blitar memproses nama dan email saya untuk akun ini, "
            "sesuai Kebijakan Privasi dan UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi."
        ),
        error_messages={"required": _("Persetujuan pemrosesan data pribadi wajib dicentang.")},
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Email ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi."))
        return email

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai. Silakan pilih yang lain."))
        return username


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "email"]
        labels = {"first_name": _("Nama lengkap"), "email": _("Email")}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Email ini sudah dipakai akun lain."))
        return email


__all__ = ["SignUpForm", "ProfileForm", "password_validation"]

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blitar_portal.lib.ratelimit import rate_limit

from .forms import ProfileForm, SignUpForm
from .services import user_register


@rate_limit("signup", method="POST")
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_register(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Selamat datang! Akun Anda sudah dibuat."))
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("accounts:profile")
    return render(request, "accounts/signup.html", {"form": form})


def _reset_address(group, request):
    return request.POST.get("email", "").strip().lower()


# The same text whether or not an account has that address: counting every address
# asked for reveals nothing about which ones exist.
RESET_LIMITED = gettext_lazy(
    "Terlalu banyak permintaan atur ulang kata sandi. Tidak ada e-mail yang dikirim. "
    "Silakan coba lagi dalam %(minutes)s menit."
)


@method_decorator(rate_limit("password-reset-ip", method="POST", message=RESET_LIMITED), name="dispatch")
@method_decorator(
    rate_limit("password-reset-email", key=_reset_address, method="POST", message=RESET_LIMITED), name="dispatch"
)
class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per IP and per target address (RATE_LIMITS)."""


@login_required
def start(request):
    """Where a user lands after login: the first app whose config names a start page for them
    (`AppConfig.start_url(user)`, e.g. a hospital clerk's work page), else their profile."""
    for config in apps.get_app_configs():
        start_url = getattr(config, "start_url", None)
        url = start_url(request.user) if callable(start_url) else None
        if url:
            return redirect(url)
    return redirect("accounts:profile")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profil Anda sudah disimpan."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})

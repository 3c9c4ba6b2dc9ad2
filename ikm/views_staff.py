"""Diskominfo's pages of 999 IKM outside the admin: a programme's participants with their attendance and
outcome, and a shop's capacity and certificates over time next to the programmes it attended.

Programmes are published, and attendance recorded, in the admin (`ikm/admin.py`, through
`services_programmes.py`); these pages only read.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from blitar_portal.accounts.roles import is_diskominfo

from . import selectors_programmes


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_diskominfo(request.user):
            raise PermissionDenied(_("Halaman ini hanya untuk petugas Diskominfo."))
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def staff_programme(request, pk):
    programme = selectors_programmes.programme_for_staff(pk)
    if programme is None:
        raise Http404(_("Program tidak ditemukan."))
    return render(
        request,
        "ikm/staff/programme.html",
        {
            "programme": programme,
            "registrations": selectors_programmes.programme_registrations(programme),
            "taken": selectors_programmes.programme_registered_count(programme),
        },
    )


@staff_required
def staff_shop_history(request, pk):
    shop = selectors_programmes.shop_for_staff(pk)
    if shop is None:
        raise Http404(_("Toko tidak ditemukan."))
    return render(
        request,
        "ikm/staff/shop_history.html",
        {
            "shop": shop,
            "history": selectors_programmes.shop_history(shop),
            "registrations": selectors_programmes.shop_registrations(shop),
        },
    )

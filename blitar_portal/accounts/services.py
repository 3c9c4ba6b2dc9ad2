"""Writes of accounts."""

from typing import Any

from django.contrib.auth.models import Group, User  # the user model (AUTH_USER_MODEL is not set)
from django.db import transaction


@transaction.atomic
def user_register(*, username: str, email: str, password: str, first_name: str = "") -> User:
    user = User(username=username, email=email.strip().lower(), first_name=first_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_add_role(*, user: User, group_name: str) -> User:
    user.groups.add(Group.objects.get(name=group_name))
    if hasattr(user, "_role_names"):
        del user._role_names
    return user


# Diskominfo runs the programme: it manages every object of these apps in the admin.
DISKOMINFO_APP_LABELS = ["ehealth", "ikm", "tanam", "regions"]


def diskominfo_grant_permissions(sender: Any = None, **kwargs: Any) -> None:
    """post_migrate: role groups exist, and Diskominfo may manage every model of the quick-win apps.

    Runs per migrated app (after auth created that app's permissions); idempotent.
    """
    from django.contrib.auth.models import Permission

    from .roles import ALL_GROUPS, DISKOMINFO

    # Groups come from migration 0001, but a test flush empties the table.
    for name in ALL_GROUPS:
        Group.objects.get_or_create(name=name)
    if sender is not None and sender.label in DISKOMINFO_APP_LABELS:
        permissions = Permission.objects.filter(content_type__app_label=sender.label)
        Group.objects.get(name=DISKOMINFO).permissions.add(*permissions)

"""Writes of accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

User = get_user_model()


@transaction.atomic
def user_register(*, username, email, password, first_name=""):
    user = User(username=username, email=email.strip().lower(), first_name=first_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_add_role(*, user, group_name):
    user.groups.add(Group.objects.get(name=group_name))
    if hasattr(user, "_role_names"):
        del user._role_names
    return user

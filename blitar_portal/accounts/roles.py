"""The portal's roles (CONTRIBUTING.md, "Where each rule lives"). Group names are data: created by migration 0001."""

HOSPITAL_STAFF = "Petugas RS"
IKM_OWNER = "Pemilik IKM"
DISKOMINFO = "Diskominfo"
ALL_GROUPS = [HOSPITAL_STAFF, IKM_OWNER, DISKOMINFO]


def has_role(user, group_name):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object for the request: templates ask several times.
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return group_name in cached


def is_diskominfo(user):
    return has_role(user, DISKOMINFO)

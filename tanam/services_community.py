"""Writes of community membership: a signed-in citizen joins a community, chooses whether their
name is shown on its page, and leaves it. The only place that changes `tanam.Membership`."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Community, Membership


def membership_join(*, community: Community, user: User, listed: bool) -> Membership:
    """Join (or, already a member, change the listing choice). `listed`: the person's consent to show
    their name and plantings on the community page; it can be withdrawn at any time."""
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Masuk terlebih dahulu untuk bergabung dengan komunitas."), code="not_authenticated")
    now = timezone.now()
    try:
        with transaction.atomic():
            membership, created = Membership.objects.select_for_update().get_or_create(
                community=community, user=user, defaults={"listed": listed, "listed_changed_at": now}
            )
    except IntegrityError:  # joined twice at once (two tabs): the other request made the row
        membership, created = Membership.objects.get(community=community, user=user), False
    if not created and membership.listed != listed:
        membership.listed, membership.listed_changed_at = listed, now
        membership.full_clean()
        membership.save(update_fields=["listed", "listed_changed_at"])
    return membership


def membership_leave(*, community: Community, user: User) -> bool:
    """Leave the community: the membership (and its listing) is deleted. Returns whether there was one.
    Plantings registered for the community stay with it (they are the community's work)."""
    return Membership.objects.filter(community=community, user=user).delete()[0] > 0

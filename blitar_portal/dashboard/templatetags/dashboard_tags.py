"""Template filters of the dashboards: every number, percentage and date through `blitar_portal.lib.l10n`."""

from django import template

from blitar_portal.lib import l10n

register = template.Library()


@register.filter
def shown(value):
    return l10n.shown(value)


@register.filter
def percent(value):
    return l10n.percent(value)


@register.filter
def signed_percent(value):
    if value is None:
        return l10n.EMPTY
    return ("+" if value >= 0 else "") + l10n.percent(value)


@register.filter
def local_date(value):
    return l10n.date(value)


@register.filter
def local_datetime(value):
    return l10n.date(value, with_time=True)

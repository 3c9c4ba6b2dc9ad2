"""When a planting's next re-check is due, once (CONTRIBUTING: "when a re-check is due").

A planting is checked 3, 6 and 12 months after it was planted, then every year on the
anniversary of its planting. The next check is the first of those dates that falls at least
`MIN_GAP_DAYS` after the last check (a check made a little early or late counts for the date it
was meant for, and two checks never fall within a few weeks of each other); before any check it
is the 3-month date. A planting whose last check found it dead is not checked again
(next check: none). `next_check_sql` is the same rule for raw SQL (demo data, migrations).
"""

import calendar
from datetime import date, timedelta

FIRST_CHECKS_MONTHS = (3, 6)  # then 12, 24, 36, ... months: every year on the anniversary
MIN_GAP_DAYS = 60


def add_months(day: date, months: int) -> date:
    """`day` plus whole months; the 31st becomes the month's last day (as PostgreSQL's interval does)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_check_on(*, planted_on: date, last_checked_on: date | None, dead: bool = False) -> date | None:
    """The date the next check is due (None: the trees were found dead)."""
    if dead:
        return None
    if last_checked_on is None:
        return add_months(planted_on, FIRST_CHECKS_MONTHS[0])
    earliest = last_checked_on + timedelta(days=MIN_GAP_DAYS)
    for months in FIRST_CHECKS_MONTHS:
        due = add_months(planted_on, months)
        if due >= earliest:
            return due
    years = max(1, earliest.year - planted_on.year - 1)
    while add_months(planted_on, 12 * years) < earliest:
        years += 1
    return add_months(planted_on, 12 * years)


def next_check_sql(planted: str, last: str, dead: str) -> str:
    """`next_check_on` as an SQL expression of a planting date, a last-check date (NULL: never
    checked) and a dead flag (boolean expressions/columns); constant text, no parameters."""
    earliest = f"({last} + {MIN_GAP_DAYS})"
    first, second = (f"({planted} + interval '{m} months')::date" for m in FIRST_CHECKS_MONTHS)
    # The first anniversary on or after `earliest`: whole years between them, one more if short.
    years = f"greatest(1, extract(year from age({earliest}, {planted}))::int)"
    anniversary = f"({planted} + make_interval(years => {years}))::date"
    return (
        f"CASE WHEN {dead} THEN NULL WHEN {last} IS NULL THEN {first}"
        f" WHEN {first} >= {earliest} THEN {first} WHEN {second} >= {earliest} THEN {second}"
        f" WHEN {anniversary} >= {earliest} THEN {anniversary}"
        f" ELSE ({planted} + make_interval(years => {years} + 1))::date END"
    )

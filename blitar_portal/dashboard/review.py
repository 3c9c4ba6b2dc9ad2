"""The kinds of items Diskominfo verifies on the staff review pages (views_review.py), as each app
describes them in `<app>/review.py` (imported by name, like the apps' dashboard modules)."""

from ikm import review as ikm_review
from tanam import review as tanam_review

KINDS = {**tanam_review.KINDS, **ikm_review.KINDS}


def queue_counts() -> list[tuple[object, int]]:
    """(kind, number of pending items) for every kind, in the order of KINDS."""
    return [(kind, kind.queue().count()) for kind in KINDS.values()]

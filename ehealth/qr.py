"""QR code of a booking code, drawn on the server as SVG (no script, no inline style: CSP-safe)."""

import io

import segno
from django.utils.safestring import mark_safe


def qr_svg(code, *, scale=6):
    """Inline <svg> of a QR code holding exactly the booking code (a desk scanner types it back)."""
    buffer = io.BytesIO()
    segno.make(str(code), error="m", micro=False).save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, nl=False, svgclass="qr", title=str(code)
    )
    return mark_safe(buffer.getvalue().decode())  # noqa: S308 - segno's SVG of our own code

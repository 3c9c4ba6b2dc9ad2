"""Rupiah formatting: integers only, "Rp 15.000" (dot as thousands separator)."""


def format_rupiah(value):
    if value is None:
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")

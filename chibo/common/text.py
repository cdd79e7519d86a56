"""Vietnamese text helpers: accent-free search keys and name order."""

import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, diacritic-free form used for search: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    text = (text or "").translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def clean_name(text: str) -> str:
    """NFC-normalised, single-spaced: imported names come from many keyboards and encodings."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def sort_name(full_name: str) -> str:
    """Vietnamese order is by the given name (last word) first, then the family and middle names."""
    parts = clean_name(full_name).split(" ")
    if len(parts) < 2:
        return parts[0] if parts else ""
    return " ".join([parts[-1], *parts[:-1]])


NAME_MESSAGE = "Họ và tên phải bắt đầu bằng một chữ cái (không bắt đầu bằng =, +, -, @ hay dấu cách)."


def name_error(full_name: str) -> str | None:
    """A person's name starts with a letter. Anything else is a typo or a spreadsheet formula
    (`=HYPERLINK(…)`) that would come alive when a roster is opened in Excel."""
    value = (full_name or "").lstrip(" ")
    if value and not value[0].isalpha():
        return NAME_MESSAGE
    return None


def thousands(n: int) -> str:
    """1000000 -> '1.000.000': Vietnamese groups digits with dots."""
    return f"{n:,}".replace(",", ".")

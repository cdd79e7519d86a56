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

"""Cells written to CSV and XLSX files that people open in Excel or LibreOffice.

A text that starts with =, +, -, @, a tab or a carriage return is read by spreadsheets as a formula
(OWASP "CSV injection"): a member named `=HYPERLINK("http://…","Bấm")` would become a live link in every
exported roster. Every writer of ours passes its text cells through here.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV has no types: a leading apostrophe makes the spreadsheet show the text as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def xlsx_text(cell) -> None:
    """An openpyxl cell (normal or write-only) holding text is stored as a string, never a formula; one
    that looks like a formula also gets Excel's quote prefix, so editing it does not revive it."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True


def xlsx_sheet_text(ws) -> None:
    """Every text cell of a (normal, not write-only) worksheet as in `xlsx_text`."""
    for row in ws.iter_rows():
        for cell in row:
            xlsx_text(cell)

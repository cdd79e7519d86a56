"""Building import files in tests: CSV text and XLSX workbooks from lists of rows."""

import csv
import io

from openpyxl import Workbook

from chibo.dataio.formats import FORMATS
from chibo.dataio.services import import_data


def csv_bytes(kind: str, rows: list[list], *, sep: str = ",", bom: bool = False, headers=None) -> bytes:
    # Quoted where a value holds the separator, as Excel writes it (step titles hold commas).
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(headers or FORMATS[kind].headers)
    writer.writerows(["" if v is None else str(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """sheets: kind -> rows; each sheet gets its kind's Vietnamese title and headers."""
    book = Workbook()
    book.remove(book.active)
    for kind, rows in sheets.items():
        ws = book.create_sheet(FORMATS[kind].title)
        ws.append(FORMATS[kind].headers)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_csv(kind: str, rows: list[list], *, user=None, dry_run: bool = False, **kw):
    return import_data(
        data=csv_bytes(kind, rows, **kw), filename=f"{kind}.csv", kind=kind, user=user, dry_run=dry_run
    )


def messages(result) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]

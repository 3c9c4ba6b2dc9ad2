"""One data structure per figure: it feeds the chart, the table, the CSV and the XLSX.

A Figure is columns + rows (the table exactly as shown). The chart is drawn from
those same rows, so the CSV and the picture can never disagree.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise as StrPromise
from django.utils.functional import cached_property

from blitar_portal.lib.csvsafe import csv_cell, csv_writer
from blitar_portal.lib.l10n import PeriodLabel

from . import shapes, svg

DATE_LABEL = re.compile(r"^\d{4}-(\d{2}|W\d{2})")  # dates and months run along an x axis; names get horizontal bars


@dataclass
class Figure:
    key: str  # unique inside a section; used in the CSV URL and as the XLSX sheet name
    title: str
    columns: list  # header labels
    rows: list  # [[first column = label, numbers...]]
    chart: str = "table"  # "line" | "bar" | "stacked" | "map" | "table"
    link: str = ""  # the underlying list (admin changelist or public page)
    link_label: str = ""
    computed_at: object = None
    note: str | StrPromise = ""
    codes: list = field(default_factory=list)  # map only: kecamatan code of each row
    value_column: int = 1  # map only: which column colours the map
    highlight: str = ""  # map only: kecamatan code outlined (the one chosen in the filter)
    series_columns: list = None  # line/bar: the columns drawn (default: every column after the first)

    @cached_property
    def svg(self):
        if self.chart == "table" or not self.rows:
            return ""
        labels = [row[0] for row in self.rows]
        if self.chart == "map":
            data = shapes.kecamatan_shapes()
            values = {code: row[self.value_column] for code, row in zip(self.codes, self.rows, strict=False)}
            return svg.choropleth(
                self.title, data["shapes"], values, width=data["width"], height=data["height"], highlight=self.highlight
            )
        indexes = self.series_columns or range(1, len(self.columns))
        series = [(str(self.columns[i]), [row[i] for row in self.rows]) for i in indexes]
        if self.chart == "line":
            return svg.line_chart(self.title, labels, series)
        if self.chart == "bar" and not all(
            isinstance(label, PeriodLabel) or DATE_LABEL.match(str(label)) for label in labels
        ):
            return svg.hbar_chart(self.title, labels, series)
        return svg.bar_chart(self.title, labels, series, stacked=self.chart == "stacked")

    @property
    def is_empty(self):
        return not self.rows


def record_figure(
    *, key: str, title: str, fields: list[tuple[Any, Callable[[Any], Any]]], records: Any, **options: Any
) -> Figure:
    """A figure with one row per record (a hospital, a growth report…). `fields` pairs each
    column's label with how to read its value from a record, so a column is written once."""
    return Figure(
        key=key,
        title=title,
        columns=[label for label, _value in fields],
        rows=[[value(record) for _label, value in fields] for record in records],
        **options,
    )


def figure_csv(figure):
    """The figure's table as CSV text (UTF-8 with BOM so spreadsheet programs read it)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([str(c) for c in figure.columns])
    writer.writerows(figure.rows)
    return "\ufeff" + out.getvalue()


def _sheet_title(text, used):
    title = "".join(ch for ch in str(text) if ch not in "[]:*?/\\")[:28] or "Data"
    base, n = title, 2
    while title in used:
        title = f"{base[:25]}-{n}"
        n += 1
    used.add(title)
    return title


def section_xlsx(section_title, figures, *, computed_at=None, filters_text=""):
    """An XLSX workbook (bytes): a cover sheet, then one sheet per figure with its table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = "Info"
    cover.append([str(section_title)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([str(filters_text)])
    if computed_at:
        cover.append([computed_at.isoformat() if hasattr(computed_at, "isoformat") else str(computed_at)])
    used = {"Info"}
    for figure in figures:
        sheet = book.create_sheet(_sheet_title(figure.title, used))
        sheet.append([str(figure.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(c) for c in figure.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in figure.rows:
            sheet.append(
                [csv_cell(str(v) if isinstance(v, PeriodLabel) else v) for v in row]
            )  # openpyxl would store "=..." as a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

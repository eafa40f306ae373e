"""The first table of an HTML page as rows of text: many government platforms save their "Excel" export
as an HTML table named .xls (Excel opens it, so nobody notices)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Table(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.depth = 0  # tables seen open; only the first table's cells are kept
        self.done = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif tag == "tr" and self.depth == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth == 1 and self.rows:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if self.done:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith("<") and "<table" in text[:200000].lower()


def table_rows(text: str) -> list[list[str]]:
    """The rows of TEXT's first table (cells' text, line breaks kept)."""
    parser = _Table()
    parser.feed(text)
    parser.close()
    return parser.rows

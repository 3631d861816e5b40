"""Self-contained HTML pages: one file each, styles inline, pictures embedded as PNG data, no
script and nothing fetched, so a page reads the same from a laptop, an LMS or an e-mail."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; max-width: 62rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f4f4f6; } td.num, th.num { text-align: right; white-space: nowrap; }
tr.failed td:first-child { border-left: 4px solid #c0392b; }
tr.partial td:first-child { border-left: 4px solid #e0a800; }
tr.passed td:first-child { border-left: 4px solid #2e8b57; }
.score { font-size: 1.3rem; font-weight: 600; } .muted { color: #666; }
.note { background: #fff6e0; border-left: 4px solid #e0a800; padding: .5rem .8rem; }
.flag { color: #c0392b; font-weight: 600; }
pre, .message { white-space: pre-wrap; font: 13px/1.4 ui-monospace, monospace; margin: 0; }
img { max-width: 100%; height: auto; }
"""


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: str) -> str:
    """A whole HTML document with ``body`` (HTML) under ``title``."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          numeric: Iterable[int] = (), row_classes: Iterable[str] | None = None,
          raw: Iterable[int] = ()) -> str:
    """An HTML table; columns in ``numeric`` are right-aligned, cells in ``raw`` columns are
    HTML already (everything else is escaped); ``row_classes`` gives each row a class."""
    numeric, raw = set(numeric), set(raw)
    classes = iter(row_classes) if row_classes is not None else None

    def cell(tag: str, index: int, value: object, is_raw: bool) -> str:
        kind = ' class="num"' if index in numeric else ""
        return f"<{tag}{kind}>{value if is_raw else escape(value)}</{tag}>"

    head = "".join(cell("th", i, name, False) for i, name in enumerate(header))
    body = []
    for row in rows:
        kind = f' class="{next(classes)}"' if classes is not None else ""
        body.append(f"<tr{kind}>" + "".join(cell("td", i, v, i in raw) for i, v in
                                             enumerate(row)) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def picture(figure, alt: str) -> str:
    """A matplotlib figure as an embedded PNG ``<img>``; the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def points(value: float) -> str:
    """``12``, ``7.5``: points as people write them."""
    return f"{value:g}"

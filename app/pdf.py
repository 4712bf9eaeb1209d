"""HTML to PDF with WeasyPrint (imported lazily: it needs the system's Pango)."""
from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[CSS(filename=str(STATIC / "print.css"))])

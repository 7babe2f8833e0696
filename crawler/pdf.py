"""Text of a PDF a clinic links to (intake forms, consent forms, brochures), scored like a page.

pypdf only: no external binaries. Bounded: at most MAX_PAGES pages are read, and any error in a
malformed file becomes PdfError (the crawl records it and goes on).
"""

import io
import logging
import re

MAX_PAGES = 40


class PdfError(Exception):
    """The bytes are not a readable PDF."""


def is_pdf(body: bytes, content_type: str = "") -> bool:
    return "pdf" in content_type.lower() or body[:1024].lstrip().startswith(b"%PDF-")


def pdf_text(body: bytes, max_pages: int = MAX_PAGES) -> tuple[str, str]:
    """(title, text) of a PDF; text one line per block, like crawler.extract's page text."""
    try:
        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        parts = [page.extract_text() or "" for page in reader.pages[:max_pages]]
        title = ""
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title).strip()
    except Exception as e:  # pypdf raises many types on broken files
        raise PdfError(f"{type(e).__name__}: {e}"[:300]) from None
    lines = []
    for part in parts:
        for line in part.splitlines():
            line = re.sub(r"\s+", " ", line).strip()
            if line:
                lines.append(line)
    return title, "\n".join(lines)

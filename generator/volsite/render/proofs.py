"""The private 志愿服务记录证明 that `volsite statements` writes for staff to print, sign and stamp,
in the layout of the 2015 guidance's form (民发〔2015〕149号): identity, service and its hours,
training, honours, the issuer, the person in charge and the handler, a certificate number, the
day it was issued and room for the seal. Rendered with the site's theme (proof.html and
proofs.html), each a whole HTML document of its own with its print styles in it.

Never part of the site: what it is given holds the identity data that no build reads.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ..kinds.identities import Identity
from ..model import routes
from ..model.figures import Figures
from ..model.proofs import ServiceRow, service_rows
from ..model.resolve import Model
from ..model.routes import Route
from ..problems import ContentError, Problems
from .contexts import ProofEntry, ProofPage, ProofsPage, context_fields
from .pages import Renderer, template_problem

ZERO = Decimal(0)
# What one A4 page of the form holds beside its head and foot: lines of the service table, and
# honours. The table's content column holds about LINE_WIDTH half-width characters a line (a
# Chinese character is two) at the form's 9.5 pt: a longer content takes two lines, and one
# longer than that is cut short (…) to keep the page one page.
PROOF_LINES = 16
PROOF_HONOURS = 4
PROOF_TRAININGS = 3  # lines of training: more are summed by year and content, then by year
LINE_WIDTH = 50


class Proofs:
    """Renders the private statements of one site, with its theme."""

    def __init__(self, site_root: Path, model: Model, figures: Figures, site_routes: list[Route]):
        self.renderer = Renderer(site_root, model, figures, {}, site_routes)
        self.views = self.renderer.views
        self.model = model
        self.urls = frozenset(route.url for route in site_routes)

    def proof(self, identity: Identity, year: int | None, issued: dt.date) -> tuple[ProofPage, str]:
        """(what proof.html is given, the page) for one volunteer, of one year or of all."""
        v, vid = self.views, identity.id
        services = v.services_of(vid, year)
        rows, summed = service_rows(services, v.titles(services), PROOF_LINES, _lines)
        rows = tuple(
            replace(row, content=_shortened(row.content, 2 * LINE_WIDTH - 16), note=_shortened(row.note, 24))
            for row in rows
        )
        # Training (培训) is recorded apart from service: the trainings held that the model keeps
        # apart (activities of type: training), none where it keeps none.
        trainings = [
            s
            for s in getattr(self.model, "training", ())
            if s.volunteer == vid and (year is None or s.date.year == year)
        ]
        training_rows = service_rows(trainings, v.titles(trainings), PROOF_TRAININGS, _lines)[0]
        honours = v.honours(vid, year)
        number = v.statement_numbers[vid] + (f"-{year}" if year is not None else "")
        public = routes.hours_url(vid)
        label = self.renderer.t["scan_to_verify"]
        verification = v.verification(public, number, label)
        if public not in self.urls:  # no public statement (a volunteer shown masked): nothing to scan
            verification = replace(verification, url="", qr="")
        page = ProofPage(
            identity=identity,
            year=year,
            first=min((s.date for s in services), default=None),
            last=max((s.date for s in services), default=None),
            rows=rows,
            summed=summed,
            services=len(services),
            hours=sum((s.hours for s in services), ZERO),
            training=training_rows,
            training_hours=sum((row.hours for row in training_rows), ZERO),
            honours=honours[:PROOF_HONOURS],
            more_honours=max(0, len(honours) - PROOF_HONOURS),
            verification=verification,
            issued=issued,
        )
        return page, self._render("proof.html", page, vid)

    def index(self, entries: tuple[ProofEntry, ...], year: int | None, issued: dt.date) -> str:
        return self._render("proofs.html", ProofsPage(entries, year, issued), "")

    def _render(self, template: str, context: object, key: str) -> str:
        problems = Problems()
        try:
            return self.renderer.env.get_template(template).render(**context_fields(context))
        except Exception as exc:  # noqa: BLE001 - a theme's mistake is reported, not raised
            template_problem(problems, exc, self.model.config.theme, template, template, key or "index")
        raise ContentError(problems.sorted())


def _width(text: str) -> int:
    """How wide a text is printed, in half-width characters: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(row: ServiceRow) -> int:
    text = row.content + (f"（{row.note}）" if row.note else "") + ("，1,000 次" if row.services > 1 else "")
    return 1 if _width(text) <= LINE_WIDTH else 2


def _shortened(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    kept = ""
    for ch in text:
        if _width(kept + ch) > width - 2:
            break
        kept += ch
    return kept + "…"


def pdf_maker() -> Callable[[str], bytes] | None:
    """A maker of a PDF from a statement's HTML, or None where WeasyPrint cannot be loaded: it is
    an optional dependency (pip install "volsite[pdf]"), since it needs Pango, which Linux and
    macOS have and Windows does not without a GTK install. The HTML prints to the same A4 page
    from any browser."""
    try:
        import logging

        import weasyprint
    except (ImportError, OSError):  # not installed, or its system libraries missing
        return None
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)  # its notes on CSS it passes over are not staff's

    def make(html: str) -> bytes:
        return weasyprint.HTML(string=html).write_pdf()

    return make

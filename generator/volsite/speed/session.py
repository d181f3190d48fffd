"""What a preview session (volsite serve) keeps from one build to the next."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import SiteConfig
from ..kinds.content import ParsedFiles
from ..output.checks import PrivacyScans
from ..render.markdown import MarkdownCache
from ..render.pages import PageCache


@dataclass
class BuildCache:
    """What one session (volsite serve) keeps between builds. Safe to drop at any time."""

    parsed: ParsedFiles = field(default_factory=ParsedFiles)
    markdown: MarkdownCache | None = None
    record_markdown: MarkdownCache | None = None
    pages: PageCache | None = None
    privacy: PrivacyScans = field(default_factory=PrivacyScans)
    config_key: str = ""

    def for_config(self, config: SiteConfig, templates: str) -> None:
        # Settings change how every file is read and every page is drawn.
        key = repr(config)
        if key != self.config_key:
            self.parsed, self.markdown, self.pages, self.config_key = ParsedFiles(), None, None, key
            self.privacy = PrivacyScans()  # privacy.allow may have changed
        if (
            self.markdown is None
            or self.markdown.base_path != config.base_path
            or self.markdown.unsafe_html != config.unsafe_html
        ):
            self.markdown = MarkdownCache(config.base_path, unsafe_html=config.unsafe_html)
        if self.record_markdown is None or self.record_markdown.base_path != config.base_path:
            self.record_markdown = MarkdownCache(config.base_path, unsafe_html=False)
        if self.pages is None or self.pages.templates != templates:
            self.pages = PageCache(templates)

"""Pages from the Jinja2 templates in ``templates/`` (autoescaped: :mod:`spacefilms.templating`), written into the site's
folder."""

from __future__ import annotations

from pathlib import Path

from spacefilms.site.paths import root_of
from spacefilms.templating import environment

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


class Writer:
    """Renders templates into ``folder`` and counts what it wrote."""

    def __init__(self, folder: Path, site_title: str, built: str) -> None:
        self.folder = folder
        self.context = {"csp": CSP, "site_title": site_title, "built": built}
        self.pages = 0
        self.files = 0
        self.bytes = 0
        self._folders: set[Path] = set()

    def write_bytes(self, path: str, body: bytes) -> None:
        target = self.folder / path
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_bytes(body)
        self.files += 1
        self.bytes += len(body)

    def page(self, path: str, template: str, **context: object) -> None:
        """Render ``template`` as the page at ``path`` (relative to the site's root)."""
        html = environment().get_template(template).render(**self.context, path=path, root=root_of(path), **context)
        self.write_bytes(path, html.encode("utf-8"))
        self.pages += 1

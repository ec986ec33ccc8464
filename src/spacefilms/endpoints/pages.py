"""The browsable website that ``spacefilms serve`` shows at ``/site/``: the one ``spacefilms site`` writes, built beside
the store (``site/`` next to it) and built again, in the background, after the store is rebuilt; the previous site
is served meanwhile, and before the first build ends ``/site/`` says so (503, retry)."""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Callable
from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spacefilms.errors import SpacefilmsError
from spacefilms.site.output import MARKER
from spacefilms.site.render import CSP
from spacefilms.workspace import site_path, store_path

POLICY = CSP + "; frame-ancestors 'none'"
for _suffix, _media in ((".ttl", "text/turtle"), (".trig", "application/trig"), (".jsonld", "application/ld+json")):
    mimetypes.add_type(_media, _suffix)


class SiteKeeper:
    """Keeps the website in step with the store the link points to."""

    def __init__(self, store: str | Path | None, say: Callable[[str], None]) -> None:
        self.link = store_path(store)
        self.folder = site_path(store)
        self.say = say
        self.problem: str | None = None  # why the last build failed, if it did
        self._lock = threading.Lock()
        self._built_for: Path | None = None  # the store directory the site in the folder was built from
        self._building: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return (self.folder / MARKER).is_file()

    def refresh(self) -> None:
        """Start a build in the background if the site is missing or was built from another store (cheap otherwise)."""
        with self._lock:
            location = self.link.resolve()
            if self._built_for == location or (self._building is not None and self._building.is_alive()):
                return
            if self._built_for is None and self._matches(location):
                self._built_for = location
                return
            self._building = threading.Thread(target=self._build, args=(location,), name="spacefilms-site", daemon=True)
            self._building.start()

    def _matches(self, location: Path) -> bool:
        """Whether the site on disk was written from this store's build (same build time)."""
        from spacefilms.core.backends import LocalBackend
        from spacefilms.store.stats import built_at

        try:
            stamp = json.loads((self.folder / MARKER).read_text(encoding="utf-8"))
            return stamp.get("built_at") is not None and stamp.get("built_at") == built_at(LocalBackend(location))
        except (OSError, ValueError, SpacefilmsError):
            return False

    def _build(self, location: Path) -> None:
        from spacefilms.core.backends import LocalBackend
        from spacefilms.site.builder import build_site

        try:
            report = build_site(LocalBackend(location), self.folder, max_diagrams=20)
        except SpacefilmsError as exc:
            self.problem = f"the website could not be built: {exc}"
            self.say(f"site: {self.problem}")
        else:
            self.problem = None
            self.say(f"site: {report.pages:,} pages written to {self.folder} in {report.seconds:.1f} s")
        with self._lock:
            self._built_for = location  # tried once per store: a failure is reported, not retried on every request


def site_app(keeper: SiteKeeper) -> ASGIApp:
    """The site's files under the mount, with the site's Content-Security-Policy; 503 until a first build is there."""
    files = StaticFiles(directory=keeper.folder, html=True, check_dir=False)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        keeper.refresh()
        if not keeper.ready:
            why = keeper.problem or "the website is being built from the store: retry in a few seconds"
            scope.setdefault("state", {})["reason"] = why
            response = PlainTextResponse(why + "\n", status_code=503, headers={"Retry-After": "5"})
            return await response(scope, receive, send)

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"content-security-policy", POLICY.encode()))
            await send(message)

        await files(scope, receive, with_policy)

    return app

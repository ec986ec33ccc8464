"""The browsable website that ``spacefilms serve`` shows at ``/site/``: the one ``spacefilms site`` writes, built beside
the store (``site/`` next to it) and built again, in the background, after the store is rebuilt; the previous site
is served meanwhile, and before the first build ends ``/site/`` says so (503, retry).

The build is a ``spacefilms site`` child process, not a thread: stopping ``serve`` stops it at once (it removes its
temporary folder on the way out), and its work never holds up the server's own (a build thread delayed Ctrl-C, and
ending the server under it aborted the process, leaving the temporary folder).
"""

from __future__ import annotations

import json
import mimetypes
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spacefilms.endpoints.processes import stop_process
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
        self._building: subprocess.Popen | None = None
        self._stopped = False

    @property
    def ready(self) -> bool:
        return (self.folder / MARKER).is_file()

    def refresh(self) -> None:
        """Start a build in the background if the site is missing or was built from another store (cheap otherwise)."""
        with self._lock:
            location = self.link.resolve()
            if self._stopped or self._built_for == location or (self._building and self._building.poll() is None):
                return
            if self._built_for is None and self._matches(location):
                self._built_for = location
                return
            command = ["--store", str(location), "site", "--output", str(self.folder), "--diagrams", "20"]
            # its own session: a Ctrl-C at the terminal reaches serve, which stops the build itself
            self._building = subprocess.Popen(
                [sys.executable, "-m", "spacefilms", *command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            threading.Thread(target=self._watch, args=(self._building, location), name="spacefilms-site", daemon=True).start()

    def stop(self) -> None:
        """Stop a build under way (SIGTERM: it removes its temporary folder) and start no other."""
        with self._lock:
            self._stopped = True
            building = self._building
        stop_process(building, grace=30)

    def _matches(self, location: Path) -> bool:
        """Whether the site on disk was written from this store's build (same build time)."""
        from spacefilms.core.backends import LocalBackend
        from spacefilms.store.stats import built_at

        try:
            stamp = json.loads((self.folder / MARKER).read_text(encoding="utf-8"))
            return stamp.get("built_at") is not None and stamp.get("built_at") == built_at(LocalBackend(location))
        except (OSError, ValueError, SpacefilmsError):
            return False

    def _watch(self, building: subprocess.Popen, location: Path) -> None:
        """Wait for the build and say how it went."""
        out, err = building.communicate()
        if self._stopped:
            return
        if building.returncode == 0:
            self.problem = None
            self.say(f"site: {out.strip().splitlines()[0] if out.strip() else 'written'}")
        else:
            last = err.strip().splitlines()[-1] if err.strip() else f"exit status {building.returncode}"
            self.problem = f"the website could not be built: {last.removeprefix('error: ')}"
            self.say(f"site: {self.problem}")
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

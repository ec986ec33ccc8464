"""Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4), no extra packages: the tests of the
query page, the website and the interactive diagram use it (the ``chromium`` fixture in conftest.py)."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ANSWER_S = 30  # seconds to wait for one answer of the browser (it answers in milliseconds when idle)


def chromium_binary() -> str | None:
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    return binary if Path(binary).exists() else None


class Chromium:
    FLAGS = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--remote-debugging-pipe",
    )

    def __init__(self, binary: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="spacefilms-chromium-")
        to_chrome, self._commands = os.pipe()
        self._answers, from_chrome = os.pipe()

        def use_pipes() -> None:  # in the child: the protocol wants them as fds 3 and 4
            read, write = os.dup(to_chrome), os.dup(from_chrome)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.process = subprocess.Popen(
            [binary, *self.FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            preexec_fn=use_pipes,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self.buffer, self.last_id, self.events = b"", 0, []
        self.loader: str | None = None  # the document ``open`` loaded: what ``requested`` reports on
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, session: bool = False, **params: object) -> dict:
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + ANSWER_S
        while True:
            while b"\0" not in self.buffer:
                ready, _, _ = select.select([self._answers], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    raise TimeoutError(f"chromium did not answer {method}")
                self.buffer += os.read(self._answers, 1 << 16)
            raw, _, self.buffer = self.buffer.partition(b"\0")
            answer = json.loads(raw)
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                return answer["result"]
            self.events.append(answer)

    def js(self, expression: str) -> object:
        """The value of ``expression`` in the page; None when the page navigated away while it ran (a click that opens
        another page), so that :meth:`wait_for` asks again on the next page."""
        try:
            answer = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        except RuntimeError as exc:
            if "navigated or closed" in str(exc) or "context" in str(exc).lower():
                return None
            raise
        return answer["result"].get("value")

    def wait_for(self, expression: str, seconds: float = ANSWER_S) -> object:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(expression)

    def open(self, url: str) -> None:
        self.events.clear()
        # a new document has a loader of its own; a move within the document (a #fragment) keeps the one it has
        self.loader = self.call("Page.navigate", session=True, url=url).get("loaderId") or self.loader
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def problems(self) -> list[str]:
        """Console errors, exceptions, log entries (CSP violations are logged there) and failed loads since ``open``."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params.get("exceptionDetails", {}))[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                found.append(params["entry"].get("text", ""))
            elif method == "Network.loadingFailed":
                found.append(f"failed to load: {params.get('errorText')} {params.get('blockedReason', '')}")
        return found

    def requested(self) -> list[str]:
        """The URLs the document ``open`` loaded asked for (not a late request of the page before it: seen under load)."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent" and e["params"].get("loaderId") in (self.loader, None)
        ]

    def screenshot(self, path: Path, width: int = 1280, height: int = 900, full: bool = True) -> Path:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        size = self.js("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        if full:
            self.call(
                "Emulation.setDeviceMetricsOverride",
                session=True,
                width=width,
                height=min(size[1], 4000),
                deviceScaleFactor=1,
                mobile=width < 600,
            )
        shot = self.call("Page.captureScreenshot", session=True, format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        self.call("Emulation.clearDeviceMetricsOverride", session=True)
        return path

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        os.close(self._commands)
        os.close(self._answers)
        shutil.rmtree(self.profile, ignore_errors=True)

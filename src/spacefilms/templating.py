"""The one Jinja2 environment of every HTML page the project writes (the website, the interactive diagram, the query
page of ``spacefilms serve``), and the decisions they share: how JSON goes into a page, which IRIs may become links,
and how a page's own inline script and style are allowed by its Content-Security-Policy.

Autoescaped templates instead of string replacement: a label or title is text wherever it lands, never markup, and
never a placeholder that the next replacement fills.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

# Inside <script>, "</script" ends the element and "<!--" with "<script" makes the parser swallow what follows; U+2028
# and U+2029 end a line in older JavaScript. As \u escapes JSON.parse reads them back unchanged.
_UNSAFE_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_WEB_LINK = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def script_json(document: object, indent: int | None = None) -> Markup:
    """``document`` as JSON for a ``<script type="application/json">`` (or ``ld+json``) element: nothing in it can end
    the element or open a comment, whatever the strings hold."""
    text = json.dumps(document, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _UNSAFE_IN_SCRIPT[m[0]], text))


def is_web_link(iri: str) -> bool:
    """Whether a page may link to ``iri``: http(s) only, so a ``javascript:`` (or ``data:``) IRI in the graph never
    becomes a link that runs when clicked. The build refuses such source and link IRIs with the same test."""
    return _WEB_LINK.fullmatch(iri) is not None


@cache
def environment() -> Environment:
    """Templates from ``spacefilms/site/templates`` (the website's) and ``spacefilms/templates`` (the other pages)."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader("spacefilms.site", "templates"), PackageLoader("spacefilms", "templates")]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # package files, unchanged while a process runs: no stat() of each template per page
    )
    env.filters["script_json"] = script_json
    env.tests["web_link"] = is_web_link
    return env


@dataclass(frozen=True)
class OwnCode:
    """A page's inline script and style (templates ``NAME.js`` and ``NAME.css``) and the CSP that allows exactly them."""

    script: Markup
    style: Markup

    @property
    def policy(self) -> str:
        """Nothing from anywhere, no inline code but this (by the hashes of the very text the page holds)."""
        return f"default-src 'none'; script-src '{csp_hash(self.script)}'; style-src '{csp_hash(self.style)}'"


@cache
def own_code(name: str) -> OwnCode:
    """Read once per process: every page rendered after holds the same text, so the same hashes allow it."""
    env = environment()
    return OwnCode(Markup(env.get_template(f"{name}.js").render()), Markup(env.get_template(f"{name}.css").render()))


def csp_hash(text: str) -> str:
    """The CSP source (and subresource-integrity value) allowing exactly ``text``."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()

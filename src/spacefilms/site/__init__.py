"""The built graph as a static website (``spacefilms site``): see :func:`spacefilms.site.builder.build_site`."""

from spacefilms.site.builder import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]

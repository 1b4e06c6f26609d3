"""The dashboard's pages: the one list the menu (app.py), shared links (widgets.share_url), the load test and the
tests read. The URL path of a page is its file stem in ``pages/``; the home page also answers at "/"."""

from __future__ import annotations

HOME = "overzicht"

# stem, label key, icon: in menu order.
MENU: tuple[tuple[str, str, str], ...] = (
    ("overzicht", "nav_overzicht", ":material/home:"),
    ("opvang", "nav_opvang", ":material/night_shelter:"),
    ("huisvesting", "nav_huisvesting", ":material/house:"),
    ("integratie", "nav_integratie", ":material/school:"),
    ("gemeente", "nav_gemeente", ":material/location_city:"),
    ("vergelijk", "nav_vergelijk", ":material/compare_arrows:"),
    ("bronnen", "nav_bronnen", ":material/menu_book:"),
    ("toegankelijkheid", "nav_toegankelijkheid", ":material/accessibility:"),
)
# Reachable by URL, not in the menu: the view for an <iframe>.
EMBED = ("embed", "nav_embed", ":material/code:")

PATHS: tuple[str, ...] = (*(stem for stem, _, _ in MENU), EMBED[0])

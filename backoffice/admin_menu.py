"""The admin's main menu, rendered once per (what this user may open, the page it is on) and kept in the process.

flask-admin renders the menu on every admin page: about 90 views, a Jinja macro per entry, about 2 ms of CPU a
page (issue 18 point 5). What the macro writes depends only on which entries are accessible and visible (asked
here on every request, as before: the role checks still run each time), which entry is the current page, the
entries' names and icons (fixed when the app starts) and the URLs (flask-admin keeps each view's URL for the
process; the script root is in the key for the links). So the same key gives the same HTML; nothing about a
person, a record or a figure is in it."""
from __future__ import annotations

from flask import current_app, request
from markupsafe import Markup

_SOURCE = "{% import 'admin/layout.html' as layout with context %}{{ layout.menu() }}"
_CACHE_KEY = "tandem_admin_menu"
MAX_KEPT = 1024      # roles × pages: a few hundred in practice; past this the cache starts again


def _flags(items) -> tuple:
    """Each entry's (accessible and visible), depth first, in menu order: what the macro's choices depend on."""
    out = []
    for item in items:
        if item.is_category():
            out.append(tuple(_flags(item._children)))
        else:
            out.append(bool(item.is_accessible() and item.is_visible()))
    return tuple(out)


def admin_menu(admin_view) -> Markup:
    """The `<li>` entries of the main menu for this page (what `layout.menu()` renders), from the process's cache."""
    state = current_app.extensions.setdefault(_CACHE_KEY, {"template": None, "html": {}})
    key = (request.script_root, admin_view.endpoint, _flags(admin_view.admin.menu()))
    html = state["html"].get(key)
    if html is None:
        if state["template"] is None:
            state["template"] = current_app.jinja_env.from_string(_SOURCE)
        if len(state["html"]) >= MAX_KEPT:
            state["html"].clear()
        # the template is Flask's Jinja environment's, autoescaped (a string template has no file name: Flask
        # escapes it); its output is what the page would have printed itself
        html = state["html"][key] = Markup(state["template"].render(admin_view=admin_view))  # nosec B704
    return html

"""Tandem back office: the application shell and the shared kernel."""
from __future__ import annotations

from backoffice import compiled as _compiled

_compiled.install()     # before any engine module loads: their compiled build when current (docs/compiled-engine.md)

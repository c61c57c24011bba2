"""demo is the top layer: it may import every app, and no app imports it."""

import re
from pathlib import Path

from django.conf import settings

IMPORTS_DEMO = re.compile(r"^\s*(from demo[.\s]|import demo\b)", re.MULTILINE)


def test_no_app_imports_the_demo_app():
    root = Path(settings.BASE_DIR)
    apps = ("clinic", "patients", "procedures", "scheduling", "outcomes")
    offenders = [
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if IMPORTS_DEMO.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_demo_is_installed_last():
    assert settings.INSTALLED_APPS[-1] == "demo"

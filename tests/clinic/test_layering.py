"""The apps stand in layers:
clinic < patients < procedures < scheduling < outcomes < {authorizations, implants} < {api, fhir, imports, paper}
< demo.

A module may import its own app and the apps below it, never one above nor one beside it on its floor: an upward
import ties a lower app to what is built on it (clinic is the ground floor, and demo the top that no app imports),
and the exchange apps (the REST API, FHIR, the import) each stand on the clinical apps alone. A higher app adds to a
lower one's page or transaction through the registries in clinic (panels, history sources) and
procedures.extensions. Every module of every app is read, migrations included, with relative imports resolved.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FLOORS: tuple[tuple[str, ...], ...] = (
    ("clinic",),
    ("patients",),
    ("procedures",),
    ("scheduling",),
    ("outcomes",),
    ("authorizations", "implants"),
    ("api", "fhir_r4", "imports", "paper"),
    ("demo",),
)
LAYERS = tuple(app for floor in FLOORS for app in floor)
RANK = {app: rank for rank, floor in enumerate(FLOORS) for app in floor}


@dataclass(frozen=True)
class Upward:
    path: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported}"


def package_of(module: str, is_package: bool) -> list[str]:
    parts = module.split(".")
    return parts if is_package else parts[:-1]


def imported_modules(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in the source, `from . import x` resolved against `module`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.lineno, node.module or ""
                continue
            package = package_of(module, is_package)
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                yield node.lineno, ".".join([*base, node.module])
            else:
                # `from . import views` imports the submodules it names.
                for alias in node.names:
                    yield node.lineno, ".".join([*base, alias.name])


def upward_imports(app: str, path: str, source: str) -> list[Upward]:
    """The imports in one module of `app` (at `path`, relative to the project) of an app above it."""
    file = Path(path)
    is_package = file.name == "__init__.py"
    module = ".".join(file.with_suffix("").parts[:-1] if is_package else file.with_suffix("").parts)
    found = []
    for line, imported in imported_modules(source, module, is_package):
        top = imported.split(".")[0]
        if top != app and RANK.get(top, -1) >= RANK[app]:
            found.append(Upward(path, line, imported))
    return found


def project_upward_imports(root: Path) -> list[Upward]:
    return [
        upward
        for app in LAYERS
        for file in sorted((root / app).rglob("*.py"))
        for upward in upward_imports(app, str(file.relative_to(root)), file.read_text(encoding="utf-8"))
    ]


def test_no_app_imports_an_app_above_it():
    offenders = project_upward_imports(Path(settings.BASE_DIR))
    assert not offenders, "Upward imports:\n" + "\n".join(map(str, offenders))


def test_every_app_is_read_migrations_included():
    root = Path(settings.BASE_DIR)
    for app in LAYERS:
        assert (root / app / "apps.py").is_file(), app
    assert any((root / "scheduling" / "migrations").glob("0*.py"))


def test_the_check_names_the_file_line_and_module_of_an_upward_import():
    source = "import datetime\n\nfrom patients.models import Patient\nimport scheduling.services\n"
    found = upward_imports("clinic", "clinic/views.py", source)
    assert [str(upward) for upward in found] == [
        "clinic/views.py:3 imports patients.models",
        "clinic/views.py:4 imports scheduling.services",
    ]


def test_the_check_resolves_relative_imports():
    # Relative imports stay inside their own app, so they are never upward; they are resolved all the same.
    assert list(imported_modules("from .models import Visit\nfrom .. import roles\n", "clinic.mfa.views", False)) == [
        (1, "clinic.mfa.models"),
        (2, "clinic.roles"),
    ]
    assert list(imported_modules("from . import views\n", "clinic.mfa", True)) == [(1, "clinic.mfa.views")]


def test_the_check_allows_imports_of_the_same_layer_and_below():
    source = "from clinic.roles import Role\nfrom patients.models import Patient\nfrom procedures import limits\n"
    assert upward_imports("procedures", "procedures/views.py", source) == []
    assert upward_imports("demo", "demo/seeder.py", "import outcomes.models\n") == []


def test_the_check_fails_on_an_import_of_an_app_on_the_same_floor():
    found = upward_imports("fhir_r4", "fhir_r4/views.py", "from api import serializers\nfrom outcomes import metrics\n")
    assert [str(upward) for upward in found] == ["fhir_r4/views.py:1 imports api"]


def test_the_check_fails_on_an_upward_import_in_a_migration(tmp_path):
    migrations = tmp_path / "patients" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_initial.py").write_text("from demo import people\n", encoding="utf-8")
    assert [str(u) for u in project_upward_imports(tmp_path)] == ["patients/migrations/0001_initial.py:1 imports demo"]


def test_demo_is_installed_last():
    assert settings.INSTALLED_APPS[-1] == "demo"

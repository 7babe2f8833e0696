"""Data files (rule files, link priorities) wherever clinicvet's packages are imported from.

From a checkout or a pip install they are files beside the modules. scrapyd runs a deployed project
from its egg, a zip file: Python imports the modules from the zip, but a path beside a module's
``__file__`` cannot be opened there. ``data_file()`` gives a real file either way, copying it out of
the zip into ``$TMPDIR/clinicvet-data/<content hash>/`` (shared by processes and jobs, never stale).
"""

import hashlib
import os
import tempfile
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path


def data_file(package: str, name: str) -> Path:
    """A real path to the data file `name` of `package` (e.g. "crawler", "link_priority.yml")."""
    resource = files(package) / name
    if isinstance(resource, Path):
        return resource
    data = resource.read_bytes()
    path = Path(tempfile.gettempdir(), "clinicvet-data", hashlib.sha256(data).hexdigest()[:16], package, name)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{name}.{os.getpid()}")
        part.write_bytes(data)
        os.replace(part, path)  # atomic: another process may be writing the same file
    return path


def use_packaged_scoring_files() -> None:
    """Point scoring's default rule, model and offerings files at real files when scoring is imported from
    a zip: it reads them beside its modules. Otherwise nothing happens (and scoring is not imported)."""
    spec = find_spec("scoring")
    if spec is None or not spec.origin or Path(spec.origin).is_file():
        return
    from scoring import model, offerings, rules

    if not Path(model.DEFAULT_MODEL).is_file():
        model.DEFAULT_MODEL = data_file("scoring", "model.json")
    if not Path(rules.DEFAULT_RULES).is_file():
        rules.DEFAULT_RULES = data_file("scoring", "rules.yml")
    if not Path(offerings.DEFAULT_OFFERINGS).is_file():
        offerings.DEFAULT_OFFERINGS = data_file("scoring", "offerings.yml")

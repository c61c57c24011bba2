"""How far a running import has got, where the page polling for it can read it: a small file per import.

Not the database: on SQLite the import's transaction holds the one write lock until it commits, so progress
written there would wait for the very import it reports on, and inside the import's transaction it would not
be seen until the end. Not the cache either: the default cache lives in one process, and the request that
polls may be served by another worker. A file in the system's temporary directory is read by every worker of
the host; it is written whole and renamed into place, so a reader never sees half of one.

The file also carries when it was last written: an import whose file has not moved for `STALE` has stopped
(the server restarted under it), and its transaction rolled back with it.
"""

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

STALE = 120.0  # seconds without a word from a running import
EVERY = 0.5  # seconds between writes; the page polls once a second


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    stage: str
    written_at: float

    @property
    def percent(self) -> int:
        return 0 if self.total == 0 else min(100, self.done * 100 // self.total)

    @property
    def stale(self) -> bool:
        return time.time() - self.written_at > STALE


def _directory() -> Path:
    return Path(tempfile.gettempdir()) / "pinpoint-imports"


def _path(run_id: int) -> Path:
    return _directory() / f"{int(run_id)}.json"


def write(run_id: int, done: int, total: int, stage: str) -> None:
    directory = _directory()
    directory.mkdir(mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        json.dump({"done": done, "total": total, "stage": stage, "at": time.time()}, out)
    os.replace(temporary, _path(run_id))


def read(run_id: int) -> Progress | None:
    try:
        data = json.loads(_path(run_id).read_text())
        return Progress(int(data["done"]), int(data["total"]), str(data["stage"]), float(data["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear(run_id: int) -> None:
    _path(run_id).unlink(missing_ok=True)


class Reporter:
    """Writes an import's progress at most every `EVERY` seconds, and always its first and last count."""

    def __init__(self, run_id: int, total: int, stage: str) -> None:
        self.run_id, self.total, self.stage = run_id, total, stage
        self.written = 0.0
        write(run_id, 0, total, stage)

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if done >= self.total or now - self.written >= EVERY:
            self.written = now
            write(self.run_id, done, self.total, self.stage)

"""A one-line progress bar for long commands: no dependency, redrawn at most a few times a second."""

import time
from typing import Protocol


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


class Progress:
    def __init__(self, label: str, total: int, stream: Stream, *, enabled: bool = True, unit: str = "") -> None:
        self.label, self.total, self.stream, self.enabled, self.unit = label, max(total, 1), stream, enabled, unit
        self.done = 0
        self.started = self.drawn = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.to(self.done + count)

    def to(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.enabled and now - self.drawn >= 0.25:
            self.drawn = now
            self._draw(now)

    def _draw(self, now: float, end: str = "") -> None:
        fraction = min(1.0, self.done / self.total)
        elapsed = now - self.started
        eta = f"  eta {elapsed * (1 - fraction) / fraction:5.0f} s" if 0 < fraction < 1 else ""
        bar = "#" * round(30 * fraction)
        self.stream.write(
            f"\r{self.label:<12} {fraction:4.0%} |{bar:<30}| {self.done:,}/{self.total:,} {self.unit}"
            f"  {elapsed:5.1f} s{eta}   {end}"
        )
        self.stream.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.enabled:
            self._draw(time.monotonic(), end="\n")
        return elapsed

"""Reading a printed PDF back: its pages' text and sizes."""

import io
from dataclasses import dataclass

from pypdf import PdfReader

# Points (1/72 in), as PDF media boxes measure them.
LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)


@dataclass(frozen=True)
class Printed:
    pages: list[str]
    sizes: list[tuple[float, float]]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def printed(response) -> Printed:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    sizes = [(round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) for page in reader.pages]
    return Printed([page.extract_text() for page in reader.pages], sizes)


def landscape(size: tuple[float, float]) -> tuple[float, float]:
    return (size[1], size[0])


def near(found: tuple[float, float], wanted: tuple[float, float]) -> bool:
    return all(abs(a - b) < 1 for a, b in zip(found, wanted, strict=True))

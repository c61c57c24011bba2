"""Scoring the disability questionnaires. Pure functions: no database.

ODI (Oswestry) and NDI (Neck Disability Index): ten sections scored 0–5. The score is the points
as a percentage of the points possible over the sections answered (a skipped section shrinks the
denominator, as both instruments' manuals say), so it runs 0–100.
"""

from collections.abc import Sequence

SECTIONS = 10
MAX_PER_SECTION = 5
# Fewer answered sections than this and the score is not meaningful.
MIN_ANSWERED = 8


def disability_score(answers: Sequence[int | None]) -> int | None:
    """0–100, rounded half up; None when too few sections are answered."""
    if len(answers) != SECTIONS:
        raise ValueError(f"Expected {SECTIONS} sections, got {len(answers)}.")
    answered = [a for a in answers if a is not None]
    if any(not 0 <= a <= MAX_PER_SECTION for a in answered):
        raise ValueError("Each section is scored 0 to 5.")
    if len(answered) < MIN_ANSWERED:
        return None
    points, possible = sum(answered), MAX_PER_SECTION * len(answered)
    return (200 * points + possible) // (2 * possible)

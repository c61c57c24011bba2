"""The outcome measures: what counts as a response, and scoring the disability questionnaires.

Pure definitions and functions: no database.

ODI (Oswestry) and NDI (Neck Disability Index): ten sections scored 0–5. The score is the points
as a percentage of the points possible over the sections answered (a skipped section shrinks the
denominator, as both instruments' manuals say), so it runs 0–100.
"""

from collections.abc import Sequence

# What counts as a meaningful response (domain.md §5).
RESPONDER_PCT = 50  # ≥ 50% relief: substantial, a "responder" (IMMPACT, Dworkin, J Pain 2008)
MODERATE_PCT = 30  # ≥ 30% relief: moderate (IMMPACT)
NRS_POINTS = 2  # a 2-point fall in NRS is meaningful (Farrar, Pain 2001)
# A procedure's response is read from its follow-ups this many days after it: the 2- and 6-week calls.
RESPONSE_DAYS = (14, 42)

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

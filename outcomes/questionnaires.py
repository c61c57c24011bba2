"""The disability questionnaires asked at a follow-up call: plain data, no database.

Oswestry Disability Index v2.1a (Fairbank & Pynsent, Spine 2000) for the lower back, and the Neck Disability
Index (Vernon & Mior, J Manipulative Physiol Ther 1991) for the neck and upper back. Ten sections each; the six
answers of a section score 0 to 5 in order. `outcomes.scoring` turns the answers into the 0–100 score.
The answer wordings are the published ones, shortened where a nurse reads them aloud.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from procedures.exposure import Region
from procedures.spine import region_of


@dataclass(frozen=True)
class Section:
    title: str
    answers: tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class Answer:
    """One section of a recorded questionnaire, as the follow-up page shows it."""

    title: str
    points: int | None
    text: str


@dataclass(frozen=True)
class Questionnaire:
    key: str
    abbreviation: str
    name: str
    region: Region
    sections: tuple[Section, ...]

    def answered(self, answers: Sequence[int | None]) -> list[Answer]:
        return [
            Answer(section.title, points, section.answers[points] if points is not None else "Not answered")
            for section, points in zip(self.sections, answers, strict=True)
        ]


# The Neck Disability Index took its first section word for word from the Oswestry index: one section, asked in both.
PAIN_INTENSITY = Section(
    "Pain intensity",
    (
        "I have no pain at the moment",
        "The pain is very mild at the moment",
        "The pain is moderate at the moment",
        "The pain is fairly severe at the moment",
        "The pain is very severe at the moment",
        "The pain is the worst imaginable at the moment",
    ),
)

ODI = Questionnaire(
    key="odi",
    abbreviation="ODI",
    name="Oswestry Disability Index",
    region=Region.LUMBOSACRAL,
    sections=(
        PAIN_INTENSITY,
        Section(
            "Personal care (washing, dressing)",
            (
                "I can look after myself normally without causing extra pain",
                "I can look after myself normally but it causes extra pain",
                "It is painful to look after myself and I am slow and careful",
                "I need some help but manage most of my personal care",
                "I need help every day in most aspects of self-care",
                "I do not get dressed, I wash with difficulty and stay in bed",
            ),
        ),
        Section(
            "Lifting",
            (
                "I can lift heavy weights without extra pain",
                "I can lift heavy weights but it gives extra pain",
                "Pain prevents me lifting heavy weights off the floor, but I manage if they are conveniently placed",
                "Pain prevents me lifting heavy weights, but I manage light to medium ones if conveniently placed",
                "I can lift very light weights",
                "I cannot lift or carry anything at all",
            ),
        ),
        Section(
            "Walking",
            (
                "Pain does not prevent me walking any distance",
                "Pain prevents me walking more than 1 mile",
                "Pain prevents me walking more than ½ mile",
                "Pain prevents me walking more than 100 yards",
                "I can only walk using a stick or crutches",
                "I am in bed most of the time",
            ),
        ),
        Section(
            "Sitting",
            (
                "I can sit in any chair as long as I like",
                "I can only sit in my favourite chair as long as I like",
                "Pain prevents me sitting more than 1 hour",
                "Pain prevents me sitting more than 30 minutes",
                "Pain prevents me sitting more than 10 minutes",
                "Pain prevents me from sitting at all",
            ),
        ),
        Section(
            "Standing",
            (
                "I can stand as long as I want without extra pain",
                "I can stand as long as I want but it gives me extra pain",
                "Pain prevents me standing for more than 1 hour",
                "Pain prevents me standing for more than 30 minutes",
                "Pain prevents me standing for more than 10 minutes",
                "Pain prevents me from standing at all",
            ),
        ),
        Section(
            "Sleeping",
            (
                "My sleep is never disturbed by pain",
                "My sleep is occasionally disturbed by pain",
                "Because of pain I have less than 6 hours sleep",
                "Because of pain I have less than 4 hours sleep",
                "Because of pain I have less than 2 hours sleep",
                "Pain prevents me from sleeping at all",
            ),
        ),
        Section(
            "Sex life (if applicable)",
            (
                "My sex life is normal and causes no extra pain",
                "My sex life is normal but causes some extra pain",
                "My sex life is nearly normal but is very painful",
                "My sex life is severely restricted by pain",
                "My sex life is nearly absent because of pain",
                "Pain prevents any sex life at all",
            ),
        ),
        Section(
            "Social life",
            (
                "My social life is normal and gives me no extra pain",
                "My social life is normal but increases the degree of pain",
                "Pain has no significant effect on my social life apart from limiting energetic interests, e.g. sport",
                "Pain has restricted my social life and I do not go out as often",
                "Pain has restricted my social life to my home",
                "I have no social life because of pain",
            ),
        ),
        Section(
            "Travelling",
            (
                "I can travel anywhere without pain",
                "I can travel anywhere but it gives me extra pain",
                "Pain is bad but I manage journeys over two hours",
                "Pain restricts me to journeys of less than one hour",
                "Pain restricts me to short necessary journeys under 30 minutes",
                "Pain prevents me from travelling except to receive treatment",
            ),
        ),
    ),
)

NDI = Questionnaire(
    key="ndi",
    abbreviation="NDI",
    name="Neck Disability Index",
    region=Region.CERVICOTHORACIC,
    sections=(
        PAIN_INTENSITY,
        Section(
            "Personal care (washing, dressing)",
            (
                "I can look after myself normally without causing extra pain",
                "I can look after myself normally but it causes extra pain",
                "It is painful to look after myself and I am slow and careful",
                "I need some help but can manage most of my personal care",
                "I need help every day in most aspects of self-care",
                "I do not get dressed, I wash with difficulty and stay in bed",
            ),
        ),
        Section(
            "Lifting",
            (
                "I can lift heavy weights without extra pain",
                "I can lift heavy weights but it gives extra pain",
                "Pain prevents me lifting heavy weights off the floor, but I manage if they are conveniently placed",
                "Pain prevents me lifting heavy weights, but I manage light to medium ones if conveniently placed",
                "I can only lift very light weights",
                "I cannot lift or carry anything",
            ),
        ),
        Section(
            "Reading",
            (
                "I can read as much as I want with no pain in my neck",
                "I can read as much as I want with slight pain in my neck",
                "I can read as much as I want with moderate pain in my neck",
                "I can't read as much as I want because of moderate pain in my neck",
                "I can hardly read at all because of severe pain in my neck",
                "I cannot read at all",
            ),
        ),
        Section(
            "Headaches",
            (
                "I have no headaches at all",
                "I have slight headaches, which come infrequently",
                "I have moderate headaches, which come infrequently",
                "I have moderate headaches, which come frequently",
                "I have severe headaches, which come frequently",
                "I have headaches almost all the time",
            ),
        ),
        Section(
            "Concentration",
            (
                "I can concentrate fully when I want to with no difficulty",
                "I can concentrate fully when I want to with slight difficulty",
                "I have a fair degree of difficulty concentrating when I want to",
                "I have a lot of difficulty concentrating when I want to",
                "I have a great deal of difficulty concentrating when I want to",
                "I cannot concentrate at all",
            ),
        ),
        Section(
            "Work",
            (
                "I can do as much work as I want to",
                "I can only do my usual work, but no more",
                "I can do most of my usual work, but no more",
                "I cannot do my usual work",
                "I can hardly do any work at all",
                "I can't do any work at all",
            ),
        ),
        Section(
            "Driving",
            (
                "I can drive my car without any neck pain",
                "I can drive as long as I want with slight pain in my neck",
                "I can drive as long as I want with moderate pain in my neck",
                "I can't drive as long as I want because of moderate pain in my neck",
                "I can hardly drive at all because of severe pain in my neck",
                "I can't drive my car at all",
            ),
        ),
        Section(
            "Sleeping",
            (
                "I have no trouble sleeping",
                "My sleep is slightly disturbed (less than 1 hour sleepless)",
                "My sleep is mildly disturbed (1–2 hours sleepless)",
                "My sleep is moderately disturbed (2–3 hours sleepless)",
                "My sleep is greatly disturbed (3–5 hours sleepless)",
                "My sleep is completely disturbed (5–7 hours sleepless)",
            ),
        ),
        Section(
            "Recreation",
            (
                "I can do all my recreation activities with no neck pain at all",
                "I can do all my recreation activities, with some pain in my neck",
                "I can do most, but not all, of my usual recreation activities because of pain in my neck",
                "I can do only a few of my usual recreation activities because of pain in my neck",
                "I can hardly do any recreation activities because of pain in my neck",
                "I can't do any recreation activities at all",
            ),
        ),
    ),
)

QUESTIONNAIRES: tuple[Questionnaire, ...] = (ODI, NDI)


def for_levels(levels: Iterable[str]) -> list[Questionnaire]:
    """ODI for lumbar/sacral levels, NDI for cervical/thoracic, both for both; none for a procedure with no
    spinal level (a knee, trigger points)."""
    regions = {region_of(level) for level in levels}
    return [questionnaire for questionnaire in QUESTIONNAIRES if questionnaire.region in regions]

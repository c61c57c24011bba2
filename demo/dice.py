"""random.Random with cheaper integer draws: the seeder makes a hundred million of them.

The standard `randint` and `choice` reject bad arguments and draw exact integers bit by bit, which costs
ten times a `random()` call. Scaling one float is uniform to within 2**-53, deterministic for a seed, and
all the scale data needs.
"""

import random
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class Dice(random.Random):
    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: "SupportsLenAndGetItem[T]") -> T:
        return seq[int(self.random() * len(seq))]

"""How much a page makes Python do, so a test can fail when that grows with the size of the clinic.

Query counts (`django_assert_max_num_queries`) catch N+1 queries but not a page that reads every row in one
query: a worklist that renders all 60,000 open follow-ups runs as few queries as one that renders 50. These
helpers count the model instances built, which is what a page pays for in Python and in its HTML:

    def test_the_worklist_reads_a_page_whatever_the_backlog(client, nurse):
        client.force_login(nurse)
        make_backlog(3)
        with instances_built() as few:
            client.get(URL)
        make_backlog(300)
        with instances_built() as many:
            client.get(URL)
        assert many.total <= few.total + 10  # or: many[FollowUp] == PAGE_SIZE

`instances_built` counts every `Model.__init__` (rows read by a queryset, and objects made in Python) per model,
through Django's `post_init` signal, only while the block runs. Rows read with `values()` / `values_list()`
build no instance and are not counted; pin those with the query's own size where it matters.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_init


class Built:
    """Model instances built while an `instances_built()` block ran, per model class."""

    def __init__(self) -> None:
        self.by_model: Counter[type[Model]] = Counter()

    def __getitem__(self, model: type[Model]) -> int:
        return self.by_model[model]

    @property
    def total(self) -> int:
        return sum(self.by_model.values())

    def __repr__(self) -> str:
        counted = ", ".join(f"{model.__name__}={n}" for model, n in self.by_model.most_common())
        return f"Built({counted})"


@contextmanager
def instances_built() -> Iterator[Built]:
    """Count the model instances built inside the block (see the module docstring)."""
    built = Built()

    def count(sender: type[Model], **kwargs: Any) -> None:
        built.by_model[sender] += 1

    post_init.connect(count, weak=False, dispatch_uid=f"tests.work.count.{id(built)}")
    try:
        yield built
    finally:
        post_init.disconnect(dispatch_uid=f"tests.work.count.{id(built)}")

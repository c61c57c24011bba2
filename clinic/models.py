from django.db import models


class ReferenceStamp(models.Model):
    """One kind of reference data (`clinic.reference`), and a value its tables' triggers renew on every write."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.value}"

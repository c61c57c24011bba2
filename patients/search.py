"""Normalisation shared by the stored search key and the queries that read it.

Both sides go through `fold()`, so "José Núñez", "jose nunez" and "NUNEZ, Jose" meet on
SQLite and PostgreSQL alike without database extensions (PostgreSQL only adds pg_trgm to answer the
match from an index: patients migration 0002).
"""

import re
import unicodedata
from datetime import date, datetime

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")
_PHONE_LIKE = re.compile(r"^[\d\s()+.\-]+$")
# A search longer than any name, MRN and phone together is read only this far: SQLite refuses a LIKE pattern of
# 50,000 bytes, and nothing longer narrows a search further.
MAX_QUERY = 200


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse white space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def parse_date(token: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(token, fmt).date()
        except ValueError:
            continue
    return None


def search_terms(query: str) -> list[str | date]:
    """Split a search box entry into terms: dates, digit runs (phone, MRN) and name fragments."""
    terms: list[str | date] = []
    for token in query.replace(",", " ").split():
        parsed = parse_date(token)
        if parsed is not None:
            terms.append(parsed)
        elif _PHONE_LIKE.match(token) and digits(token):
            terms.append(digits(token))
        elif folded := fold(token):
            terms.extend(folded.split())
    return terms


def trigram_searchable(query: str) -> bool:
    """Whether PostgreSQL's trigram index can find every term's matches: a date matches exactly, and a name,
    MRN or phone fragment needs three characters (one trigram) or more."""
    terms = search_terms(query)
    return bool(terms) and all(isinstance(term, date) or len(term) >= 3 for term in terms)

"""A case's words for the bodies, roles and reviews it involves (SPEC §10), from its regime's `terms`.

Pages, emails, PDFs and exports about one case say what its regime calls things: a Working Together 2013/2015 case
has a Serious Case Review and a national panel, a later one a local child safeguarding practice
review and the Child Safeguarding Practice Review Panel. The API keeps one set of names. Pages
with no single case use words that cover every regime, or each row's own case's words.
"""

from scr_tracker.regimes import regime_of


def term(record, key: str) -> str:
    """The word `key` (`regimes.TERMS`) of the regime of `record`'s case (or of a Regime)."""
    return regime_of(record).term(key)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def term_title(record, key: str) -> str:
    """`term` with a capital first letter, to begin a sentence or a heading."""
    return capital(term(record, key))


def told_of_initiation(record) -> str:
    """Who is told of a decision to initiate: the regime's panel and whoever SINs are notified to,
    once where they are the same body ("the national panel and Ofsted")."""
    panel, notified = f"the {term(record, 'panel')}", term(record, "notified")
    return panel if notified == panel else f"{panel} and {notified}"


def lower_first(text: str) -> str:
    """A label inside a sentence: its first letter small, unless its first word is an acronym ("SCR")."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]

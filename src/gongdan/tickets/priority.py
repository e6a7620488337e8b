"""The urgency x impact priority matrix (SD-02: every event is classified and prioritised).

ITIL's common matrix; a process may override it with ``priority_matrix`` in its file.
"""

DEFAULT_MATRIX: dict[str, dict[str, str]] = {
    # urgency -> impact -> priority
    'high': {'high': 'p1', 'medium': 'p2', 'low': 'p3'},
    'medium': {'high': 'p2', 'medium': 'p3', 'low': 'p4'},
    'low': {'high': 'p3', 'medium': 'p4', 'low': 'p4'},
}


def priority_for(urgency: str, impact: str, matrix: dict[str, dict[str, str]] | None = None) -> str:
    """The priority the matrix gives for an urgency and an impact (both 'high', 'medium' or 'low')."""
    return (matrix or DEFAULT_MATRIX)[urgency][impact]

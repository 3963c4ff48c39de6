"""The habit page: how promptly the candidate follows up, and whether it pays off.

``rules`` says what each figure counts, ``figures`` computes them as database
aggregates, ``charts`` draws them as SVG. Depends on the records only:
``followups`` (the dashboard) reads its figures, never the other way round.
"""

"""How the repository's checkers end: shared by tools/rules, tools/dashboards, tools/dockerfile."""


def report(problems, summary) -> int:
    """One line per problem, or the summary; the exit status of a checker."""
    for problem in problems:
        print(problem)
    if not problems:
        print(summary)
    return 1 if problems else 0

"""`make check-content`: every check of the content, with messages a writer can act on.

Exit status 1 when there is an error; warnings (an old review date) are printed
but do not fail.
"""
import argparse
import sys
from pathlib import Path

from content_tools.checks import run_checks
from content_tools.project import Project


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--skip-rasa", action="store_true", help="skip `rasa data validate` (the slow part)")
    args = parser.parse_args(argv)

    problems = run_checks(Project(args.root), with_rasa=not args.skip_rasa)
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level == "warning"]
    for problem in errors + warnings:
        print(problem, end="\n\n")
    if errors:
        print(f"check-content: {len(errors)} error(s), {len(warnings)} warning(s). Fix the errors above.")
        return 1
    print(f"check-content: the content passes ({len(warnings)} warning(s)).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

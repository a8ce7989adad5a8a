"""Command line: ``python -m worksmith <command>``.

demo      seed the demo workspace (sizes S, M, L)
migrate   bring the database schema up to date
schedule  schedule a plan file (no database): plan.csv -o out.csv [--start YYYY-MM-DD]
export    write the whole workspace as an Excel workbook
backup    back up the workspace (SQLite file copy via the online backup API, or portable JSON)
restore   replace the workspace with a JSON backup
bench     seed a temporary database and time the engines, the page queries and the page renders
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from worksmith.errors import WorksmithError


def _engine(url: str | None):
    from worksmith.store.db import get_engine, upgrade

    engine = get_engine(url)
    upgrade(engine)
    return engine


def cmd_demo(args: argparse.Namespace) -> int:
    from worksmith import demo

    counts = demo.seed(_engine(args.db), args.size, reset=args.reset)
    print(f"Demo workspace size {args.size}: " + ", ".join(f"{n} {t}" for t, n in counts.items() if n))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from worksmith.store.db import current_revision, database_url, describe

    engine = _engine(args.db)
    print(f"{describe(database_url(args.db))} is at schema revision {current_revision(engine)}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from worksmith.exchange.planfile import run_schedule_cli

    return run_schedule_cli(args.plan, args.output, args.start)


def cmd_export(args: argparse.Namespace) -> int:
    from worksmith.exchange.workbook import workbook
    from worksmith.store.db import read_session

    with read_session(_engine(args.db)) as session:
        Path(args.output).write_bytes(workbook(session))
    print(f"Wrote {args.output}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from worksmith.exchange.planfile import backup_json, backup_sqlite
    from worksmith.store.db import read_session

    engine = _engine(args.db)
    if args.output.endswith(".json"):
        with read_session(engine) as session:
            Path(args.output).write_text(json.dumps(backup_json(session)), encoding="utf-8")
    else:
        backup_sqlite(engine, args.output)
    print(f"Backed up to {args.output}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from worksmith.exchange.planfile import restore_json
    from worksmith.store.db import write_session

    data = json.loads(Path(args.backup).read_text(encoding="utf-8"))
    with write_session(_engine(args.db)) as session:
        counts = restore_json(session, data)
    print(f"Restored {sum(counts.values())} rows in {len(counts)} tables")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from worksmith.bench import run

    run(args.size, pages=not args.no_pages)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worksmith", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    db_help = "database URL (default: DATABASE_URL or data/worksmith.db)"

    p = sub.add_parser("demo", help="seed the demo workspace")
    p.add_argument("--size", choices=["S", "M", "L"], default="S")
    p.add_argument("--db", help=db_help)
    p.add_argument("--reset", action="store_true", help="replace what is there")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("migrate", help="upgrade the schema")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("schedule", help="schedule a plan file (CSV or .xlsx)")
    p.add_argument("plan")
    p.add_argument("-o", "--output", default=None, help="out.csv or out.xlsx (default: CSV on stdout)")
    p.add_argument("--start", help="project start date YYYY-MM-DD (adds start_date, finish_date)")
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser("export", help="export the workspace as Excel")
    p.add_argument("-o", "--output", default="worksmith.xlsx")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("backup", help="back up the workspace (.db file for SQLite, or .json for any database)")
    p.add_argument("output")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the workspace with a .json backup")
    p.add_argument("backup")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("bench", help="benchmark on a temporary database")
    p.add_argument("--size", choices=["S", "M", "L"], default="S")
    p.add_argument("--no-pages", action="store_true", help="skip the page render timings")
    p.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except WorksmithError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

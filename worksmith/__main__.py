"""Command line: ``python -m worksmith <command>``.

demo      seed the demo workspace (sizes S, M, L)
migrate   bring the database schema up to date
schedule  schedule a plan file (no database): plan.csv|.xlsx|.xml -o out.csv|.xlsx|.xml [--start YYYY-MM-DD]
export    write the whole workspace as an Excel workbook
backup    back up the workspace (SQLite file copy via the online backup API, or portable JSON)
restore   replace the workspace with a JSON backup
bench     seed a temporary database and time the engines, the page queries and the page renders
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from worksmith.errors import ValidationError, WorksmithError

if TYPE_CHECKING:
    from worksmith.domain.schedule import WorkCalendar

# The command line reads the user's own file on the user's machine, so it takes far more task rows than an upload
# to the shared app (MAX_PLAN_ROWS, 20,000); issue 16 schedules 30,000.
CLI_MAX_PLAN_ROWS = 1_000_000


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
    return run_schedule_cli(args.plan, args.output, args.start)


def _read_schedule_plan(in_path: str | Path, start: date | None, calendar: WorkCalendar):
    """A .csv plan through the modules without a spreadsheet library (issue 16: a CSV run loads no openpyxl);
    an .xlsx plan through :func:`worksmith.exchange.planfile.read_plan`. Either takes CLI_MAX_PLAN_ROWS rows."""
    if Path(str(in_path)).suffix.lower() == ".csv":
        from worksmith.exchange.plancheck import parse_plan
        from worksmith.exchange.planrows import read_csv_frame

        return parse_plan(read_csv_frame(in_path, max_rows=CLI_MAX_PLAN_ROWS), Path(str(in_path)).name,
                          start=start, calendar=calendar)
    from worksmith.exchange.planfile import read_plan

    return read_plan(in_path, start=start, calendar=calendar, max_rows=CLI_MAX_PLAN_ROWS)


def run_schedule_cli(in_path: str | Path, out_path: str | Path | None, start: str | None, *,
                     calendar: WorkCalendar | None = None) -> int:
    """``python -m worksmith schedule plan.csv -o out.csv [--start YYYY-MM-DD]``.

    Reads the plan (.csv, .xlsx or MS Project XML .xml; at most CLI_MAX_PLAN_ROWS task rows), schedules it and
    writes the export table to ``out_path`` (.csv or .xlsx), MS Project XML (.xml), or CSV to stdout when
    ``out_path`` is None or ``"-"``. An .xml input brings its own start (``--start`` overrides it) and calendar
    (working week and holidays); an .xml output without a start starts today. A one-line summary goes to stdout
    after writing a file, to stderr when the table itself went to stdout. Only the modules a run needs are
    imported (a CSV to CSV run loads no spreadsheet or XML library).

    Returns
    -------
    int
        0 on success; 2 for bad input (unreadable, invalid or refused plan, cycle, bad date, bad output name)
        with the message on stderr; 1 if the output cannot be written.
    """
    from worksmith.domain.calendar import WorkCalendar
    from worksmith.exchange.plancheck import file_format, plan_csv_bytes, schedule_plan
    from worksmith.exchange.planrows import is_mspdi

    to_stdout = out_path is None or str(out_path) == "-"
    to_xml = not to_stdout and is_mspdi(str(out_path))
    try:
        start_date = None
        if start:
            try:
                start_date = date.fromisoformat(start.strip())
            except ValueError:
                raise ValidationError(f"--start must be a date YYYY-MM-DD, got '{start}'.", field="start") from None
        if not to_stdout and not to_xml:
            file_format(out_path)  # type: ignore[arg-type]
        if is_mspdi(str(in_path)):
            from worksmith.exchange.mspdi import read_mspdi

            project = read_mspdi(in_path)
            plan, calendar, start_date = project.plan, project.calendar, start_date or project.start
        else:
            calendar = calendar or WorkCalendar()
            plan = _read_schedule_plan(in_path, start_date, calendar)  # a 'not before' date counts from --start
        if to_xml and start_date is None:
            start_date = date.today()
        table = schedule_plan(plan, start_date, calendar)
    except WorksmithError as exc:
        print(str(exc), file=sys.stderr)
        return 2

    critical = int((table["critical"] == "true").sum())
    finish = max((int(v) for v in table["early_finish"]), default=0)
    summary = f"Scheduled {len(table)} tasks: project finish day {finish}, {critical} critical"
    if start_date is not None and len(table):
        summary += f", from {start_date.isoformat()} to the last working day {max(table['finish_date'])}"
    try:
        if to_stdout:
            sys.stdout.write(plan_csv_bytes(table).decode("utf-8"))
            sys.stdout.flush()
            print(summary + ".", file=sys.stderr)
        else:
            if to_xml:
                from worksmith.exchange.mspdi_write import mspdi_bytes

                data = mspdi_bytes(plan, start_date, calendar, name=Path(str(in_path)).stem)  # type: ignore[arg-type]
            elif file_format(out_path) == "xlsx":  # type: ignore[arg-type]
                from worksmith.exchange.planfile import plan_bytes

                data = plan_bytes(table, "xlsx")
            else:
                data = plan_csv_bytes(table)
            Path(out_path).write_bytes(data)  # type: ignore[arg-type]
            print(f"{summary}. Wrote {out_path}.")
    except OSError as exc:
        print(f"Cannot write '{out_path}': {exc.strerror or exc}.", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from worksmith.exchange.workbook import workbook
    from worksmith.store.db import read_session

    with read_session(_engine(args.db)) as session:
        Path(args.output).write_bytes(workbook(session))
    print(f"Wrote {args.output}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from worksmith.exchange.backup import backup_json, backup_sqlite
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
    """Check the whole file first; any refusal (unreadable, not JSON, a bad row, no actor) is exit 2 and one line
    on stderr, and the workspace is unchanged."""
    from worksmith.commands.core import Actor
    from worksmith.exchange.backup import read_backup, restore_json
    from worksmith.store.db import write_session

    try:
        raw = Path(args.backup).read_bytes()
    except OSError as exc:
        raise ValidationError(f"Cannot read '{args.backup}': {exc.strerror or exc}.") from None
    checked = read_backup(raw)
    with write_session(_engine(args.db)) as session:
        counts = restore_json(session, checked, actor=Actor(None, args.actor or "", "admin"))
    print(f"Restored {sum(counts.values())} rows in {len(counts)} tables")
    return 0


def _login() -> str | None:
    import getpass

    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return None


def cmd_bench(args: argparse.Namespace) -> int:
    from worksmith.bench import print_rows, risk_rows, run, scenario_bench, schedule_cli_rows, soak

    if args.schedule_cli:
        print_rows("schedule CLI vs MPXJ", schedule_cli_rows())
        return 0
    if args.risk:
        print_rows("schedule risk", risk_rows())
        return 0
    if args.soak:
        soak(pg_url=args.db)
        return 0
    if args.scenarios:
        print_rows("scenarios " + ", ".join(args.scenarios),
                   scenario_bench(tuple(args.scenarios), postgres=not args.no_postgres))
        return 0
    run(args.size, pages=not args.no_pages)
    return 0


def cmd_risk(args: argparse.Namespace) -> int:
    """``risk``: Monte Carlo finish-date forecast of a plan file (see worksmith.exchange.risk)."""
    from worksmith.domain.calendar import WorkCalendar
    from worksmith.exchange.planfile import read_plan
    from worksmith.exchange.risk import run_risk

    start = None
    if args.start:
        try:
            start = date.fromisoformat(args.start.strip())
        except ValueError:
            raise ValidationError(f"--start must be a date YYYY-MM-DD, got '{args.start}'.", field="start") from None
    calendar = WorkCalendar()
    plan = read_plan(args.plan, start=start, calendar=calendar)
    summary, tasks, _result = run_risk(plan, runs=args.runs, seed=args.seed, target_day=args.target_day,
                                       start=start, calendar=calendar)
    try:
        if args.output in (None, "-"):
            sys.stdout.write(tasks.to_csv(index=False))
        else:
            tasks.to_csv(args.output, index=False)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as out:
                json.dump(summary, out, indent=2)
    except OSError as exc:
        print(f"Cannot write the output: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    line = (f"{summary['runs']:,} runs: P50 day {summary['finish_p50']}, P80 day {summary['finish_p80']}, "
            f"P95 day {summary['finish_p95']} (deterministic day {summary['deterministic_finish']})")
    if "probability_by_target" in summary:
        line += f"; {summary['probability_by_target']:.0%} chance of finishing by day {summary['target_day']}"
    print(line + ".", file=sys.stderr if args.output in (None, "-") else sys.stdout)
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

    p = sub.add_parser("schedule", help="schedule a plan file (CSV, .xlsx or MS Project XML .xml)")
    p.add_argument("plan")
    p.add_argument("-o", "--output", default=None,
                   help="out.csv, out.xlsx or out.xml (MS Project XML) (default: CSV on stdout)")
    p.add_argument("--start", help="project start date YYYY-MM-DD (adds start_date, finish_date; an .xml plan "
                   "brings its own start, which this overrides)")
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser("risk", help="Monte Carlo finish-date forecast of a plan file with three-point estimates")
    p.add_argument("plan")
    p.add_argument("--runs", type=int, default=10_000, help="number of simulated runs (default 10,000)")
    p.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same output")
    p.add_argument("-o", "--output", default=None, help="tasks.csv (default: CSV on stdout)")
    p.add_argument("--json", help="summary.json: runs, deterministic finish, P50/P80/P95, probability by target")
    p.add_argument("--target-day", type=int, help="a working-day offset: the chance of finishing by it")
    p.add_argument("--start", help="project start date YYYY-MM-DD (adds the figures as dates)")
    p.set_defaults(func=cmd_risk)

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
    p.add_argument("--actor", default=_login(), help="who restores, for the activity log (default: your login)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("bench", help="benchmark on a temporary database")
    p.add_argument("--size", choices=["S", "M", "L"], default="S")
    p.add_argument("--no-pages", action="store_true", help="skip the page render timings")
    p.add_argument("--risk", action="store_true", help="only the schedule-risk rows (risk vs schedule processes, "
                   "1,000 runs × 30,000 tasks)")
    p.add_argument("--schedule-cli", action="store_true", help="only the schedule CLI row (30,000 tasks, whole "
                   "process) against MPXJ's MicrosoftScheduler on the same plan")
    p.add_argument("--scenarios", nargs="+", choices=["S", "M", "L"], metavar="SIZE",
                   help="only the scenario rows (branch, compare, apply) for these sizes, e.g. --scenarios S M L")
    p.add_argument("--no-postgres", action="store_true", help="with --scenarios: skip the PostgreSQL branch rows")
    p.add_argument("--soak", action="store_true", help="instead: 8 processes × 200 overlapping edits on SQLite and "
                   "on PostgreSQL (--db or WORKSMITH_TEST_PG_URL); commits, conflicts, retries, lost updates")
    p.add_argument("--db", help="with --soak: a PostgreSQL URL to soak in a temporary schema")
    p.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except WorksmithError as error:
        print("error: " + " ".join(str(error).split()), file=sys.stderr)  # one line, whatever the message
        return 2


if __name__ == "__main__":
    sys.exit(main())

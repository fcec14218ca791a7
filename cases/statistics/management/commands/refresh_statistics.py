"""Bring the statistics aggregates up to date: incremental by default, ``--full``, or a day range."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cases.statistics.refresh import refresh_aggregates


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Refresh the pre-aggregated statistics tables (what the dashboard reads)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Rebuild every case and every day.")
        parser.add_argument("--from", dest="date_from", type=_date, help="Rebuild the days from this date.")
        parser.add_argument("--to", dest="date_to", type=_date, help="… up to this date (default: today).")

    def handle(self, *args, full, date_from, date_to, **options):
        if date_to and not date_from:
            raise CommandError("--to needs --from")
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from is after --to")
        result = refresh_aggregates(full=full, date_from=date_from, date_to=date_to)
        if result.get("skipped"):
            self.stdout.write("Another refresh is running; nothing done.")
            return
        self.stdout.write(
            f"Statistics refreshed ({result['mode']}): {result['cases']} cases, {result['days']} days "
            f"in {result['seconds']:.2f}s."
        )

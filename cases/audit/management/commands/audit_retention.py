"""Report how far back the security audit log reaches (the retention duty is at least 6 months)."""
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.audit.models import AuditLog


class Command(BaseCommand):
    help = "Print the oldest and newest audit-log rows and whether the log covers the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true",
                            help="exit 1 when the log is younger than the retention period (monitoring)")

    def handle(self, *args, **options):
        days = settings.IPDR_AUDIT_RETENTION_DAYS
        oldest = AuditLog.objects.order_by("at").values_list("at", flat=True).first()
        newest = AuditLog.objects.order_by("-at").values_list("at", flat=True).first()
        if oldest is None:
            self.stdout.write("audit log: empty")
            if options["fail"]:
                raise CommandError("audit log is empty")
            return
        age = timezone.now() - oldest
        self.stdout.write(f"audit log: oldest {oldest.isoformat()} newest {newest.isoformat()} "
                          f"covers {age.days} days; retention {days} days")
        if age < timedelta(days=days):
            self.stdout.write("coverage below retention period: expected for a deployment younger than that, "
                              "otherwise rows were removed outside the application")
            if options["fail"]:
                raise CommandError(f"audit log covers {age.days} days < {days}")

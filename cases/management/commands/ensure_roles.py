from django.core.management.base import BaseCommand

from cases.services.access import ensure_role_groups


class Command(BaseCommand):
    help = "Create the role Groups (idempotent)."

    def handle(self, *args, **options):
        groups = ensure_role_groups()
        self.stdout.write(f"{len(groups)} roles present.")

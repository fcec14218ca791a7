"""manage.py backup_create [--output DIR]: database dump + private storage tar + manifest."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库与证据/文书存储，并写出清单（各表行数、每个文件的 SHA-256）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Folder to write (default: var/backups/<timestamp>)")

    def handle(self, *args, **options):
        out = options["output"] or str(settings.VAR_DIR / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S"))
        try:
            manifest = backup_create(out)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{out}: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
                          f"{len(manifest['files'])} files")
        if manifest["missing_files"]:
            self.stderr.write(f"files in the database but not in storage: {manifest['missing_files']}")

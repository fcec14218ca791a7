"""manage.py backup_restore DIR --database NAME --storage DIR: restore a backup beside the live
system and check it against its manifest (exit status 1 when anything differs)."""
from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "将备份恢复到新的数据库和存储目录，并按清单核对行数与文件哈希。"

    def add_arguments(self, parser):
        parser.add_argument("backup_dir")
        parser.add_argument("--database", required=True,
                            help="New PostgreSQL database name (same server), or a SQLite file path")
        parser.add_argument("--storage", required=True, help="New, empty folder for the private storage")

    def handle(self, *args, **options):
        try:
            report = backup_restore(options["backup_dir"], database=options["database"],
                                    storage_dir=options["storage"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for problem in report["problems"]:
            self.stderr.write(problem)
        if report["problems"]:
            raise CommandError(f"{len(report['problems'])} differences from the manifest")
        self.stdout.write(f"restored and checked: {len(report['tables'])} tables, "
                          f"{sum(report['tables'].values())} rows, {len(report['files'])} files")

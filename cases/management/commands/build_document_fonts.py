"""Build the compact document faces (``cases.documents.fonts``) into ``.cache/fonts``; ``make deps`` runs it."""
from django.core.management.base import BaseCommand

from cases.documents import fonts


class Command(BaseCommand):
    help = "Build the compact Noto Serif CJK SC faces the official documents embed (once per machine)."

    def handle(self, *args, **options):
        for path in fonts.build():
            self.stdout.write(f"built {path}")
        self.stdout.write(f"document fonts in {fonts.font_dir()}: {len(fonts.built_faces())} faces")

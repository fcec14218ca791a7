"""Revoke a docking API client at once: its token answers 401 from the next call."""
from django.core.management.base import BaseCommand, CommandError

from cases.tribunal.docking import docking_client_revoke
from cases.tribunal.models import DockingClient


class Command(BaseCommand):
    help = "吊销对接客户端的令牌（立即生效）。"

    def add_arguments(self, parser):
        parser.add_argument("client_id", type=int, help="对接客户端编号（id）。")

    def handle(self, *args, client_id, **options):
        client = DockingClient.objects.filter(pk=client_id).first()
        if client is None:
            raise CommandError(f"没有这个对接客户端：{client_id}")
        client = docking_client_revoke(actor=None, client=client)
        self.stdout.write(f"client {client.pk} revoked at {client.revoked_at.isoformat()}")

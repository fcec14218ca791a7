"""Create a docking API client for a circuit station and print its token (shown only this once)."""
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Organization
from cases.tribunal.docking import SCOPES, docking_client_create


class Command(BaseCommand):
    help = "创建对接客户端（法院办案系统）并显示令牌；令牌只显示这一次。"

    def add_arguments(self, parser):
        parser.add_argument("--station", required=True, help="巡回审判站的机构编号（id）或名称。")
        parser.add_argument("--name", required=True, help="客户端名称，如“重庆知识产权法庭办案系统”。")
        parser.add_argument("--scope", action="append", dest="scopes", required=True, choices=sorted(SCOPES),
                            help="权限范围，可重复。")
        parser.add_argument("--days", type=int, default=365, help="有效天数（0 表示长期有效），默认365。")

    def handle(self, *args, station, name, scopes, days, **options):
        qs = Organization.objects.filter(kind=Organization.Kind.CIRCUIT_STATION)
        org = qs.filter(pk=int(station)).first() if station.isdigit() else qs.filter(name=station).first()
        if org is None:
            raise CommandError(f"没有这个巡回审判站：{station}")
        if days < 0:
            raise CommandError("有效天数不能为负数。")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            client, token = docking_client_create(actor=None, station=org, name=name, scopes=scopes,
                                                  expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"client {client.pk}: {client.name} @ {org.name}; scopes: {' '.join(client.scopes)}; "
                          f"expires: {client.expires_at.isoformat() if client.expires_at else 'never'}")
        self.stdout.write("token (shown once, store it now):")
        self.stdout.write(token)

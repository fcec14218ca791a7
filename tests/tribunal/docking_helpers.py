"""The court system's client: a docking client of the station and an API client carrying its token."""
from rest_framework.test import APIClient

from cases.tribunal.docking import SCOPES, docking_client_create

ALL_SCOPES = tuple(SCOPES)
BASE = "/api/v1/docking"


def court_system(station, *, scopes=ALL_SCOPES, name="重庆知识产权法庭办案系统", **kwargs):
    """(client, token, api): an API client that sends ``Authorization: Bearer <token>``."""
    client, token = docking_client_create(actor=None, station=station, name=name, scopes=list(scopes), **kwargs)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client, token, api

"""Where the tier's pages are mounted (``workflows/urls.py`` includes them under one namespace)."""
from django.urls import reverse

NAMESPACE = "workflows:adjudication"


def url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)

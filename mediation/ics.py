"""iCalendar (RFC 5545) invitations for mediation sessions, written by hand: one VEVENT.

A reschedule keeps the event's UID and raises its SEQUENCE, so a calendar updates the
entry instead of adding a second one; a cancelled session is sent with METHOD:CANCEL.
"""
from datetime import UTC

from django.conf import settings
from django.utils import timezone

PRODID = "-//IPDR//知识产权纠纷多元化解平台//ZH"


def _escape(text) -> str:
    return (str(text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (never inside a UTF-8 character)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def session_ics(session, *, committee_name="", detail_url="") -> str:
    """The invitation (or cancellation) of ``session`` as an .ics document."""
    cancelled = session.status in ("cancelled", "missed")
    mode = session.get_mode_display()
    where = session.place if session.mode == "in_person" else (session.meeting_link or mode)
    summary = f"第{session.sequence}次调解会议（{session.case.number or session.case.title}）"
    description = "\n".join(filter(None, [
        f"案件：{session.case.title}",
        f"方式：{mode}",
        f"会议链接：{session.meeting_link}" if session.meeting_link else "",
        f"地点：{session.place}" if session.place else "",
        f"组织单位：{committee_name}" if committee_name else "",
        f"案件详情：{detail_url}" if detail_url else "",
    ]))
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{session.uid}@{settings.IPDR_PUBLIC_BASE_URL.split('//')[-1].split('/')[0].split(':')[0] or 'ipdr'}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SEQUENCE:{session.revision}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(where)}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    if session.meeting_link:
        lines.append(f"URL:{session.meeting_link}")
    if not cancelled:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_escape(summary)}", "TRIGGER:-PT1H", "END:VALARM"]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

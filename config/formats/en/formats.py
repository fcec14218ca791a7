"""English dates, day first and unambiguous for readers on either side of the Atlantic: 21 Nov 2026.
24-hour times like the Chinese pages. Input formats fall through to django.conf.locale.en."""
DATE_FORMAT = "j M Y"  # 21 Nov 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y, H:i"  # 21 Nov 2026, 14:05
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j M"  # 21 Nov
SHORT_DATE_FORMAT = "j M Y"  # 21 Nov 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 21 Nov 2026, 14:05
# Not a Django setting: the month alone on a chart axis (Nov), read with django.utils.formats.get_format_modules.
SHORT_MONTH_FORMAT = "M"

"""Chinese dates as the pages have always shown them: 2026年11月21日, no leading zeros (Django's own zh_Hans
pads the month in MONTH_DAY_FORMAT). Input formats fall through to django.conf.locale.zh_Hans."""
DATE_FORMAT = "Y年n月j日"  # 2026年11月21日
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年11月21日 14:05
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年11月
MONTH_DAY_FORMAT = "n月j日"  # 11月21日
SHORT_DATE_FORMAT = "Y年n月j日"  # 2026年11月21日
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年11月21日 14:05
# Not a Django setting: the month alone on a chart axis (11月), read with django.utils.formats.get_format_modules.
SHORT_MONTH_FORMAT = "n月"

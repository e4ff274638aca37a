"""The working calendar resource: due dates, a year's days, the admin-kept override table."""

# Vietnamese weekday names, Monday first (date.weekday() indexes them).
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

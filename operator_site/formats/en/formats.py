# Dates as the site writes them ("Friday 14 May 2027"), in admin too; 24-hour Cusco times.
# Only display formats: input formats stay Django's (2027-05-14 is what date fields take).
DATE_FORMAT = "l j F Y"
DATETIME_FORMAT = "l j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "D j M Y"
SHORT_DATETIME_FORMAT = "D j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

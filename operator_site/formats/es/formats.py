# Dates as the Spanish site writes them ("viernes 14 de mayo de 2027"), in admin too.
DATE_FORMAT = r"l j \d\e F \d\e Y"
DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "D j b Y"  # "vie 14 may 2027"
SHORT_DATETIME_FORMAT = "D j b Y, H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
FIRST_DAY_OF_WEEK = 1
# Input: year-month-day only, what the date widget sends. Django's defaults also read
# 01/05/1990, as 5 January in English and 1 May in Spanish: the same typing, two dates.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M"]

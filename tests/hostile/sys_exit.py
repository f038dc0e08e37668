# appended to: functions.py
# Ends the interpreter politely in the middle of a call.
import sys


def d_mean_squared_error(d, y):
    sys.exit(1)

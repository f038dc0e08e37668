# appended to: weight_init.py
# Starts processes that try to outlive the grading: a plain child, and one in a
# session of its own (double fork), both sleeping for a long, recognisable time.
import os
import subprocess

try:
    subprocess.Popen(["sleep", "987654"])
    subprocess.Popen(["sleep", "987655"], start_new_session=True)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "987656"])
        os._exit(0)
except BaseException:
    pass

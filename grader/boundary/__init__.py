"""The process boundary: every caller's student code runs in a child process here.

`grader check`, `grader batch`, the notebook worker and the quiz's code answers all use it:
the child (child.py) and its parent side (runner.py), the values that cross the pipe
(wire.py), the limits every child gets (limits.py), bubblewrap (bwrap.py) and the warm
forking server with its slots (server.py, pool.py). Nothing here imports the reference.
"""

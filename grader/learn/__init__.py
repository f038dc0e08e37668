"""The learner's loop around the grader: hints on demand, the solution after success,
and progress that lasts (README's "For students": hint, solution, status, watch).

- :mod:`grader.learn.topics` — which blanks belong to a topic (the one place that knows),
  and the quiz section that follows each topic.
- :mod:`grader.learn.progress` — the progress store beside the quiz progress.
- :mod:`grader.learn.ladder` — choosing the next hint level and rendering a ladder.
- :mod:`grader.learn.hint_cli`, :mod:`grader.learn.solution_cli`,
  :mod:`grader.learn.status_cli` — ``grader hint``, ``grader solution``, ``grader status``.
- :mod:`grader.learn.check_hook` — what ``grader check`` records and says at the end.
"""

"""The exercises as Jupyter notebooks, graded by nbgrader with the grader's own checks.

- :mod:`grader.authoring.assignments` — which modules and topics make up each assignment.
- :mod:`grader.authoring.notebooks` — nbgrader source notebooks generated from ``solutions/``.
- :mod:`grader.nb.program` — a notebook's code turned back into the modules the engine grades.
- :mod:`grader.nb.check` — ``check("softmax")`` inside a kernel (students import it from
  :mod:`grader.notebook`).
- :mod:`grader.nb.worker` — the process that grades for a kernel, out of the kernel.
- :mod:`grader.nb.feedback` — the HTML a check shows and the error it raises.
- :mod:`grader.nb.quiz` — ``show_quiz("day1-s3")``: a confirmation test in a notebook.
- :mod:`grader.instructor.course` — ``grader nbgrader init`` / ``export``.
"""

"""`grader check`: one student's folder graded — the command line, the report, the pictures."""

"""`grader batch`: a class graded in parallel — inputs, verdicts, results files, progress."""

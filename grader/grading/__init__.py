"""Grading one submission: declare its topics, run the checks across the boundary, judge."""

"""Auto-grader for the course's NumPy exercises and confirmation-test quizzes."""

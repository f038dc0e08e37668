"""Topic cross_entropy_error: one-hot and label teacher signals, batches."""
from grader.topics.registry import About

ABOUT = About('cross_entropy_error', order=40, module='functions', functions=('cross_entropy_error',), quiz='day1-s3')

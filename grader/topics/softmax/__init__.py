"""Topic softmax: probabilities per row, safe for large inputs."""
from grader.topics.registry import About

ABOUT = About('softmax', order=20, module='functions', functions=('softmax',), quiz='day1-s3')

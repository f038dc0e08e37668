"""Topic dropout: the course's Dropout layer (a random mask in training, scaling at test time)."""
from grader.topics.registry import About

ABOUT = About('dropout', order=165, module='layers', functions=('Dropout',), quiz='day2-s3')

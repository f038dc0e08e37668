"""Topic pooling: the max-pooling layer (the maximum per window and channel; backward routes to it)."""
from grader.topics.registry import About

ABOUT = About('pooling', order=182, module='cnn', functions=('Pooling',), quiz='day2-s4')

"""Topic sgd: the SGD optimizer (w −= lr·g)."""
from grader.topics.registry import About

ABOUT = About('sgd', order=100, module='optimizers', functions=('SGD',), quiz='day2-s2')

"""Topic rmsprop: the RMSprop optimizer (h = ρ·h + (1 − ρ)·g²; w −= lr·g/(√h + 1e-7))."""
from grader.topics.registry import About

ABOUT = About('rmsprop', order=130, module='optimizers', functions=('RMSprop',), quiz='day2-s2')

"""Topic adagrad: the AdaGrad optimizer (h += g²; w −= lr·g/(√h + 1e-7))."""
from grader.topics.registry import About

ABOUT = About('adagrad', order=120, module='optimizers', functions=('AdaGrad',), quiz='day2-s2')

"""Topic momentum: the Momentum optimizer (v = momentum·v − lr·g; w += v, one v per key)."""
from grader.topics.registry import About

ABOUT = About('momentum', order=110, module='optimizers', functions=('Momentum',), quiz='day2-s2')

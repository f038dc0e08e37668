"""Topic adam: the Adam optimizer (bias-corrected m and v, one t for all keys)."""
from grader.topics.registry import About

ABOUT = About('adam', order=140, module='optimizers', functions=('Adam',), quiz='day2-s2')

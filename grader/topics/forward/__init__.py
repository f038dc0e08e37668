"""Topic forward: the two-layer network's forward pass."""
from grader.topics.registry import About

ABOUT = About('forward', order=60, module='network', functions=('forward',), quiz='day1-s1')

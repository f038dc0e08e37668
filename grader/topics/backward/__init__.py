"""Topic backward: the two-layer network's gradients by backpropagation."""
from grader.topics.registry import About

ABOUT = About('backward', order=70, module='network', functions=('backward',), quiz='day1-s5')

"""Topic sgd_update: w −= ε·∇E for every parameter, in place."""
from grader.topics.registry import About

ABOUT = About('sgd_update', order=80, module='network', functions=('sgd_update',), quiz='day1-s4')

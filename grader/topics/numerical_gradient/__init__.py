"""Topic numerical_gradient: central differences, x restored, the course's lambda."""
from grader.topics.registry import About

ABOUT = About('numerical_gradient', order=50, module='functions', functions=('numerical_gradient',), quiz='day1-s4')

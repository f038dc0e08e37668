"""Topic nesterov: Nesterov's accelerated gradient in the course's form (v = μv − lr·g; w += μ²v − (1+μ)·lr·g)."""
from grader.topics.registry import About

ABOUT = About('nesterov', order=145, module='optimizers', functions=('Nesterov',), quiz='day2-s2')

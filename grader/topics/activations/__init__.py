"""Topic activations: step, sigmoid and ReLU with their derivatives."""
from grader.topics.registry import About

ABOUT = About('activations', order=10, module='functions', functions=('step_function', 'sigmoid', 'd_sigmoid', 'relu', 'd_relu'), quiz='day1-s2')

"""Topic layers: the course's layer classes Relu, Sigmoid, Affine and SoftmaxWithLoss (forward, backward)."""
from grader.topics.registry import About

ABOUT = About('layers', order=75, module='layers', functions=('Relu', 'Sigmoid', 'Affine', 'SoftmaxWithLoss'), quiz='day1-s5')

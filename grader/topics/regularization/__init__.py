"""Topic regularization: the L2 and L1 penalties over a list of weights, and their gradients."""
from grader.topics.registry import About

ABOUT = About('regularization', order=163, module='regularization', functions=('l2_penalty', 'l2_gradient', 'l1_penalty', 'l1_gradient'), quiz='day2-s3')

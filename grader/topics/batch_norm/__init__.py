"""Topic batch_norm: batch normalisation forward and backward."""
from grader.topics.registry import About

ABOUT = About('batch_norm', order=160, module='batch_norm', functions=('batchnorm_forward', 'batchnorm_backward'), quiz='day2-s1-bn')

"""Topic convolution: the Convolution layer (im2col, one matrix product, bias per filter; dW, db, dx)."""
from grader.topics.registry import About

ABOUT = About('convolution', order=181, module='cnn', functions=('Convolution',), quiz='day2-s4')

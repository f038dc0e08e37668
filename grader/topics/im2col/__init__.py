"""Topic im2col: the output size, im2col's layout of the filter windows, and col2im, its adjoint."""
from grader.topics.registry import About

ABOUT = About('im2col', order=180, module='cnn', functions=('conv_output_size', 'im2col', 'col2im'), quiz='day2-s4')

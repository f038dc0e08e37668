"""Topic cnn_training: a small convolutional net built from the student's layer classes, trained on the digits."""
from grader.topics.registry import About

ABOUT = About('cnn_training', order=185, module='cnn', functions=(), uses=('Convolution', 'Relu', 'Pooling', 'Affine', 'SoftmaxWithLoss'), quiz='day2-s4')

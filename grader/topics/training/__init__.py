"""Topic training: the two-layer net trained on the digits with the student's own functions."""
from grader.topics.registry import About

ABOUT = About('training', order=170, module='network', functions=(),
              uses=('forward', 'softmax', 'cross_entropy_error', 'backward', 'iterate_minibatches', 'sgd_update',
                    'relu', 'd_relu'), quiz='day1-s4')
